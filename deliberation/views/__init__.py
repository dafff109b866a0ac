"""HTML pages, as blueprints. Views are thin: load (404) -> check (403) -> call one service -> render."""


def register_views(app) -> None:
    from . import account, admin, auth, documents, groups, main
    from .context import register_context

    for module in (main, auth, account, admin, groups, documents):
        app.register_blueprint(module.bp)
    register_context(app)
