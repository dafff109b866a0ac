"""Plain dicts for rounds, tallies and positions, shared by the API and the pages' live updates."""
from ..services.round_exports import item_label


def _iso(value):
    return value.isoformat() if value else None


def item_json(item) -> dict:
    return {"id": item.id, "clause_id": item.clause_id, "label": item_label(item),
            "designation": item.designation, "designation_note": item.designation_note,
            "designation_override": item.designation_override}


def round_json(round_, items=None) -> dict:
    data = {"id": round_.id, "version_id": round_.version_id, "status": round_.status, "scope": round_.scope,
            "rule": round_.rule, "threshold": round_.threshold, "quorum": round_.quorum,
            "live_tally": round_.live_tally, "opened_at": _iso(round_.opened_at), "closes_at": _iso(round_.closes_at),
            "closed_at": _iso(round_.closed_at), "statements_open": round_.statements_open,
            "reopened_from_id": round_.reopened_from_id}
    if items is not None:
        data["items"] = [item_json(item) for item in items]
    return data


def tally_json(tally) -> dict:
    round_ = tally.round
    return {
        "id": round_.id, "status": round_.status, "rule": round_.rule, "threshold": round_.threshold,
        "quorum": round_.quorum, "frozen": tally.frozen,
        "stakeholder_groups": [{"key": s.key, "name": s.name} for s in tally.sectors],
        "items": [{"item_id": t.item.id, "clause_id": t.item.clause_id, "label": item_label(t.item),
                   "outcome": t.outcome, "agreement_score": t.result["agreement_score"],
                   "groups": t.result["groups"], "pooled": t.result["pooled"],
                   "pooled_outcome": t.result["pooled_outcome"], "designation": t.item.designation}
                  for t in tally.items],
    }


def voter_json(voter) -> dict:
    return {"user_id": voter.user_id, "name": voter.name, "stakeholder_group": voter.sector_key,
            "affiliation": voter.affiliation}


def position_json(position, clause_id) -> dict:
    return {"id": position.id, "item_id": position.item_id, "clause_id": clause_id, "user_id": position.user_id,
            "position": position.position, "statement": position.statement, "formal": position.formal,
            "withdrawn_at": _iso(position.withdrawn_at), "response": position.response,
            "updated_at": _iso(position.updated_at)}
