"""The embedded server that `python app.py` (and `make run`) starts: gevent's WSGI server in one process,
with Socket.IO in gevent mode, as each production process runs under gunicorn (deploy/gunicorn.conf.py).
It serves a small group on one machine, on SQLite by default; a larger site runs deploy/start.sh.

app.py patches the standard library for gevent before anything else is imported and makes the app for
gevent's Socket.IO mode; tests keep the threading mode. The log is meant to be read: a banner (address,
database, demo accounts), then warnings, errors and security events (one JSON line each), and no line per
request unless --access-log is given.
"""
import argparse
import logging
import sys

from .cli import bootstrap, demo_accounts_notice
from .config import printable_database_url
from .extensions import socketio
from .services.mailing.queue import drain_in_background

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run the deliberation platform (gevent, one process).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--debug", action="store_true", help="Flask's debug mode: tracebacks in error pages")
    parser.add_argument("--access-log", action="store_true", help="print a line for every request")
    return parser.parse_args(argv)


def configure_logging() -> None:
    """On stderr, once each: warnings and errors from everywhere, the app's own notices (mail written to
    the log when there is no SMTP server, for one) and the migrations' progress. The security log keeps
    its own JSON handler (security_log.py) and does not pass its lines on, so they are not printed twice."""
    logging.basicConfig(level=logging.WARNING, format=LOG_FORMAT, datefmt="%Y-%m-%d %H:%M:%S", stream=sys.stderr)
    for useful in ("deliberation", "alembic.runtime.migration"):
        logging.getLogger(useful).setLevel(logging.INFO)


def banner(app, host: str, port: int, demo_notice: list[str]) -> list[str]:
    return [f"Deliberation platform on http://{host}:{port}/",
            f"Database: {printable_database_url(app.config['SQLALCHEMY_DATABASE_URI'])}",
            *demo_notice,
            "Served by gevent in one process, fit for a small group; see docs/deploy.md for more. Ctrl-C stops it."]


def serve(app, argv: list[str] | None = None) -> None:
    """Bring the schema up to date (and load the demo into an empty database), print the banner, serve."""
    args = _arguments(argv)
    configure_logging()
    with app.app_context():
        bootstrap(app)
        demo_notice = demo_accounts_notice()  # only where the demo group is in the database
    drain_in_background(app, poll=True)  # mail queued before a restart, and its retries, go out without cron
    for line in banner(app, args.host, args.port, demo_notice):
        print(line, flush=True)
    try:
        socketio.run(app, host=args.host, port=args.port, debug=args.debug, use_reloader=False,
                     log_output=args.access_log)
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
