"""OpenAPI descriptions of the rounds API (deliberation/api/rounds.py)."""
from .openapi import BOOL, INT, NULLABLE_INT, NULLABLE_STR, STR, describe, errors, id_param, json_response, obj, ref

DATETIME = {"type": ["string", "null"], "format": "date-time"}
FRACTION = {"type": "string", "description": "an exact fraction such as \"2/3\""}
NULLABLE_FRACTION = {"type": ["string", "null"], "description": "an exact fraction; null when no one took sides"}
POSITION = {"type": "string", "enum": ["endorse", "endorse_with_reservations", "abstain", "object"]}
OUTCOME = {"type": "string", "enum": ["adopted", "not_adopted", "no_quorum", "blocked"]}


def _body(name: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": ref(name)}}}


SCHEMAS = {
    "RoundItem": obj({"id": INT, "clause_id": NULLABLE_INT, "label": STR, "designation": NULLABLE_STR,
                      "designation_note": NULLABLE_STR,
                      # Why the chair designated against the tally's reading (null when it agrees).
                      "designation_override": NULLABLE_STR}, ["id", "clause_id", "label"]),
    "Round": obj({"id": INT, "version_id": INT, "status": {"type": "string", "enum": ["open", "closed"]},
                  "scope": {"type": "string", "enum": ["document", "clauses"]},
                  "rule": {"type": "string", "enum": ["each_group", "consensus", "pooled"]},
                  "threshold": {"type": "string", "enum": ["majority", "two_thirds", "three_quarters"]},
                  "quorum": FRACTION, "live_tally": BOOL, "opened_at": DATETIME, "closes_at": DATETIME,
                  "closed_at": DATETIME, "statements_open": BOOL,
                  "reopened_from_id": {"type": ["integer", "null"],
                                       "description": "the consensus round this one reopens, if any"},
                  "items": {"type": "array", "items": ref("RoundItem")}},
                 ["id", "version_id", "status", "scope", "rule", "threshold", "quorum"]),
    "NewRound": obj({"scope": {"type": "string", "enum": ["document", "clauses"]},
                     "clause_ids": {"type": "array", "items": INT,
                                    "description": "with scope clauses; omitted means every clause"},
                     "rule": {"type": "string", "enum": ["each_group", "consensus", "pooled"]},
                     "threshold": {"type": "string", "enum": ["majority", "two_thirds", "three_quarters"]},
                     "quorum": {"type": ["string", "number"],
                                "description": "a share of each group's eligible voters in (0, 1]: a number such"
                                               " as 0.5 or 1, or a string such as \"1/2\", \"0.5\" or \"50%\""},
                     "closes_at": {"type": "string", "format": "date-time"}, "live_tally": BOOL}, ["scope"]),
    "ReopenRound": obj({"closes_at": {"type": "string", "format": "date-time",
                                      "description": "when the new round closes; omitted: when a chair closes it"}}),
    "NewPosition": obj({"clause_id": NULLABLE_INT, "position": POSITION,
                        "statement": {"type": "string", "description": "required for reservations and objections"},
                        "formal": BOOL}, ["position"]),
    "Position": obj({"id": INT, "item_id": INT, "clause_id": NULLABLE_INT, "user_id": INT, "position": POSITION,
                     "statement": NULLABLE_STR, "formal": BOOL, "withdrawn_at": DATETIME, "response": NULLABLE_STR,
                     "updated_at": DATETIME}, ["id", "item_id", "user_id", "position", "formal"]),
    "GroupTally": obj({"eligible": INT, "cast": INT, "endorse": INT, "endorse_with_reservations": INT,
                       "abstain": INT, "object": INT, "formal_objections": INT, "quorum_met": BOOL,
                       "share": NULLABLE_FRACTION, "threshold_met": BOOL, "counted": BOOL},
                      ["eligible", "cast", "quorum_met", "share", "threshold_met"]),
    "Tally": obj({"id": INT, "status": STR, "rule": STR, "threshold": STR, "quorum": FRACTION, "frozen": BOOL,
                  "stakeholder_groups": {"type": "array", "items": obj({"key": STR, "name": STR})},
                  "items": {"type": "array", "items": obj({
                      "item_id": INT, "clause_id": NULLABLE_INT, "label": STR, "outcome": OUTCOME,
                      "agreement_score": FRACTION, "pooled": ref("GroupTally"), "pooled_outcome": OUTCOME,
                      "designation": NULLABLE_STR,
                      "groups": {"type": "object", "additionalProperties": ref("GroupTally")}},
                      ["clause_id", "outcome", "agreement_score", "groups"])}},
                 ["id", "status", "rule", "threshold", "quorum", "items"]),
    "NamedPositions": obj({"round_id": INT, "status": STR,
                           "eligible": {"type": "array", "items": obj(
                               {"user_id": INT, "name": STR, "stakeholder_group": STR, "affiliation": STR})},
                           "positions": {"type": "array", "items": ref("Position")}},
                          ["round_id", "eligible", "positions"]),
}


def describe_rounds() -> None:
    version, round_ = [id_param("version_id")], [id_param("round_id")]
    describe({
        "/versions/{version_id}/rounds": {
            "get": {"summary": "The rounds opened on a version", "operationId": "listRounds", "parameters": version,
                    "responses": {"200": json_response({"type": "array", "items": ref("Round")}), **errors(404)}},
            "post": {"summary": "Open an endorsement round (chairs); the eligible voters are frozen",
                     "operationId": "openRound", "parameters": version, "requestBody": _body("NewRound"),
                     "responses": {"201": json_response(ref("Round"), "Created"),
                                   **errors(400, 401, 403, 404, 409)}}},
        "/rounds/{round_id}": {"get": {
            "summary": "A round with its items", "operationId": "getRound", "parameters": round_,
            "responses": {"200": json_response(ref("Round")), **errors(404)}}},
        "/rounds/{round_id}/positions": {
            "post": {"summary": "Take or change a position on one item (clause_id null: the whole document)",
                     "operationId": "takePosition", "parameters": round_, "requestBody": _body("NewPosition"),
                     "responses": {"201": json_response(ref("Position"), "Created"),
                                   "200": json_response(ref("Position"), "Changed"),
                                   **errors(400, 401, 403, 404, 409)}},
            "get": {"summary": "Named positions and the eligible voters (chairs; everyone once closed)",
                    "operationId": "listPositions", "parameters": round_,
                    "responses": {"200": json_response(ref("NamedPositions")), **errors(401, 403, 404)}}},
        "/rounds/{round_id}/tally": {"get": {
            "summary": "The tally per item and stakeholder group (frozen once closed)", "operationId": "getTally",
            "parameters": round_, "responses": {"200": json_response(ref("Tally")), **errors(401, 403, 404)}}},
        "/rounds/{round_id}/close": {"post": {
            "summary": "Close the round and freeze its tally (chairs)", "operationId": "closeRound",
            "parameters": round_, "responses": {"200": json_response(ref("Tally")), **errors(401, 403, 404, 409)}}},
        "/rounds/{round_id}/reopen": {"post": {
            "summary": "Reopen a closed consensus round after a chair answered a formal objection in it (chairs): a "
                       "new round on the same version with the same items and settings, and eligible voters frozen "
                       "anew. 409 when the round is open, not under the consensus rule, has no answered formal "
                       "objection, was already reopened (the message names the new round) or its version was "
                       "replaced",
            "operationId": "reopenRound", "parameters": round_,
            "requestBody": {"required": False, "content": {"application/json": {"schema": ref("ReopenRound")}}},
            "responses": {"201": json_response(ref("Round"), "Created"), **errors(400, 401, 403, 404, 409)}}},
    }, SCHEMAS)
