"""Demo data: a public working group with members from four sectors and a 17-clause discussion draft.

Loaded on first start with an empty database and by `flask demo` (idempotent). For trying the
product, never for production: the demo accounts share a published password.
"""
from pathlib import Path

from sqlalchemy import select

from ...extensions import db
from ...models import User, WorkingGroup
from ..accounts import create_user, find_user_by_email
from ..documents import create_document
from ..groups import create_working_group, set_membership

DEMO_PASSWORD = "demo-password"
DEMO_SLUG = "free-and-secure"
STAKEHOLDERS = (
    ("government", "Government"),
    ("civil_society", "Civil society"),
    ("private_sector", "Private sector"),
    ("academia", "Academia"),
)
# (e-mail, name, role, stakeholder key, affiliation, in own capacity)
PEOPLE = (
    ("chair.gov@example.org", "Amara Okafor", "chair", "government", "Ministry of Foreign Affairs, Ghana", False),
    ("chair.cs@example.org", "Lukas Brandt", "chair", "civil_society", "Digital Rights Watch", True),
    ("gov1@example.org", "Sofía Herrera", "member", "government", "Government of Costa Rica", False),
    ("gov2@example.org", "Jan de Vries", "member", "government", "Government of the Netherlands", False),
    ("cs1@example.org", "Priya Raman", "member", "civil_society", "Open Net Collective", True),
    ("cs2@example.org", "Tomás Silva", "member", "civil_society", "Access for All", True),
    ("ps1@example.org", "Mei Chen", "member", "private_sector", "Northwind Telecom", True),
    ("ps2@example.org", "Daniel Levy", "member", "private_sector", "Secure Cloud Ltd", True),
    ("ac1@example.org", "Fatima Zahra", "member", "academia", "University of Rabat", True),
    ("ac2@example.org", "Erik Lund", "member", "academia", "Lund Institute of Technology", True),
    ("observer@example.org", "Olivia Grant", "observer", None, "Journalist", True),
)
ADMIN = ("admin@example.org", "Site Administrator")


def demo_accounts() -> list[tuple[str, str]]:
    return [(ADMIN[0], "site admin")] + [(email, role + (f", {key}" if key else ""))
                                          for email, _n, role, key, _a, _o in PEOPLE]


def load_demo() -> bool:
    """Create the demo if it is not there. Returns False when it already existed."""
    if db.session.scalar(select(WorkingGroup).where(WorkingGroup.slug == DEMO_SLUG)):
        return False
    admin = find_user_by_email(ADMIN[0]) or create_user(ADMIN[0], ADMIN[1], DEMO_PASSWORD, is_admin=True)
    group = create_working_group(
        admin, "An Internet Free and Secure", DEMO_SLUG, public=True, stakeholder_groups=STAKEHOLDERS,
        mandate="Develop recommendations for human-rights-based approaches to cybersecurity policy, "
                "through dialogue among governments, civil society, the private sector and academia.",
    )
    chairs: list[User] = []
    for email, name, role, key, affiliation, own in PEOPLE:
        user = find_user_by_email(email) or create_user(email, name, DEMO_PASSWORD)
        set_membership(admin, group, user, role, key, affiliation=affiliation, own_capacity=own)
        if role == "chair":
            chairs.append(user)
    source = (Path(__file__).parent / "draft.md").read_text(encoding="utf-8")
    create_document(chairs[0], group, title="", fmt="markdown", source=source, public=True)
    db.session.flush()
    return True
