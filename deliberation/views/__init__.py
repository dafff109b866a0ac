"""HTML pages, as blueprints. Views are thin: load (404) -> check (403) -> call one service -> render.

Every module here that defines a blueprint `bp` is registered; adding a page module needs no edit here."""
import importlib
import pkgutil


def register_views(app) -> None:
    from .context import register_context

    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        if hasattr(module, "bp"):
            app.register_blueprint(module.bp)
    register_context(app)
