"""Helpers shared by the security and reliability tests: a fingerprint of the whole database,
the forms found on rendered pages, and the URL of every rule (from the authorisation walk)."""

from __future__ import annotations

import hashlib
from html.parser import HTMLParser

from sqlalchemy import select, text

from krs.extensions import db


def db_fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row, per table: equal fingerprints mean nothing changed."""
    db.session.expire_all()
    result = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            order = [c for c in table.primary_key.columns] or list(table.columns)
            rows = conn.execute(select(table).order_by(*order)).all()
            digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()[:16]
            result[table.name] = (len(rows), digest)
        if conn.dialect.name == "sqlite":
            conn.execute(text("SELECT 1"))
    return result


def table_counts() -> dict[str, int]:
    return {name: n for name, (n, _h) in db_fingerprint().items()}


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._current: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._current = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "fields": {},
                "choices": {},
                "multipart": a.get("enctype") == "multipart/form-data",
            }
            self.forms.append(self._current)
            return
        if self._current is None:
            return
        name = a.get("name")
        if tag in ("input", "textarea", "select") and name:
            kind = (a.get("type") or tag).lower()
            self._current["fields"].setdefault(name, kind)
            if tag == "select":
                self._select = name
            if kind in ("checkbox", "radio") and a.get("value") is not None:
                self._current["choices"].setdefault(name, []).append(a["value"])
        if tag == "option" and self._select and a.get("value"):
            self._current["choices"].setdefault(self._select, []).append(a["value"])
        if tag == "button" and name and a.get("value") is not None:
            self._current["fields"].setdefault(name, "button")
            self._current["choices"].setdefault(name, []).append(a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        if tag == "select":
            self._select = None


def forms_on(html: str) -> list[dict]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms
