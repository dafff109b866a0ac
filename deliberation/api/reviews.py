"""API: reviewed Word files. Upload a .docx of a version marked up with Word comments and tracked changes to
get a preview (nothing is posted), then confirm it, dropping items or placing unplaced ones by hand."""
from flask import jsonify, request
from flask_login import current_user

from ..extensions import db
from ..models import Version, WordReview
from ..security import Permission, require
from ..services.errors import Invalid, NotFound
from ..services.reviews.confirm import confirm_review
from ..services.reviews.preview import MAX_ITEMS, create_review
from . import bp
from .helpers import field, load
from .openapi import INT, NULLABLE_INT, NULLABLE_STR, STR, describe, errors, id_param, json_response, obj, ref

PUBLIC_FIELDS = ("n", "kind", "clause_id", "exact", "text", "replacement_text", "word_author", "anchor_status",
                 "reason")


def review_json(review: WordReview) -> dict:
    items = [{k: item.get(k) for k in PUBLIC_FIELDS} for item in review.items]
    for item in items:
        if item["replacement_text"] is None:
            del item["replacement_text"]
        if item["reason"] is None:
            del item["reason"]
    return {"id": review.id, "version_id": review.version_id, "status": review.status,
            "on_behalf_of": review.on_behalf_of_id, "items": items}


def _on_behalf_of():
    value = request.form.get("on_behalf_of", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise Invalid("'%(name)s' must be a user id.", field="on_behalf_of", name="on_behalf_of")
    return int(value)


@bp.post("/versions/<int:version_id>/reviews")
def upload_review(version_id: int):
    version = load(Version, version_id)
    require(current_user, Permission.COMMENT, version)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid("Choose the reviewed Word file (.docx) to upload.", field="file")
    review = create_review(current_user, version, upload.filename, upload.read(), on_behalf_of=_on_behalf_of())
    return jsonify(review_json(review)), 201


def own_review(review_id: int) -> WordReview:
    review = db.session.get(WordReview, review_id)
    if review is None or review.uploader_id != getattr(current_user, "id", None):
        raise NotFound("Not found.")
    load(Version, review.version_id)
    return review


@bp.get("/reviews/<int:review_id>")
def get_review(review_id: int):
    return jsonify(review_json(own_review(review_id)))


@bp.post("/reviews/<int:review_id>/confirm")
def confirm_review_api(review_id: int):
    review = own_review(review_id)
    require(current_user, Permission.COMMENT, review.version)
    data = request.get_json(silent=True)
    data = data if isinstance(data, dict) else {}
    ids = confirm_review(current_user, review, skip=field(data, "skip", list, required=False),
                         place=field(data, "place", dict, required=False))
    return jsonify({"comment_ids": ids}), 201


_ITEM = obj({
    "n": INT, "kind": {"type": "string", "enum": ["comment", "amendment"]}, "clause_id": NULLABLE_INT,
    "exact": NULLABLE_STR | {"description": "The quoted words of the clause; null for the whole clause"},
    "text": STR, "replacement_text": STR | {"description": "Amendments: what the quoted words become"},
    "word_author": STR, "anchor_status": {"type": "string", "enum": ["exact", "fuzzy", "unplaced"]},
    "reason": STR | {"description": "Why the item could not be placed (or was placed on the whole clause)"},
}, ["n", "kind", "clause_id", "exact", "text", "word_author", "anchor_status"])

describe({
    "/versions/{version_id}/reviews": {"post": {
        "summary": "Upload a reviewed copy of the version (.docx with Word comments and tracked changes): each "
                   f"comment and each group of adjacent changes placed on its clause and words; at most {MAX_ITEMS} "
                   "items. Nothing is posted until the review is confirmed (members; a chair may upload on behalf "
                   "of a member with on_behalf_of)",
        "operationId": "uploadWordReview", "parameters": [id_param("version_id")],
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": obj({
            "file": {"type": "string", "format": "binary"},
            "on_behalf_of": {"type": "integer", "description": "Chairs: the member who sent the file"}},
            ["file"])}}},
        "responses": {"201": json_response(ref("WordReview")), **errors(400, 401, 403, 404, 409, 413)}}},
    "/reviews/{review_id}": {"get": {
        "summary": "A review preview (its uploader only)", "operationId": "getWordReview",
        "parameters": [id_param("review_id")],
        "responses": {"200": json_response(ref("WordReview")), **errors(401, 404)}}},
    "/reviews/{review_id}/confirm": {"post": {
        "summary": "Post the review's items as comments and proposed amendments by the uploader (or the member "
                   "uploaded for): all or nothing. skip drops items; place attaches items to clauses by hand",
        "operationId": "confirmWordReview", "parameters": [id_param("review_id")],
        "requestBody": {"required": False, "content": {"application/json": {"schema": obj({
            "skip": {"type": "array", "items": INT},
            "place": {"type": "object", "additionalProperties": INT,
                      "description": "item number -> clause id of this version"}})}}},
        "responses": {"201": json_response(obj({"comment_ids": {"type": "array", "items": INT}}, ["comment_ids"])),
                      **errors(400, 401, 403, 404, 409)}}},
}, {"WordReview": obj({"id": INT, "version_id": INT, "status": {"type": "string", "enum": ["pending", "confirmed"]},
                       "on_behalf_of": NULLABLE_INT, "items": {"type": "array", "items": _ITEM}},
                      ["id", "items"])})
