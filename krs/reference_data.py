"""Reading the reference lists the admin edits (krs.admin): labels and active choices for forms.

The codes stay the built-in enumerations (they are stored on cases); the table only renames them
and retires them from new forms. Without rows (a fresh database) the built-in labels apply.
"""

from __future__ import annotations

from flask import g, has_app_context
from sqlalchemy import select

from krs.extensions import db
from krs.models import ReferenceItem


def _rows(list_name: str) -> list[ReferenceItem]:
    cache = g.setdefault("_reference_rows", {}) if has_app_context() else {}
    if list_name not in cache:
        cache[list_name] = list(
            db.session.scalars(
                select(ReferenceItem)
                .where(ReferenceItem.list_name == list_name)
                .order_by(ReferenceItem.sort_order)
            )
        )
    return cache[list_name]


def label_for(list_name: str, code: str | None) -> str | None:
    for row in _rows(list_name):
        if row.code == code:
            return row.label
    return None


def active_choices(
    list_name: str, builtin: list[tuple[str, str]], keep: str | None = None
) -> list[tuple[str, str]]:
    """The built-in choices, renamed and without retired ones (`keep` stays, e.g. a case's current value)."""
    rows = {r.code: r for r in _rows(list_name)}
    if not rows:
        return builtin
    return [
        (code, rows[code].label if code in rows else label)
        for code, label in builtin
        if code not in rows or rows[code].active or code == keep
    ]
