"""Permission expectations for versions: publishing a new version (page and API), comparing versions,
and the chair's list of orphaned annotations."""
from .test_permissions import OK, PRIVATE_DOC, everyone, roles


def expectations(app, w) -> dict:
    doc, private = w.document.id, w.private_document.id
    v, pv = w.document.current_version_id, w.private_document.current_version_id
    return {
        "api.publish_version": [("POST", f"/api/v1/documents/{doc}/versions", roles(403, anonymous=401, chair=OK)),
                                ("POST", f"/api/v1/documents/{private}/versions",
                                 roles(404, anonymous=401, observer=403, member=403, chair=OK, admin=403))],
        "api.diff_versions": [("GET", f"/api/v1/versions/{v}/diff/{v}", everyone(200)),
                              ("GET", f"/api/v1/versions/{pv}/diff/{pv}", PRIVATE_DOC)],
    }
