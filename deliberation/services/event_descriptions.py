"""One line of plain text for a record event, in the reader's language, for the record page and the Atom feed.

Built from the event's kind and payload only, so it reads the same after accounts or comments are gone.
Written for people ("Version 2 published", "Round on clause 4 closed: adopted"): internal keys such as
`each_group` or `two_thirds` never show. Unknown kinds fall back to the kind itself: new features can add
events before they add a sentence here.
"""
from flask_babel import format_number, gettext as _, ngettext

from ..models.annotations import COMMENT_TYPES, DISPOSITIONS
from ..models.rounds import DESIGNATIONS, RULE_LABELS, THRESHOLD_LABELS



def _label(table: dict, key) -> str:
    return _(table[key]) if key in table else str(key or "")


def _outcome(key: str) -> str:
    return {"adopted": _("adopted"), "not_adopted": _("not adopted"), "no_quorum": _("no quorum"),
            "blocked": _("blocked by a formal objection")}.get(key, key)


def _item(label: str) -> str:
    return _("the whole document") if label == "document" else _("clause %(label)s", label=label)


def _version_published(p: dict) -> str:
    name = p.get("label") or _("Version %(n)s", n=p.get("number"))
    changes = p.get("changes")
    if changes:
        return _("%(version)s published: %(changed)s changed, %(new)s new, %(removed)s removed clauses",
                 version=name, changed=format_number(changes.get("changed", 0)),
                 new=format_number(changes.get("new", 0)), removed=format_number(changes.get("removed", 0)))
    if p.get("clauses"):
        return ngettext("%(version)s published with %(num)d clause", "%(version)s published with %(num)d clauses",
                        p["clauses"], version=name)
    return _("%(version)s published", version=name)


def _reanchored(p: dict) -> str:
    return _("Annotations carried over from version %(n)s: %(exact)s exact, %(fuzzy)s approximate, "
             "%(orphaned)s orphaned", n=p.get("from_version"), exact=format_number(p.get("exact", 0)),
             fuzzy=format_number(p.get("fuzzy", 0)), orphaned=format_number(p.get("orphaned", 0)))


def _round_opened(p: dict) -> str:
    items = p.get("items") or 0
    text = ngettext("Endorsement round opened on version %(version)s, %(num)d item: %(rule)s, threshold %(threshold)s",
                    "Endorsement round opened on version %(version)s, %(num)d items: %(rule)s, threshold %(threshold)s",
                    items, version=p.get("version"), rule=_label(RULE_LABELS, p.get("rule")),
                    threshold=_label(THRESHOLD_LABELS, p.get("threshold")))
    if p.get("reopens_round_id"):
        text += _(", reopening round %(n)s after a formal objection was answered", n=p["reopens_round_id"])
    return text


def _round_closed(p: dict) -> str:
    outcomes = p.get("outcomes") or {}
    if len(outcomes) == 1:
        ((item, outcome),) = outcomes.items()
        return _("Round on %(item)s closed: %(outcome)s", item=_item(item), outcome=_outcome(outcome))
    if not outcomes:
        return _("Endorsement round closed")
    counts: dict[str, int] = {}
    for outcome in outcomes.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    listed = ", ".join(f"{format_number(n)} {_outcome(o)}" for o, n in counts.items())
    return ngettext("Round on %(num)d clause closed: %(outcomes)s", "Round on %(num)d clauses closed: %(outcomes)s",
                    len(outcomes), outcomes=listed)


def _disposition(p: dict) -> str:
    if not p.get("disposition"):
        return _("Disposition recorded")
    return _("Disposition recorded: %(disposition)s", disposition=_label(DISPOSITIONS, p["disposition"]).lower())


def _typed(p: dict) -> str:
    if p.get("type") in COMMENT_TYPES:
        return _("Type of comment set by a chair: %(type)s", type=_label(COMMENT_TYPES, p["type"]).lower())
    return _("Type of comment cleared by a chair")


def _designated(p: dict) -> str:
    if p.get("designation") in DESIGNATIONS:
        return _("Consensus designation recorded: %(designation)s", designation=_(DESIGNATIONS[p["designation"]]))
    return _("Consensus designation recorded")


DESCRIBE = {
    "document.created": lambda p: _("Document created: %(title)s", title=p.get("title", "")),
    "document.updated": lambda p: _("Document settings changed (title: %(title)s)", title=p.get("title", "")),
    "version.published": _version_published,
    "version.adopted": lambda p: _("Version %(n)s adopted", n=p.get("number")),
    "annotations.reanchored": _reanchored,
    "annotation.reattached": lambda p: _("An orphaned annotation was re-attached to clause %(clause)s",
                                         clause=p.get("clause")),
    "annotation.orphan_closed": lambda p: _("An orphaned annotation was closed"),
    "comment.posted": lambda p: (_("Comment posted on clause %(clause)s", clause=p["clause"]) if p.get("clause")
                                 else _("Comment posted")),
    "comment.edited": lambda p: _("A comment was edited"),
    "comment.deleted": lambda p: _("A comment was deleted"),
    "comment.hidden": lambda p: _("A comment was hidden by a chair"),
    "comment.unhidden": lambda p: _("A hidden comment was shown again"),
    "comment.disposition": _disposition,
    "comment.typed": _typed,
    "round.opened": _round_opened,
    "round.closed": _round_closed,
    "comment.resolved": lambda p: _("A thread was marked resolved"),
    "comment.reopened": lambda p: _("A resolved thread was reopened"),
    "round.designated": _designated,
    "round.statements_opened": lambda p: _("Minority statements opened"),
    "round.statements_closed": lambda p: _("Minority statements closed"),
    "objection.answered": lambda p: _("A chair answered a formal objection"),
    "objection.withdrawn": lambda p: _("A formal objection was withdrawn"),
    "round.minority_statement": lambda p: _("Minority statement attached"),
    "position.taken": lambda p: _("Position taken"),
    "support.verified": lambda p: (_("Expression of support verified: %(name)s", name=p["name"]) if p.get("name")
                                   else _("Expression of support verified")),
}


def describe_event(kind: str, payload: dict | None) -> str:
    describe = DESCRIBE.get(kind)
    if describe is None:
        return kind.replace(".", ": ").replace("_", " ").capitalize()
    try:
        return describe(payload or {})
    except (AttributeError, TypeError, KeyError, ValueError):  # an older payload shape must not break the page
        return kind
