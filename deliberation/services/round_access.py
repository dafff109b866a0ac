"""Who may read what of a round, on top of reading its version (Permission.VIEW_DOCUMENT).

- The running tally of an open round: chairs always; others when the round was opened with a live
  tally and the working group does not hide running tallies. A closed round's tally is the record.
- Named positions: chairs at any time; everyone who reads the version once the round has closed.
"""
from ..i18n import N_
from ..models import Round
from ..security import Permission, can
from .errors import Forbidden, Unauthorized
from .tally import version_of


def tally_visible(user, round_: Round) -> bool:
    version = version_of(round_)
    if round_.status == "closed" or can(user, Permission.RUN_ROUNDS, version):
        return True
    return round_.live_tally and not version.document.working_group.hide_running_tallies


def positions_visible(user, round_: Round) -> bool:
    return round_.status == "closed" or can(user, Permission.RUN_ROUNDS, version_of(round_))


def _refuse(user, message: str, code: str):
    if not getattr(user, "is_authenticated", False):
        raise Unauthorized(message)
    raise Forbidden(message, code=code)


def require_tally(user, round_: Round) -> None:
    if not tally_visible(user, round_):
        _refuse(user, N_("The running tally is hidden until the round closes."), "tally_hidden")


def require_positions(user, round_: Round) -> None:
    if not positions_visible(user, round_):
        _refuse(user, N_("Named positions are published when the round closes."), "positions_hidden")
