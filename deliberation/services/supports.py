"""Expressions of support for an adopted version, from people and organisations outside the group.

Anyone may submit one (no account); it stays private until a chair verifies it. Verified ones are
listed publicly by sector; the e-mail address is for the chair's checks and is never shown publicly.
"""
from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..i18n import N_
from ..models import Support, Version
from ..models._base import utcnow
from .errors import Conflict, Invalid
from .notifications import events as notification_events
from .record import append_event
from .rounds import is_public_record
from .validation import clean_email, clean_text

INDIVIDUAL = ("individual", "Individual")
DECISIONS = {"verify": "verified", "reject": "rejected"}


@dataclass(frozen=True)
class SectorSupports:
    key: str
    name: str
    supports: list[Support]


def sector_choices(version: Version) -> list[tuple[str, str]]:
    """The working group's stakeholder groups, plus people supporting in their own name."""
    return [(s.key, s.name) for s in version.document.working_group.stakeholder_groups] + [INDIVIDUAL]


def submit_support(version: Version, *, name: str, organisation: str = "", sector: str, country: str = "",
                   statement: str = "", email: str) -> Support:
    if version.status != "adopted":
        raise Conflict("Expressions of support open once the version is adopted.")
    if sector not in dict(sector_choices(version)):
        raise Invalid("Choose a sector from the list.", field="sector")
    support = Support(
        version_id=version.id, name=clean_text(name, "name"),
        organisation=clean_text(organisation, "organisation", required=False),
        sector=sector, country=clean_text(country, "country", required=False, max_length=100),
        statement=clean_text(statement, "statement", required=False, max_length=5000),
        email=clean_email(email), status="pending")
    db.session.add(support)
    db.session.flush()
    # Not public until verified; the record keeps no e-mail address.
    append_event("support.submitted", subject=support, working_group_id=version.document.working_group_id,
                 document_id=version.document_id, payload={"version": version.number, "sector": sector})
    notification_events.support_submitted(version.document, version, support)
    return support


def review_support(actor, support: Support, decision: str) -> None:
    if decision not in DECISIONS:
        raise Invalid("Verify or reject.", field="decision")
    status = DECISIONS[decision]
    if support.status == status:
        raise Conflict(N_("This expression of support is already verified.") if status == "verified"
                       else N_("This expression of support is already rejected."))
    support.status, support.reviewed_by_id, support.reviewed_at = status, actor.id, utcnow()
    db.session.flush()
    version = db.session.get(Version, support.version_id)
    verified = status == "verified"
    append_event(f"support.{status}", actor=actor, subject=support, working_group_id=version.document.working_group_id,
                 document_id=version.document_id, public=verified and is_public_record(version),
                 payload={"version": version.number, "sector": support.sector,
                          **({"name": support.name, "organisation": support.organisation} if verified else {})})


def supports_of(version: Version, status: str) -> list[Support]:
    return list(db.session.scalars(select(Support).where(Support.version_id == version.id, Support.status == status)
                                   .order_by(Support.created_at)))


def verified_by_sector(version: Version) -> list[SectorSupports]:
    """Verified supports grouped by sector in the group's order, sectors with none left out: one query."""
    verified = supports_of(version, "verified")
    return [SectorSupports(key, name, found) for key, name in sector_choices(version)
            if (found := [s for s in verified if s.sector == key])]
