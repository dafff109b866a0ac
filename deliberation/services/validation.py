"""Small shared checks for user input that services apply before writing."""
import re

from email_validator import EmailNotValidError, validate_email

from .errors import Invalid

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{1,38}$")


def clean_email(value: str, field: str = "email") -> str:
    try:
        return validate_email((value or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise Invalid("Enter a valid e-mail address.", field=field) from None


def clean_text(value: str | None, field: str, *, required: bool = True, max_length: int = 200) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Invalid("This field is required.", field=field)
    if len(value) > max_length:
        raise Invalid("Use at most %(limit)s characters.", field=field, limit=max_length)
    return value


def clean_slug(value: str, field: str = "slug") -> str:
    value = (value or "").strip().lower()
    if not SLUG_RE.match(value):
        raise Invalid("Use 3 to 64 lower-case letters, digits and hyphens.", field=field)
    return value


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64].strip("-")
    return slug if len(slug) >= 3 else f"group-{slug or 'new'}"
