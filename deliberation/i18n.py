"""Interface language: Flask-Babel, the user's choice or the browser's. User text is never translated."""
from flask import g, request
from flask_babel import Babel, gettext
from flask_login import current_user

LANGUAGES = {"en": "English", "fr": "Français", "es": "Español"}
babel = Babel()


def select_locale() -> str:
    # Loading the user may itself translate a message (e.g. after a session is ended mid-request);
    # that inner call falls back to the browser's language instead of recursing.
    if not g.get("_choosing_locale"):
        g._choosing_locale = True
        try:
            if getattr(current_user, "is_authenticated", False) and current_user.locale in LANGUAGES:
                return current_user.locale
        finally:
            g._choosing_locale = False
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


def N_(text: str) -> str:
    """Marks a module-level label for extraction (pybabel -k N_); it stays English until shown."""
    return text


def translated(labels: dict) -> dict:
    """A label table (key -> English label marked with N_) in the reader's language, for a template."""
    return {key: gettext(label) for key, label in labels.items()}


def init_babel(app) -> None:
    babel.init_app(app, locale_selector=select_locale)
