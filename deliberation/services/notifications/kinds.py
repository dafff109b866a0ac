"""The kinds of notification, how often each is mailed unless the member chose otherwise, and how each
is said (in the reader's language) and where it leads."""
from flask_babel import gettext as _, ngettext

from ...i18n import N_
from ...links import external_url

FREQUENCIES = ("immediately", "daily", "weekly", "off")
# Rounds and answers to me at once; the rest in the daily digest.
DEFAULTS = {
    "round_opened": "immediately",
    "round_closing": "immediately",
    "round_closed": "immediately",
    "objection": "immediately",
    "disposition": "immediately",
    "reply": "immediately",
    "mention": "immediately",
    "version_published": "daily",
    "new_comments": "daily",
    "support_pending": "daily",
    "saved_search": "daily",
}
KINDS = tuple(DEFAULTS)
# New comments on a chair's documents are batched: never one e-mail per comment.
BATCHED = {"new_comments"}
LABELS = {
    "round_opened": N_("A round I can take part in opens"),
    "round_closing": N_("A round I have not completed closes within 24 hours"),
    "round_closed": N_("A round closes, with its outcome"),
    "objection": N_("My formal objection is answered, or the round it blocked is reopened"),
    "disposition": N_("A chair answers my comment"),
    "reply": N_("Replies in threads I wrote in or follow, new comments on clauses I follow"),
    "mention": N_("Someone mentions me"),
    "version_published": N_("A new version is published in my group"),
    "new_comments": N_("New comments on documents I chair"),
    "support_pending": N_("Expressions of support waiting for verification"),
    "saved_search": N_("New comments matching my saved searches"),
}
FREQUENCY_LABELS = {"immediately": N_("Immediately"), "daily": N_("Daily digest"),
                    "weekly": N_("Weekly digest"), "off": N_("Off")}


def allowed_frequencies(kind: str) -> tuple[str, ...]:
    return FREQUENCIES[1:] if kind in BATCHED else FREQUENCIES


def describe(n, actor_name: str, title: str | None, clause_label: str | None = None) -> str:
    """One sentence saying what happened, in the current locale."""
    data, title = n.data or {}, title or ""
    if n.kind == "reply":
        return _("%(name)s replied in a thread you follow", name=actor_name) if data.get("following") \
            else _("%(name)s replied to your comment", name=actor_name)
    if n.kind == "mention":
        return _("%(name)s mentioned you", name=actor_name)
    if n.kind == "saved_search":
        return _("%(name)s wrote a comment matching your saved search", name=actor_name)
    if n.kind == "disposition":
        return _("%(name)s answered your comment", name=actor_name)
    if n.kind == "round_opened":
        if data.get("closes_at"):
            return _("A round on “%(title)s” is open for your position until %(closes)s", title=title,
                     closes=_when(data["closes_at"]))
        return _("A round on “%(title)s” is open for your position", title=title)
    if n.kind == "round_closing":
        return _("The round on “%(title)s” closes at %(closes)s and you have not answered every item",
                 title=title, closes=_when(data.get("closes_at")))
    if n.kind == "round_closed":
        return _("The round on “%(title)s” has closed: %(outcome)s", title=title,
                 outcome=", ".join(_outcome_phrase(label, outcome) for label, outcome in
                                   sorted((data.get("outcomes") or {}).items())))
    if n.kind == "objection":
        if data.get("event") == "reopened":
            return _("The round your formal objection blocked on “%(title)s” has been reopened", title=title)
        return _("A chair answered your formal objection on “%(title)s”", title=title)
    if n.kind == "version_published":
        return _("Version %(number)s of “%(title)s” was published", number=data.get("number", ""), title=title)
    if n.kind == "new_comments":
        count = int(data.get("count", 1))
        return ngettext("%(num)s new comment on “%(title)s”", "%(num)s new comments on “%(title)s”", count,
                        title=title)
    if n.kind == "support_pending":
        return _("An expression of support for “%(title)s” waits for verification", title=title)
    return title


def _when(iso: str | None) -> str:
    from datetime import datetime

    from ...views.context import reader_datetime

    return reader_datetime(datetime.fromisoformat(iso)) if iso else ""


def _outcome_phrase(label: str, outcome: str) -> str:
    from ..event_descriptions import _item, _outcome

    return f"{_item(label)} {_outcome(outcome)}"


def target_of(n) -> tuple[str, dict]:
    """The endpoint and values of the page the notification leads to."""
    data = n.data or {}
    if n.comment_id is not None:
        return "discussion.permalink", {"comment_id": n.comment_id}
    if n.round_id is not None:
        return "rounds.show", {"round_id": n.round_id}
    if n.kind == "support_pending" and data.get("number"):
        return "supports.review_list", {"document_id": n.document_id, "number": data["number"]}
    if n.kind == "version_published" and data.get("number"):
        return "documents.version", {"document_id": n.document_id, "number": data["number"]}
    if n.document_id is not None:
        return "documents.show", {"document_id": n.document_id}
    return "notifications.index", {}


def link_of(n) -> str:
    """Where the notification leads, as an absolute link on BASE_URL (for e-mail)."""
    endpoint, values = target_of(n)
    return external_url(endpoint, **values)
