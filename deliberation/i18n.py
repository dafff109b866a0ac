"""Interface language: Flask-Babel, the user's choice or the browser's. User text is never translated."""
from flask import request
from flask_babel import Babel
from flask_login import current_user

LANGUAGES = {"en": "English", "fr": "Français", "es": "Español"}
babel = Babel()


def select_locale() -> str:
    if getattr(current_user, "is_authenticated", False) and current_user.locale in LANGUAGES:
        return current_user.locale
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


def init_babel(app) -> None:
    babel.init_app(app, locale_selector=select_locale)
