"""Permission expectations for search: everyone may search (what each role finds is tested per role in
test_search_permissions.py); a query that says nothing is a 400 with a message, for everyone alike."""
from .test_permissions import PAGE_LOGIN, everyone, roles


def expectations(app, w) -> dict:
    return {
        "search.search_page": [("GET", "/search?q=encryption", everyone(200)), ("GET", "/search", everyone(200)),
                               ("GET", "/search?q=-encryption", everyone(400))],
        # Without a query the save is refused with a message and the reader goes back to the search.
        "search.save": [("POST", "/search/saved", roles(302, anonymous=PAGE_LOGIN))],
        "search.delete_saved": [("POST", "/search/saved/999999/delete", roles(404, anonymous=PAGE_LOGIN))],
        "api.search_api": [("GET", "/api/v1/search?q=encryption", everyone(200)),
                           ("GET", "/api/v1/search?q=", everyone(400))],
    }
