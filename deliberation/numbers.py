"""Whole numbers from untrusted text (query strings, form fields, socket payloads).

`str.isdigit()` accepts characters `int()` refuses ("²") and others it reads ("١٢"), and a long run of
digits overflows the database's 32-bit ids: only ASCII digits, at most nine of them, count here.
"""
import re

_WHOLE = re.compile(r"[0-9]{1,9}")


def whole_number(value) -> int | None:
    """The value as a non-negative int below 10**9, or None when it is anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value < 10**9 else None
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        return int(value)
    return None
