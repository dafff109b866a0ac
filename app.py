"""Entry point: `flask --app app ...` and gunicorn (`app:app`) find `app` here; `python app.py [--host H]
[--port P]` serves it with gevent in one process (deliberation/server.py), after bringing the database
schema up to date (and loading the demo into an empty one)."""
if __name__ == "__main__":
    # gevent's server: the standard library (socket, threading, time, ssl) is patched before anything
    # imports it, as gunicorn's gevent worker does in production.
    from gevent import monkey

    monkey.patch_all()

from deliberation import create_app  # noqa: E402

app = create_app({"SOCKETIO_ASYNC_MODE": "gevent"} if __name__ == "__main__" else None)


def main() -> None:
    from deliberation.server import serve

    serve(app)


if __name__ == "__main__":
    main()
