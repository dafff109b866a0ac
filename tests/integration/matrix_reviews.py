"""Permission expectations for reviewed Word files: uploading a reviewed copy takes the right to comment on
the version (members and chairs of its group); a review is its uploader's alone (404 to everyone else)."""
from deliberation.extensions import db
from deliberation.models import WordReview

from .test_permissions import OK, PAGE_LOGIN, roles

COMMENTERS_API = roles(403, anonymous=401, member=OK, chair=OK)
COMMENTERS_PAGE = roles(403, anonymous=PAGE_LOGIN, member=OK, chair=OK)


def expectations(app, w) -> dict:
    v, pv, doc, private = (w.document.current_version_id, w.private_document.current_version_id, w.document.id,
                           w.private_document.id)
    with app.app_context():
        review = WordReview(version_id=v, uploader_id=w.member.id, filename="reviewed.docx", items=[],
                            status="pending", comment_ids=[])
        db.session.add(review)
        db.session.commit()
        rid = review.id
    only_uploader_api = roles(404, member=OK)
    only_uploader_page = roles(404, anonymous=PAGE_LOGIN, member=OK)
    private_api = roles(404, anonymous=401, observer=403, member=OK, chair=OK, admin=403)
    private_page = roles(404, anonymous=PAGE_LOGIN, observer=403, member=OK, chair=OK, admin=403)
    return {
        "api.upload_review": [("POST", f"/api/v1/versions/{v}/reviews", COMMENTERS_API),
                              ("POST", f"/api/v1/versions/{pv}/reviews", private_api)],
        "api.get_review": [("GET", f"/api/v1/reviews/{rid}", only_uploader_api)],
        "api.confirm_review_api": [("POST", f"/api/v1/reviews/{rid}/confirm", roles(404, anonymous=401, member=OK))],
        "reviews.upload": [("GET", f"/documents/{doc}/versions/1/reviews/new", COMMENTERS_PAGE),
                           ("POST", f"/documents/{doc}/versions/1/reviews/new", COMMENTERS_PAGE),
                           ("GET", f"/documents/{private}/versions/1/reviews/new", private_page)],
        "reviews.preview": [("GET", f"/reviews/{rid}", only_uploader_page)],
        "reviews.confirm": [("POST", f"/reviews/{rid}/confirm", only_uploader_page)],
    }
