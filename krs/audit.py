"""Append-only audit log, written in the caller's transaction (never commits on its own)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import g, has_app_context
from sqlalchemy import insert

from krs.extensions import db
from krs.models import AuditLog


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: Any, fields: list[str]) -> dict:
    return {f: _plain(getattr(obj, f)) for f in fields}


def record(actor, action: str, entity: str, entity_id: int | None, before=None, after=None) -> AuditLog:
    ip = g.get("client_ip") if has_app_context() else None
    row = AuditLog(
        actor_id=getattr(actor, "id", None),
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=_plain(before),
        after=_plain(after),
        ip=ip,
    )
    db.session.add(row)
    return row


def record_many(actor, rows: list[tuple[str, str, int | None, dict | None]]) -> None:
    """Many creations at once (a backlog import, krs/imports): (action, entity, entity_id, after)
    per row, written as one multi-row INSERT in the caller's transaction."""
    if not rows:
        return
    ip = g.get("client_ip") if has_app_context() else None
    actor_id = getattr(actor, "id", None)
    values = [
        {
            "actor_id": actor_id,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "before": None,
            "after": _plain(after),
            "ip": ip,
        }
        for action, entity, entity_id, after in rows
    ]
    db.session.execute(insert(AuditLog), values)
