"""What every template can use: the permission check, the user's membership, formatting helpers."""
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ..i18n import LANGUAGES
from ..security import Permission, can, membership_in


def register_context(app) -> None:
    @app.context_processor
    def template_helpers():
        return {
            "can": lambda permission, target=None: can(current_user, Permission[permission], target),
            "membership_in": lambda target: membership_in(current_user, target),
            "languages": LANGUAGES,
            "csrf_token_value": generate_csrf,
        }

    @app.template_filter("datetime")
    def format_datetime(value, fmt: str = "%d %b %Y, %H:%M UTC") -> str:
        return value.strftime(fmt) if value else ""

    @app.template_filter("date")
    def format_date(value) -> str:
        return value.strftime("%d %b %Y") if value else ""

    @app.template_filter("isotime")
    def format_iso(value) -> str:
        return value.isoformat() if value else ""

    @app.template_filter("safe_html")
    def safe_html(value: str | None) -> Markup:
        # Only for fields written by deliberation.sanitize (stored sanitized HTML).
        return Markup(value or "")
