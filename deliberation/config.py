"""Settings from the environment. With nothing set, the app runs on a SQLite file in the instance folder."""
import base64
import logging
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit


def _instance_secret(instance_path: str, variable: str, filename: str, generate) -> str:
    """A key from the environment, or one generated once and kept in the instance folder."""
    if os.environ.get(variable):
        return os.environ[variable]
    path = Path(instance_path) / filename
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written with owner-only permissions: these keys sign sessions, CSRF tokens and the record.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(generate())
    return path.read_text().strip()


def _secret_key(instance_path: str) -> str:
    return _instance_secret(instance_path, "SECRET_KEY", "secret_key", lambda: secrets.token_hex(32))


def _record_signing_key(instance_path: str) -> str:
    """The record's Ed25519 checkpoint key: base64 of its 32-byte seed (services/transparency)."""
    return _instance_secret(instance_path, "RECORD_SIGNING_KEY", "record_signing_key",
                            lambda: base64.b64encode(secrets.token_bytes(32)).decode())


def _record_origin() -> str:
    """The record log's name in its checkpoints: RECORD_ORIGIN, else BASE_URL without scheme + /record."""
    if os.environ.get("RECORD_ORIGIN"):
        return os.environ["RECORD_ORIGIN"]
    parts = urlsplit(os.environ.get("BASE_URL") or "http://localhost")
    return f"{parts.netloc}{parts.path.rstrip('/')}/record"


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "deliberation.sqlite3")
    # Hosted platforms hand out postgres:// URLs; SQLAlchemy wants the psycopg 3 driver named.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def printable_database_url(url: str) -> str:
    """The database URL as it may appear in a log or a terminal: with its password masked."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _https() -> bool:
    return os.environ.get("BASE_URL", "").startswith("https://")


def engine_options(url: str) -> dict:
    """SQLAlchemy engine options for a database URL: SQLite's connect arguments mean nothing to psycopg."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_pre_ping": True}


def in_production(config) -> bool:
    """Production, for the checks below: a PostgreSQL database, outside tests and the debugger. (SQLite
    is the development and trial setup; docs/deploy.md runs PostgreSQL.)"""
    return (config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
            and not config.get("TESTING") and not config.get("DEBUG"))


def warn_without_base_url(app) -> None:
    """BASE_URL is required in production: absolute links (feeds, exports, invitations, mail) are built
    on it (links.py). Without it they follow each request's Host, which any client can forge; say so loudly."""
    if in_production(app.config) and not app.config.get("BASE_URL"):
        logging.getLogger("deliberation").warning(
            "BASE_URL is not set: it is required in production (a PostgreSQL database). Set BASE_URL to the "
            "site's public address, e.g. BASE_URL=https://deliberation.example.org; until then absolute links "
            "in feeds, exports and invitations follow whatever Host each request names.")


def check_witnesses(app) -> None:
    """A malformed RECORD_WITNESSES entry stops the start with a message naming it, rather than a witness
    whose reports are then refused without anyone knowing why."""
    from .services.transparency.cosignature import parse_witness_key
    from .services.transparency.verify_record import VerificationError

    for text in app.config.get("RECORD_WITNESSES") or []:
        try:
            parse_witness_key(text)
        except VerificationError as exc:
            raise RuntimeError(f"RECORD_WITNESSES: '{text}': {exc}") from None


def load_config(instance_path: str) -> dict:
    url = _database_url(instance_path)
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "RECORD_SIGNING_KEY": _record_signing_key(instance_path),
        "RECORD_ORIGIN": _record_origin(),
        # The witnesses whose cosignatures the record page shows: their verifier keys, separated by spaces
        # or new lines (each printed by `flask witness --name NAME URL` on its first run).
        "RECORD_WITNESSES": os.environ.get("RECORD_WITNESSES", "").split(),
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        # Processes of one site share this Redis channel; separate sites on one Redis need their own.
        "SOCKETIO_CHANNEL": os.environ.get("SOCKETIO_CHANNEL", "deliberation"),
        "SMTP_HOST": os.environ.get("SMTP_HOST") or None,
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "587")),
        "SMTP_USER": os.environ.get("SMTP_USER") or None,
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": os.environ.get("SMTP_STARTTLS", "1") not in ("0", "false", "no", ""),
        # A CA bundle to trust for STARTTLS instead of the system's (a private relay's own certificate).
        "SMTP_CA_FILE": os.environ.get("SMTP_CA_FILE") or None,
        "MAIL_FROM": os.environ.get("MAIL_FROM", "deliberation@localhost"),
        "BASE_URL": os.environ.get("BASE_URL") or None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Served over HTTPS (BASE_URL https://...): cookies only travel encrypted. Without BASE_URL,
        # security/cookies.py still makes them Secure on each request that came over HTTPS (directly,
        # or through the proxy's X-Forwarded-Proto with BEHIND_PROXY=1).
        "SESSION_COOKIE_SECURE": _https(),
        "REMEMBER_COOKIE_SECURE": _https(),
        "BEHIND_PROXY": os.environ.get("BEHIND_PROXY", "0") == "1",
        "PREFERRED_URL_SCHEME": os.environ.get("PREFERRED_URL_SCHEME", "http"),
        "MAX_CONTENT_LENGTH": 3 * 1024 * 1024,  # uploads are checked at 2 MB; this is the hard stop
        "WTF_CSRF_TIME_LIMIT": None,
        "LOAD_DEMO": os.environ.get("LOAD_DEMO", "1") != "0",
        "INVITATION_DAYS": 14,
    }
