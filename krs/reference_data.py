"""Reading the reference lists the admin edits (krs.admin): labels and active choices for forms.

The codes stay the built-in enumerations (they are stored on cases); the table only renames them
and retires them from new forms. Without rows (a fresh database) the built-in labels apply, and so
does a row whose label is still the built-in Indonesian one: it is shown through the catalogue, in
the user's language (issue 15). Only a label the Direktorat changed is shown as written.
"""

from __future__ import annotations

from flask import g, has_app_context
from sqlalchemy import select

from krs.extensions import db
from krs.models import Channel, LabelledEnum, Outcome, ReferenceItem, ServiceType

BUILT_IN: dict[str, type[LabelledEnum]] = {
    "service_type": ServiceType,
    "channel": Channel,
    "outcome": Outcome,
}


def _rows(list_name: str) -> list[ReferenceItem]:
    """The rows of one list, in order. Every list is read at the first need in the context (one
    small statement instead of one per list: a case page labels services, channels and outcomes)."""
    cache = g.get("_reference_rows") if has_app_context() else None
    if cache is None:
        cache = {}
        for row in db.session.scalars(
            select(ReferenceItem).order_by(ReferenceItem.list_name, ReferenceItem.sort_order)
        ):
            cache.setdefault(row.list_name, []).append(row)
        if has_app_context():
            g._reference_rows = cache
    return cache.get(list_name, [])


def forget() -> None:
    """Drop this context's copy of the lists (after an edit, so the same context reads them anew)."""
    if has_app_context():
        g.pop("_reference_rows", None)


def _renamed(row: ReferenceItem) -> str | None:
    """The row's label if the Direktorat changed it, else None (the built-in label applies)."""
    enum_cls = BUILT_IN.get(row.list_name)
    if enum_cls is not None and enum_cls.indonesian_labels().get(row.code) == row.label:
        return None
    return row.label


def label_for(list_name: str, code: str | None) -> str | None:
    """The Direktorat's own label for `code`, or None where the built-in (translated) one applies."""
    for row in _rows(list_name):
        if row.code == code:
            return _renamed(row)
    return None


def active_choices(
    list_name: str, builtin: list[tuple[str, str]], keep: str | None = None
) -> list[tuple[str, str]]:
    """The built-in choices, renamed and without retired ones (`keep` stays, e.g. a case's current value)."""
    rows = {r.code: r for r in _rows(list_name)}
    if not rows:
        return builtin
    return [
        (code, (_renamed(rows[code]) or label) if code in rows else label)
        for code, label in builtin
        if code not in rows or rows[code].active or code == keep
    ]
