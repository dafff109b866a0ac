"""Permission expectations for versions: publishing a new version (page and API), comparing versions,
and the chair's list of orphaned annotations."""
from .test_permissions import CHAIR_ONLY, OK, PAGE_LOGIN, PRIVATE_DOC, everyone, roles

CHAIR_SEES_MISSING = roles(403, anonymous=PAGE_LOGIN, chair=404)


def expectations(app, w) -> dict:
    doc, private = w.document.id, w.private_document.id
    v, pv = w.document.current_version_id, w.private_document.current_version_id
    return {
        "versions.new_version": [
            ("GET", f"/documents/{doc}/versions/new", CHAIR_ONLY),
            ("GET", f"/documents/{private}/versions/new", roles(404, observer=403, member=403, chair=200, admin=403)),
            ("POST", f"/documents/{doc}/versions/new", CHAIR_ONLY)],
        "versions.compare": [("GET", f"/documents/{doc}/compare", everyone(200)),
                             ("GET", f"/documents/{private}/compare", PRIVATE_DOC)],
        "versions.orphans": [("GET", f"/documents/{doc}/orphans", CHAIR_ONLY),
                             ("GET", f"/documents/{private}/orphans", roles(404, observer=403, member=403, chair=200, admin=403))],
        "versions.reattach": [("POST", f"/documents/{doc}/orphans/999999/reattach", CHAIR_SEES_MISSING)],
        "versions.close_orphan": [("POST", f"/documents/{doc}/orphans/999999/close", CHAIR_SEES_MISSING)],
        "api.publish_version": [("POST", f"/api/v1/documents/{doc}/versions", roles(403, anonymous=401, chair=OK)),
                                ("POST", f"/api/v1/documents/{private}/versions",
                                 roles(404, anonymous=401, observer=403, member=403, chair=OK, admin=403))],
        "api.preview_version": [("POST", f"/api/v1/documents/{doc}/versions/preview", roles(403, anonymous=401, chair=OK)),
                                ("POST", f"/api/v1/documents/{private}/versions/preview",
                                 roles(404, anonymous=401, observer=403, member=403, chair=OK, admin=403))],
        "api.diff_versions": [("GET", f"/api/v1/versions/{v}/diff/{v}", everyone(200)),
                              ("GET", f"/api/v1/versions/{pv}/diff/{pv}", PRIVATE_DOC)],
    }
