"""The deliberation platform: multistakeholder working groups drafting recommendations clause by clause.

`create_app(config=None)`: config -> extensions -> blueprints -> sockets -> CLI.
"""
import os
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from .config import check_witnesses, engine_options, load_config, warn_without_base_url
from .links import site_origin
from .extensions import csrf, db, login_manager, migrate, socketio
from .json_bodies import BodyJSONProvider
from .security.cookies import SecureOverHttpsResponse

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=os.environ.get("INSTANCE_PATH") or str(ROOT / "instance"),
    )
    app.response_class = SecureOverHttpsResponse  # cookies Secure over HTTPS, proxied or not
    app.json = BodyJSONProvider(app)  # deeply nested JSON is a 400, not a RecursionError
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_config(app.instance_path))
    app.config.update(config or {})
    if config and "SQLALCHEMY_DATABASE_URI" in config and "SQLALCHEMY_ENGINE_OPTIONS" not in config:
        # A URL given here (tests, the benchmark) rather than in DATABASE_URL gets its own engine's options.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(config["SQLALCHEMY_DATABASE_URI"])
    warn_without_base_url(app)
    check_witnesses(app)
    if app.config["BEHIND_PROXY"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    _init_extensions(app)
    app.url_map.converters["int"] = IdConverter
    _register_blueprints(app)

    from . import errors, public_cache, request_cycle

    errors.register(app)
    request_cycle.register(app)
    public_cache.register(app)

    from .realtime import register_handlers

    register_handlers()

    from .cli import register_commands

    register_commands(app)
    return app


def _init_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (registers the tables)
    from .services.search import indexing  # noqa: F401  (keeps the search index current on every flush)
    from .i18n import init_babel
    from .security.limits import init_limits
    from .security_log import init_security_log
    from .sqlite_tuning import configure_sqlite

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    init_babel(app)
    init_limits(app)
    init_security_log(app)
    origin = site_origin(app.config.get("BASE_URL"))  # None: same as the Host header
    app.config.setdefault("SOCKETIO_ALLOWED_ORIGINS", [origin] if origin else None)
    # init_app keeps the options of an earlier app on the shared SocketIO object, the Redis client
    # manager included: without this, an app made without REDIS_URL after one with it would still
    # publish to (and need) that Redis.
    socketio.server_options.pop("client_manager", None)
    socketio.init_app(
        app,
        async_mode=app.config.get("SOCKETIO_ASYNC_MODE") or os.environ.get("SOCKETIO_ASYNC_MODE", "threading"),
        message_queue=app.config.get("REDIS_URL"),
        channel=app.config.get("SOCKETIO_CHANNEL", "deliberation"),
        # Only the site's own origin may open a socket (None lets Flask-SocketIO check Origin == Host).
        cors_allowed_origins=app.config.get("SOCKETIO_ALLOWED_ORIGINS"),
        manage_session=True,
    )

    from .security.sessions import init_login

    init_login(app, login_manager)


class IdConverter(IntegerConverter):
    """`<int:...>` in routes, at most 9 digits (ids are 32-bit integers on PostgreSQL): a longer number
    matches no route (404) instead of overflowing the database (a 500 on SQLite, a 400 on PostgreSQL)."""

    regex = r"\d{1,9}"


def _register_blueprints(app: Flask) -> None:
    from .api import bp as api_bp
    from .views import register_views

    register_views(app)
    csrf.exempt(api_bp)  # the API checks CSRF itself for cookie sessions; bearer tokens need none
    app.register_blueprint(api_bp, url_prefix="/api/v1")
