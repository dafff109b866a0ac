"""Settings from the environment. With nothing set, the app runs on a SQLite file in the instance folder."""
import os
import secrets
from pathlib import Path


def _secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, or one generated once and kept in the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written with owner-only permissions: the key signs sessions and CSRF tokens.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


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


def load_config(instance_path: str) -> dict:
    url = _database_url(instance_path)
    engine_options: dict = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        engine_options = {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        # Processes of one site share this Redis channel; separate sites on one Redis need their own.
        "SOCKETIO_CHANNEL": os.environ.get("SOCKETIO_CHANNEL", "deliberation"),
        "SMTP_HOST": os.environ.get("SMTP_HOST") or None,
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "587")),
        "SMTP_USER": os.environ.get("SMTP_USER") or None,
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD") or None,
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
