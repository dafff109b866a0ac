"""Each member's choice, per kind, of how often notifications are mailed (in-app they always appear,
unless the kind is off)."""
from sqlalchemy import delete, select

from ...extensions import db
from ...models import NotificationSetting
from ..errors import Invalid
from .kinds import DEFAULTS, KINDS, allowed_frequencies


def settings_of(user_id: int) -> dict[str, str]:
    chosen = dict(db.session.execute(select(NotificationSetting.kind, NotificationSetting.frequency)
                                     .where(NotificationSetting.user_id == user_id)).all())
    return {kind: chosen.get(kind, DEFAULTS[kind]) for kind in KINDS}


def settings_of_many(user_ids) -> dict[int, dict[str, str]]:
    """Every user's settings in one query."""
    user_ids = set(user_ids)
    result = {uid: dict(DEFAULTS) for uid in user_ids}
    if user_ids:
        for row in db.session.execute(select(NotificationSetting.user_id, NotificationSetting.kind,
                                             NotificationSetting.frequency)
                                      .where(NotificationSetting.user_id.in_(user_ids))):
            if row.kind in DEFAULTS:
                result[row.user_id][row.kind] = row.frequency
    return result


def update_settings(user, changes: dict) -> dict[str, str]:
    """Set the frequency of the given kinds (others unchanged); an unknown kind or frequency changes
    nothing and says which."""
    if not isinstance(changes, dict):
        raise Invalid("Send an object of kind: frequency.")
    for kind, frequency in changes.items():
        if kind not in DEFAULTS:
            raise Invalid(f"Unknown kind of notification: {str(kind)[:40]}.", field=str(kind)[:40])
        if frequency not in allowed_frequencies(kind):
            raise Invalid(f"{kind}: choose one of {', '.join(allowed_frequencies(kind))}.", field=kind)
    if changes:
        db.session.execute(delete(NotificationSetting).where(NotificationSetting.user_id == user.id,
                                                             NotificationSetting.kind.in_(list(changes))))
        db.session.add_all(NotificationSetting(user_id=user.id, kind=kind, frequency=frequency)
                           for kind, frequency in changes.items() if frequency != DEFAULTS[kind])
        db.session.flush()
    return settings_of(user.id)


def unsubscribe(user_id: int, kind: str) -> bool:
    """Switch one kind (or, with "all", every kind) off; the one-click unsubscribe link calls this."""
    kinds = list(KINDS) if kind == "all" else [kind] if kind in DEFAULTS else []
    if not kinds:
        return False
    db.session.execute(delete(NotificationSetting).where(NotificationSetting.user_id == user_id,
                                                         NotificationSetting.kind.in_(kinds)))
    db.session.add_all(NotificationSetting(user_id=user_id, kind=k, frequency="off") for k in kinds)
    db.session.flush()
    return True
