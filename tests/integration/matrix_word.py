"""Permission expectations for Word downloads: a version as .docx (with or without comments) and a redline
of two versions; the comment-resolution table as .docx and .xlsx. They read like the version page: anyone for
a public document (whose group publishes its comments), 404 for a private one to all but its group's
participants and the site admins."""
from .test_permissions import PRIVATE_DOC, everyone


def expectations(app, w) -> dict:
    v, pv = w.document.current_version_id, w.private_document.current_version_id
    return {
        "api.export_version_docx": [("GET", f"/api/v1/versions/{v}/export.docx", everyone(200)),
                                    ("GET", f"/api/v1/versions/{v}/export.docx?comments=1", everyone(200)),
                                    ("GET", f"/api/v1/versions/{pv}/export.docx", PRIVATE_DOC),
                                    ("GET", f"/api/v1/versions/{pv}/export.docx?comments=1", PRIVATE_DOC)],
        "api.resolution_table_docx": [("GET", f"/api/v1/versions/{v}/resolution.docx", everyone(200)),
                                      ("GET", f"/api/v1/versions/{pv}/resolution.docx", PRIVATE_DOC)],
        "api.resolution_table_xlsx": [("GET", f"/api/v1/versions/{v}/resolution.xlsx", everyone(200)),
                                      ("GET", f"/api/v1/versions/{pv}/resolution.xlsx", PRIVATE_DOC)],
        "api.redline_versions_docx": [("GET", f"/api/v1/versions/{v}/redline/{v}.docx", everyone(200)),
                                      ("GET", f"/api/v1/versions/{pv}/redline/{pv}.docx", PRIVATE_DOC)],
    }
