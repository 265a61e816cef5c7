"""Drafts of forms whose session ended before they were sent (issue 14).

When a signed-in session has run out and the browser posts a form (plain or htmx), the guard in
krs/__init__.py keeps the posted fields here for that user, keyed by the page the form was on and
the endpoint it posted to, then sends them to sign in with next=that page. The page's view takes
the draft once (and it is gone) to fill its form again. Files are never kept (a posted file
must be chosen again); nor are passwords or the CSRF token. A draft lives a day at most.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import bindparam, delete, select
from werkzeug.datastructures import MultiDict

from krs.extensions import db
from krs.models import FormDraft, utcnow
from krs.prepared import prepared

LIFETIME = timedelta(days=1)
NOT_KEPT = {"csrf_token", "current", "new", "confirm"}  # never stored (nor anything "password")
MAX_VALUE = 20_000  # characters per field: a long follow-up note fits, a flood does not


def page_of(current_url: str | None, fallback: str) -> str:
    """The path (and query) of a page from a full same-site URL (HX-Current-URL, Referer);
    anything else: the fallback."""
    if current_url:
        parts = urlsplit(current_url)
        path = parts.path or ""
        if path.startswith("/") and not path.startswith("//"):
            return path + (f"?{parts.query}" if parts.query else "")
    return fallback


def save(user_id: int, page: str, endpoint: str, form: MultiDict) -> FormDraft | None:
    """Keep what was posted (no files, no secrets); replaces an older draft of the same form."""
    fields = [
        [name, value[:MAX_VALUE]]
        for name, value in form.items(multi=True)
        if name not in NOT_KEPT and "password" not in name.lower()
    ]
    if not fields:
        return None
    path = urlsplit(page).path[:500]
    now = utcnow()
    db.session.execute(
        delete(FormDraft).where(
            (FormDraft.created_at < now - LIFETIME)
            | ((FormDraft.user_id == user_id) & (FormDraft.page == path) & (FormDraft.endpoint == endpoint))
        )
    )
    draft = FormDraft(user_id=user_id, page=path, endpoint=endpoint[:100], fields=fields, created_at=now)
    db.session.add(draft)
    db.session.commit()
    return draft


@prepared
def _latest_draft():
    """Asked on every case page (krs.prepared: built once, the values bound)."""
    return (
        select(FormDraft)
        .where(
            FormDraft.user_id == bindparam("uid"),
            FormDraft.page == bindparam("page"),
            FormDraft.endpoint == bindparam("endpoint"),
        )
        .order_by(FormDraft.created_at.desc())
        .limit(1)
    )


def take(user, page: str, endpoint: str) -> MultiDict | None:
    """The user's draft of the form posting to `endpoint` on `page` (a path), once: it is deleted."""
    if not getattr(user, "is_authenticated", False):
        return None
    path = urlsplit(page).path
    draft = db.session.scalars(_latest_draft(), {"uid": user.id, "page": path, "endpoint": endpoint}).first()
    if draft is None:
        return None
    fresh = draft.created_at.replace(tzinfo=draft.created_at.tzinfo or utcnow().tzinfo) >= utcnow() - LIFETIME
    db.session.delete(draft)
    db.session.commit()
    return MultiDict([tuple(pair) for pair in draft.fields]) if fresh else None
