"""Parsing JSON bodies: nesting too deep for Python's parser is invalid JSON (a 400), not a RecursionError
(a 500). Every `request.get_json()` goes through `app.json.loads`, so this covers them all."""
from flask.json.provider import DefaultJSONProvider


class BodyJSONProvider(DefaultJSONProvider):
    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("The JSON is nested too deeply.") from None
