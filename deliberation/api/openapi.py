"""The OpenAPI 3 document for /api/v1. A test checks that it lists exactly the API's routes."""
from flask import jsonify

from . import bp

ERROR = {"$ref": "#/components/responses/Error"}


def _obj(properties: dict, required: list[str] | None = None) -> dict:
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


INT, STR, BOOL = {"type": "integer"}, {"type": "string"}, {"type": "boolean"}
NULLABLE_INT = {"type": ["integer", "null"]}
NULLABLE_STR = {"type": ["string", "null"]}

SCHEMAS = {
    "Error": _obj({"error": _obj({"code": STR, "message": STR, "field": STR}, ["code", "message"])}, ["error"]),
    "StakeholderGroup": _obj({"id": INT, "key": STR, "name": STR}, ["id", "key", "name"]),
    "WorkingGroup": _obj({"id": INT, "slug": STR, "name": STR, "public": BOOL,
                          "stakeholder_groups": {"type": "array", "items": {"$ref": "#/components/schemas/StakeholderGroup"}}},
                         ["id", "slug", "name", "stakeholder_groups"]),
    "Document": _obj({"id": INT, "title": STR, "working_group_id": INT, "public": BOOL,
                      "current_version_id": NULLABLE_INT}, ["id", "title", "working_group_id", "public"]),
    "VersionSummary": _obj({"id": INT, "number": INT, "label": STR, "status": {
        "type": "string", "enum": ["draft", "open", "endorsement", "adopted", "superseded"]},
        "created_at": {"type": "string", "format": "date-time"}}, ["id", "number", "label", "status", "created_at"]),
    "Clause": _obj({"id": INT, "key": STR, "number": NULLABLE_STR, "heading": NULLABLE_STR, "text": STR,
                    "parent_id": NULLABLE_INT, "position": INT, "first_line": INT, "last_line": INT},
                   ["id", "key", "text", "position", "first_line", "last_line"]),
    "NewDocument": _obj({"working_group_id": INT, "title": {"type": "string", "maxLength": 300},
                         "format": {"type": "string", "enum": ["markdown", "text"]},
                         "source": {"type": "string"}, "public": BOOL},
                        ["working_group_id", "title", "format", "source"]),
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    return {str(code): ERROR for code in codes}


def _id_param(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


PATHS = {
    "/working-groups": {"get": {
        "summary": "The working groups the caller may see", "operationId": "listWorkingGroups",
        "responses": {"200": _json({"type": "array", "items": _ref("WorkingGroup")})}}},
    "/documents": {
        "get": {"summary": "The documents the caller may read", "operationId": "listDocuments",
                "responses": {"200": _json({"type": "array", "items": _ref("Document")})}},
        "post": {"summary": "Create a document from a draft; version 1 is published (chairs)",
                 "operationId": "createDocument",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("NewDocument")}}},
                 "responses": {"201": _json(_ref("Document"), "Created"), **_errors(400, 401, 403, 404, 413)}}},
    "/documents/{document_id}": {"get": {
        "summary": "A document with its versions", "operationId": "getDocument",
        "parameters": [_id_param("document_id")],
        "responses": {"200": _json({"allOf": [_ref("Document"), _obj(
            {"versions": {"type": "array", "items": _ref("VersionSummary")}})]}), **_errors(404)}}},
    "/versions/{version_id}": {"get": {
        "summary": "A version with its clauses in reading order", "operationId": "getVersion",
        "parameters": [_id_param("version_id")],
        "responses": {"200": _json({"allOf": [_ref("VersionSummary"), _obj(
            {"document_id": INT, "clauses": {"type": "array", "items": _ref("Clause")}})]}), **_errors(404)}}},
    "/openapi.json": {"get": {"summary": "This document", "operationId": "getOpenApi",
                              "responses": {"200": _json({"type": "object"})}}},
}


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
            "responses": {"Error": _json(_ref("Error"), "Error")},
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi_document())
