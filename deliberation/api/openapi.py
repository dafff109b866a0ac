"""The OpenAPI 3 document for /api/v1. A test checks that it lists exactly the API's routes."""
from flask import jsonify

from . import bp

ERROR = {"$ref": "#/components/responses/Error"}
RATE_LIMITED = {"$ref": "#/components/responses/RateLimited"}
WRITES = ("post", "put", "patch", "delete")


def obj(properties: dict, required: list[str] | None = None) -> dict:
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


INT, STR, BOOL = {"type": "integer"}, {"type": "string"}, {"type": "boolean"}
NULLABLE_INT = {"type": ["integer", "null"]}
NULLABLE_STR = {"type": ["string", "null"]}

SCHEMAS: dict[str, dict] = {
    "Error": obj({"error": obj({"code": STR, "message": STR, "field": STR}, ["code", "message"])}, ["error"]),
}
PATHS: dict[str, dict] = {}


def describe(paths: dict | None = None, schemas: dict | None = None) -> None:
    """Each API module describes its own routes here; a test checks the document matches the routes.
    Every write counts against a rate limit (deliberation/api/__init__.py), so each may answer 429."""
    for path, operations in (paths or {}).items():
        for method, operation in operations.items():
            if method in WRITES:
                operation["responses"].setdefault("429", RATE_LIMITED)
        PATHS.setdefault(path, {}).update(operations)
    SCHEMAS.update(schemas or {})


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def errors(*codes: int) -> dict:
    return {str(code): ERROR for code in codes}


# Ids are positive; a route's id has at most 9 digits (deliberation.IdConverter), a longer one is not found.
ID = {"type": "integer", "minimum": 1}


def id_param(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": ID}


describe({"/openapi.json": {"get": {"summary": "This document", "operationId": "getOpenApi",
                                    "responses": {"200": json_response({"type": "object"})}}}})


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Deliberation platform API", "version": "1",
                 "description": "Working groups, documents, versions and clauses. Authenticate with "
                                "`Authorization: Bearer TOKEN` (account settings or `flask create-token`); "
                                "anonymous callers read public documents."},
        "servers": [{"url": "/api/v1"}],
        "security": [{}, {"bearerAuth": []}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Error": json_response(ref("Error"), "Error"),
                "RateLimited": {**json_response(ref("Error"), "Too many writes for now (code rate_limited)"),
                                "headers": {"Retry-After": {"description": "Seconds to wait",
                                                            "schema": {"type": "integer"}}}},
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi_document())
