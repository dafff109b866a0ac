"""Absolute links (the Atom feed, the JSON and JSON-LD exports, invitations, mail): built on BASE_URL,
never on whatever Host a request claims.

BASE_URL is required in production (config.py says so at start-up). Without it (development, tests)
a link is built on the request's own address; the page cache keys on that address too
(public_cache.py), so a forged Host only ever reaches the one who forged it. This module is the only
place that builds absolute links (tests/integration/test_hardening_hosts.py checks it).
"""
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def site_origin(base_url: str | None) -> str | None:
    """scheme://host[:port] of the public address, or None without one. A path in BASE_URL is not
    used: a site served under a path prefix gets it from SCRIPT_NAME, in every link alike."""
    if not base_url:
        return None
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"


def external_url(endpoint: str, **values) -> str:
    """url_for(endpoint, **values) as an absolute link on the site's public address."""
    origin = site_origin(current_app.config.get("BASE_URL"))
    if not has_request_context():
        if origin is None:
            return ""  # no public address known outside a request (a command without BASE_URL)
        parts = urlsplit(origin)
        return current_app.url_map.bind(parts.netloc, url_scheme=parts.scheme).build(
            endpoint, values, force_external=True)
    if origin is None:
        return url_for(endpoint, **values, _external=True)  # development: the request's own address
    return origin + url_for(endpoint, **values)
