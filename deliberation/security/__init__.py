"""Who may do what: permissions as data (permissions.py), passwords and tokens (credentials.py)."""
from .permissions import Permission, can, can_see, membership_in, require

__all__ = ["Permission", "can", "can_see", "membership_in", "require"]
