"""What every template can use: the permission check, the user's membership, formatting helpers."""
from datetime import timezone

from babel.dates import format_time, get_datetime_format
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ..i18n import LANGUAGES
from ..links import external_url
from ..security import Permission, can, membership_in


def register_context(app) -> None:
    @app.context_processor
    def template_helpers():
        return {
            "can": lambda permission, target=None: can(current_user, Permission[permission], target),
            "membership_in": lambda target: membership_in(current_user, target),
            "languages": LANGUAGES,
            "csrf_token_value": generate_csrf,
            "external_url": external_url,
            "page_language": str(get_locale() or "en"),
            "text_direction": get_locale().text_direction if get_locale() else "ltr",
        }

    # One format for every date and time, in the reader's language: "Dec 4, 2026, 4:20 PM UTC", "4 déc. 2026,
    # 16:20 UTC". The server writes UTC and says so; static/js/localtime.js rewrites each <time> whose text
    # ends in "UTC" into the reader's own time zone when the browser tells it.
    app.add_template_filter(reader_datetime, "datetime")

    app.add_template_filter(format_decimal, "number")  # 1,000,000 / 1 000 000 / 1.000.000

    @app.template_filter("date")
    def date_filter(value) -> str:
        return format_date(value, "medium") if value else ""

    @app.template_filter("isotime")
    def format_iso(value) -> str:
        # For <time datetime>: HTML allows at most three digits of a second; stored times are UTC.
        if not value:
            return ""
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat(timespec="milliseconds")

    @app.template_filter("safe_html")
    def safe_html(value: str | None) -> Markup:
        # Only for fields written by deliberation.sanitize (stored sanitized HTML).
        return Markup(value or "")


def reader_datetime(value) -> str:
    """A date and time in the reader's language, in UTC, with the locale's own order and hour cycle."""
    if not value:
        return ""
    locale = get_locale() or "en"
    time = format_time(value, "short", tzinfo=timezone.utc, locale=locale)
    joined = get_datetime_format("medium", locale=locale).replace("{1}", format_date(value, "medium"))
    return f"{joined.replace('{0}', time)} UTC"
