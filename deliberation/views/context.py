"""What every template can use: the permission check, the user's membership, formatting helpers."""
from flask_babel import format_date, format_datetime, get_locale
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
            "page_language": str(get_locale() or "en"),
            "text_direction": get_locale().text_direction if get_locale() else "ltr",
        }

    # Dates in the reader's language; times stay in UTC, said so, because members span time zones.
    @app.template_filter("datetime")
    def datetime_filter(value) -> str:
        return f"{format_datetime(value, 'medium')} UTC" if value else ""

    @app.template_filter("date")
    def date_filter(value) -> str:
        return format_date(value, "medium") if value else ""

    @app.template_filter("isotime")
    def format_iso(value) -> str:
        return value.isoformat() if value else ""

    @app.template_filter("safe_html")
    def safe_html(value: str | None) -> Markup:
        # Only for fields written by deliberation.sanitize (stored sanitized HTML).
        return Markup(value or "")
