"""Notification e-mails in the recipient's language: one notification, or a digest grouped by document;
text and HTML from the same templates' data, links on BASE_URL, a one-click unsubscribe link."""
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale, gettext as _, ngettext

from ...i18n import LANGUAGES
from ...links import external_url
from ..mailing.queue import message
from ..mailing.tokens import unsubscribe_token
from .kinds import describe, link_of


@dataclass(frozen=True)
class Item:
    """One notification as a mail shows it."""
    text: str
    excerpt: str
    link: str
    where: str


@dataclass(frozen=True)
class Where:
    """What the mail needs to know about a notification's place: the document's title, the clause."""
    document_title: str | None
    clause_label: str | None


def locale_of(user) -> str:
    return user.locale if user.locale in LANGUAGES else "en"


def _item(n, actor_name: str, where: Where) -> Item:
    place = _("clause %(label)s of “%(title)s”", label=where.clause_label, title=where.document_title) \
        if where.clause_label else (where.document_title or "")
    return Item(describe(n, actor_name, where.document_title, where.clause_label), n.excerpt or "", link_of(n),
                place)


def _links(user, kind: str) -> dict:
    return {"unsubscribe": external_url("notification_settings.unsubscribe",
                                        token=unsubscribe_token(user.id, kind)),
            "settings": external_url("notification_settings.edit")}


def mail_one(user, n, actor_name: str | None, where: Where) -> dict:
    """The e-mail for one notification, in the user's language, to `enqueue`."""
    with force_locale(locale_of(user)):
        item = _item(n, actor_name or _("Someone"), where)
        links = _links(user, n.kind)
        context = {"user": user, "item": item, "links": links, "locale": locale_of(user)}
        subject = item.text
        return message(user.email, subject, render_template("mail/notification.txt", **context),
                       render_template("mail/notification.html", **context), user_id=user.id,
                       document_id=n.document_id, unsubscribe_url=links["unsubscribe"])


def mail_digest(user, period: str, groups: list[tuple[str, list]], document_ids: set) -> dict:
    """One digest e-mail, to `enqueue`: `groups` is [(document title, [(notification, actor name, Where)])]."""
    with force_locale(locale_of(user)):
        sections = [(title, [_item(n, actor or _("Someone"), where) for n, actor, where in rows])
                    for title, rows in groups]
        count = sum(len(items) for _title, items in sections)
        subject = (ngettext("Your daily digest: %(num)s notification", "Your daily digest: %(num)s notifications",
                            count) if period == "daily"
                   else ngettext("Your weekly digest: %(num)s notification", "Your weekly digest: %(num)s notifications",
                                 count))
        links = _links(user, "all")
        context = {"user": user, "sections": sections, "links": links, "period": period, "subject": subject,
                   "locale": locale_of(user)}
        # A digest may span documents: its permission check was made when it was composed.
        return message(user.email, subject, render_template("mail/digest.txt", **context),
                       render_template("mail/digest.html", **context), user_id=user.id,
                       document_id=next(iter(document_ids)) if len(document_ids) == 1 else None,
                       unsubscribe_url=links["unsubscribe"])
