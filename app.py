"""Entry point: `flask --app app ...` finds `app` here; `python app.py [--host H] [--port P]` runs the server
with Socket.IO, after bringing the database schema up to date (and loading the demo into an empty one)."""
import argparse

from deliberation import create_app
from deliberation.config import printable_database_url
from deliberation.extensions import socketio

app = create_app()


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the deliberation platform.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args()

    from deliberation.cli import bootstrap, demo_accounts_notice

    with app.app_context():
        bootstrap(app)
        demo_notice = demo_accounts_notice()  # only where the demo group is in the database
    print(f"Deliberation platform on http://{args.host}:{args.port}/")
    print(f"Database: {printable_database_url(app.config['SQLALCHEMY_DATABASE_URI'])}")
    for line in demo_notice:
        print(line)
    socketio.run(app, host=args.host, port=args.port, debug=args.debug, use_reloader=False,
                 allow_unsafe_werkzeug=True)


if __name__ == "__main__":
    main()
