"""A real server for browser tests: `python -m tests.browser.serve PORT`, database from DATABASE_URL.

Creates the schema if missing and serves with Socket.IO (threading mode), as `python app.py` does."""
import sys

from deliberation import create_app
from deliberation.extensions import db, socketio


def main() -> None:
    port = int(sys.argv[1])
    app = create_app({"LOAD_DEMO": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
    socketio.run(app, host="127.0.0.1", port=port, use_reloader=False, log_output=False,
                 allow_unsafe_werkzeug=True)


if __name__ == "__main__":
    main()
