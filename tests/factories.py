"""Small factories that build objects through the real services, so record events and rules apply."""
import itertools
from dataclasses import dataclass, field

from deliberation.extensions import db
from deliberation.services.accounts import create_user
from deliberation.services.documents import create_document
from deliberation.services.groups import create_working_group, set_membership

PASSWORD = "correct horse battery"
SECTORS = (("government", "Government"), ("civil_society", "Civil society"),
           ("private_sector", "Private sector"), ("academia", "Academia"))

SAMPLE_DRAFT = """# Sample recommendations

## Preamble

Security and rights go together.

## 1. Rights by design

Laws should respect human rights from the outset.

### 1.1

Governments should assess the impact of proposed laws.

## 2. Encryption

Strong encryption should be protected.
"""

_seq = itertools.count(1)


@dataclass
class World:
    group: object
    other_group: object
    admin: object
    chair: object
    members: dict = field(default_factory=dict)   # sector key -> [users]
    observer: object = None
    outsider: object = None
    other_member: object = None        # a chair of the other group, despite the name
    other_group_member: object = None  # a plain member of the other group
    document: object = None
    private_document: object = None
    other_document: object = None

    @property
    def member(self):
        return self.members["civil_society"][0]


class Factory:
    def user(self, name=None, *, admin=False, password=PASSWORD):
        n = next(_seq)
        return create_user(f"user{n}@example.org", name or f"User {n}", password, is_admin=admin)

    def group(self, name=None, *, public=True, sectors=SECTORS):
        n = next(_seq)
        return create_working_group(None, name or f"Group {n}", f"group-{n}", public=public, stakeholder_groups=sectors)

    def member(self, group, role="member", sector="civil_society", user=None, **kw):
        user = user or self.user()
        set_membership(None, group, user, role, None if role == "observer" else sector, **kw)
        return user

    def document(self, group, chair, *, source=SAMPLE_DRAFT, public=True, title="Sample recommendations"):
        return create_document(chair, group, title=title, fmt="markdown", source=source, public=public)

    def world(self, members_per_sector=2) -> World:
        group = self.group("Free and Secure")
        other = self.group("Other group", public=False)
        world = World(group=group, other_group=other, admin=self.user("Admin", admin=True),
                      chair=self.member(group, "chair", "government"))
        for key, _label in SECTORS:
            world.members[key] = [self.member(group, "member", key) for _ in range(members_per_sector)]
        world.observer = self.member(group, "observer")
        world.outsider = self.user("Outsider")
        world.other_member = self.member(other, "chair", "government")
        world.other_group_member = self.member(other, "member", "civil_society")
        world.document = self.document(group, world.chair)
        world.private_document = self.document(group, world.chair, public=False, title="Private draft")
        world.other_document = self.document(other, world.other_member, public=True, title="Other group's draft")
        db.session.commit()
        detach(world)
        return world


def detach(world: World) -> None:
    """Load every object's attributes, then detach them, so tests can read them without a session."""
    objects = [value for value in vars(world).values() if hasattr(value, "_sa_instance_state")]
    objects += [user for users in world.members.values() for user in users]
    for obj in objects:
        db.session.refresh(obj)
    db.session.expunge_all()
