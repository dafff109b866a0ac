"""Permission expectations for the hardening routes: deleting one's own account, and an admin deleting one.

Posts carry no password, so even an allowed role gets a form error and nothing is deleted."""
from .test_permissions import OK, PAGE_LOGIN, SIGNED_IN, roles


def expectations(app, w):
    admin_only = roles(403, anonymous=PAGE_LOGIN, admin=200)
    return {
        "account.delete": [("POST", "/account/delete", SIGNED_IN)],
        "admin.delete_user": [("GET", f"/admin/users/{w.outsider.id}/delete", admin_only),
                              ("POST", f"/admin/users/{w.outsider.id}/delete", roles(403, anonymous=PAGE_LOGIN, admin=OK)),
                              ("GET", "/admin/users/999999/delete", roles(403, anonymous=PAGE_LOGIN, admin=404))],
    }
