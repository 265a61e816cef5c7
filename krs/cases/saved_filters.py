"""Saved filters for case lists: a name and the list's query string, per user."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from krs import audit
from krs.extensions import db
from krs.models import SavedFilter, User

FILTER_KEYS = ("view", "q", "status", "service", "channel", "assignee", "unit")
MAX_FILTERS_PER_USER = 30


class FilterError(Exception):
    pass


def clean_query(query: str) -> str:
    """Keep only the list's own filter parameters (never a page number or anything else)."""
    pairs = [(k, v[:100]) for k, v in parse_qsl(query or "", keep_blank_values=False) if k in FILTER_KEYS]
    return urlencode(pairs)


def filters_of(user: User) -> list[SavedFilter]:
    return list(
        db.session.scalars(
            select(SavedFilter).where(SavedFilter.user_id == user.id).order_by(SavedFilter.name)
        )
    )


def save_filter(user: User, name: str, query: str) -> SavedFilter:
    name = (name or "").strip()
    if not name:
        raise FilterError(_l("Beri nama filter."))
    query = clean_query(query)
    if not query:
        raise FilterError(_l("Tidak ada filter untuk disimpan; pilih tampilan atau filter dulu."))
    existing = db.session.scalar(
        select(SavedFilter).where(SavedFilter.user_id == user.id, SavedFilter.name == name)
    )
    if existing is None:
        if len(filters_of(user)) >= MAX_FILTERS_PER_USER:
            raise FilterError(_l("Paling banyak 30 filter tersimpan; hapus yang tidak dipakai."))
        existing = SavedFilter(user_id=user.id, name=name[:80], query=query)
        db.session.add(existing)
    else:
        existing.query = query
    db.session.flush()
    audit.record(user, "saved_filter.save", "saved_filter", existing.id, None, {"name": name, "query": query})
    db.session.commit()
    return existing


def get_own_filter(user: User, filter_id: int) -> SavedFilter | None:
    return db.session.scalar(
        select(SavedFilter).where(SavedFilter.id == filter_id, SavedFilter.user_id == user.id)
    )


def delete_filter(user: User, saved: SavedFilter) -> None:
    audit.record(
        user, "saved_filter.delete", "saved_filter", saved.id, {"name": saved.name, "query": saved.query}
    )
    db.session.delete(saved)
    db.session.commit()
