"""The security headers every answer carries, and the WSGI wrapper that adds them to answers Flask never sees.

Flask's responses get them in request_cycle's after_request. Engine.IO answers Socket.IO's polling
transport itself, below Flask, so `HeadersMiddleware` wraps the whole WSGI app and adds whichever of them an
answer lacks.
"""
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
# Powerful browser features the site never uses are off for it and anything it might embed.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone", "payment", "usb"))
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
    # No window of another site keeps a handle on ours (window.opener), and no other site may load our
    # answers as images or scripts (Spectre-style reads of cross-origin resources).
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
NO_STORE = "no-store"
# Sent on sign-out: the browser drops what it cached of signed-in pages and the site's local storage.
# Not "cookies": the sign-out's own answer sets the session cookie that carries its "signed out" message.
CLEAR_SITE_DATA = '"cache", "storage"'


class HeadersMiddleware:
    """Adds the security headers to Socket.IO's answers (polling, handshakes, refusals), never cached."""

    def __init__(self, wsgi_app, prefix: str = "/socket.io"):
        self.wsgi_app = wsgi_app
        self.prefix = prefix

    def __call__(self, environ, start_response):
        if not environ.get("PATH_INFO", "").startswith(self.prefix):
            return self.wsgi_app(environ, start_response)

        def start_with_headers(status, headers, exc_info=None):
            present = {name.lower() for name, _value in headers}
            extra = {**SECURITY_HEADERS, "Cache-Control": NO_STORE}
            if environ.get("wsgi.url_scheme") == "https":
                extra["Strict-Transport-Security"] = HSTS
            headers = list(headers) + [(name, value) for name, value in extra.items() if name.lower() not in present]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_with_headers)
