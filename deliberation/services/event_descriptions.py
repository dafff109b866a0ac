"""One line of plain text for a record event, for the record page and the Atom feed.

Built from the event's kind and payload only, so it reads the same after accounts or comments are gone.
Unknown kinds fall back to the kind itself: new features can add events before they add a sentence here.
"""

_OUTCOMES = {"adopted": "adopted", "not_adopted": "not adopted", "no_quorum": "no quorum", "blocked": "blocked"}


def _version_published(p: dict) -> str:
    changes = p.get("changes")
    text = f"{p.get('label') or 'Version ' + str(p.get('number'))} published"
    if changes:
        text += (f": {changes.get('changed', 0)} changed, {changes.get('new', 0)} new, "
                 f"{changes.get('removed', 0)} removed clauses")
    elif p.get("clauses"):
        text += f" with {p['clauses']} clauses"
    return text


def _reanchored(p: dict) -> str:
    return (f"Annotations carried over from version {p.get('from_version')}: {p.get('exact', 0)} exact, "
            f"{p.get('fuzzy', 0)} approximate, {p.get('orphaned', 0)} orphaned")


def _round_opened(p: dict) -> str:
    text = (f"Endorsement round opened on version {p.get('version')} "
            f"({p.get('items')} items, rule {p.get('rule')}, threshold {p.get('threshold')})")
    if p.get("reopens_round_id"):
        text += f", reopening round {p['reopens_round_id']} after a formal objection was answered"
    return text


def _round_closed(p: dict) -> str:
    outcomes = p.get("outcomes") or {}
    listed = ", ".join(f"{item}: {_OUTCOMES.get(outcome, outcome)}" for item, outcome in outcomes.items())
    return f"Endorsement round closed ({listed})" if listed else "Endorsement round closed"


DESCRIBE = {
    "document.created": lambda p: f"Document created: {p.get('title', '')}",
    "document.updated": lambda p: f"Document settings changed (title: {p.get('title', '')})",
    "version.published": _version_published,
    "version.adopted": lambda p: f"Version {p.get('number')} adopted",
    "annotations.reanchored": _reanchored,
    "annotation.reattached": lambda p: f"An orphaned annotation was re-attached to clause {p.get('clause')}",
    "annotation.orphan_closed": lambda p: "An orphaned annotation was closed",
    "comment.posted": lambda p: f"Comment posted on clause {p.get('clause', '')}".rstrip(),
    "comment.edited": lambda p: "A comment was edited",
    "comment.deleted": lambda p: "A comment was deleted",
    "comment.hidden": lambda p: "A comment was hidden by a chair",
    "comment.unhidden": lambda p: "A hidden comment was shown again",
    "comment.disposition": lambda p: f"Disposition recorded: {p.get('disposition', '').replace('_', ' ')}".rstrip(": "),
    "round.opened": _round_opened,
    "round.closed": _round_closed,
    "comment.resolved": lambda p: "A thread was marked resolved",
    "comment.reopened": lambda p: "A resolved thread was reopened",
    "round.designated": lambda p: "Consensus designation recorded",
    "round.statements_opened": lambda p: "Minority statements opened",
    "round.statements_closed": lambda p: "Minority statements closed",
    "objection.answered": lambda p: "A chair answered a formal objection",
    "objection.withdrawn": lambda p: "A formal objection was withdrawn",
    "round.minority_statement": lambda p: "Minority statement attached",
    "support.verified": lambda p: f"Expression of support verified: {p.get('name', '')}".rstrip(": "),
}


def describe_event(kind: str, payload: dict | None) -> str:
    describe = DESCRIBE.get(kind)
    if describe is None:
        return kind.replace(".", ": ").replace("_", " ").capitalize()
    try:
        return describe(payload or {})
    except (AttributeError, TypeError):  # an older payload shape must not break the record page
        return kind
