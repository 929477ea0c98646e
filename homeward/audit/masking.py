"""How django-auditlog records a change to a masked (encrypted) field.

auditlog's default mask hides only the first half of a value and keeps the rest in clear,
which would put half of what a child disclosed into the change history. Here the whole value
is hidden: the history says that the field changed, and whether it was emptied or filled.
"""

from __future__ import annotations

HIDDEN = "(hidden)"


def hide(value: str) -> str:
    """`AUDITLOG_MASK_CALLABLE`: nothing of the value survives, only whether there was one."""
    return "" if value in ("", "None") else HIDDEN
