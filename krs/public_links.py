"""Links to the public pages (DESIGN.md §6) and the case status link of the intake receipt.

`public_url` builds an absolute address under KRS_PUBLIC_URL (the request's host when unset), so a
printed QR or a WhatsApp message points at the address households can reach. A status link is a
random token (secrets.token_urlsafe(24)) per case; revoking it retires the token and makes a new
one (audited). `next_step_for` is the one sentence the receipt and the public page show: never a
name, NIK, phone or address.
"""

from __future__ import annotations

import secrets

from flask import current_app, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select

from krs import audit
from krs.extensions import db
from krs.models import Case, CaseStatus, Event, StatusLink, User, utcnow
from krs.workdays import today_in


def public_url(endpoint: str, **values) -> str:
    base = (current_app.config.get("KRS_PUBLIC_URL") or "").rstrip("/")
    if not base:
        return url_for(endpoint, _external=True, **values)
    return base + url_for(endpoint, **values)


def new_status_token() -> str:
    return secrets.token_urlsafe(24)


def active_status_link(case: Case) -> StatusLink | None:
    return db.session.scalars(
        select(StatusLink)
        .where(StatusLink.case_id == case.id, StatusLink.revoked_at.is_(None))
        .order_by(StatusLink.id.desc())
    ).first()


def ensure_status_link(actor: User, case: Case) -> StatusLink:
    """The case's live status link, made (and audited) the first time a receipt is printed."""
    link = active_status_link(case)
    if link is not None:
        return link
    link = StatusLink(case_id=case.id, token=new_status_token(), created_by_id=actor.id)
    db.session.add(link)
    db.session.flush()
    audit.record(actor, "status_link.create", "case", case.id, None, {"status_link_id": link.id})
    db.session.commit()
    return link


def revoke_status_link(actor: User, case: Case) -> StatusLink:
    """Retire every live link of the case (the old QR stops working) and make a new one."""
    now = utcnow()
    retired = []
    for old in db.session.scalars(
        select(StatusLink).where(StatusLink.case_id == case.id, StatusLink.revoked_at.is_(None))
    ):
        old.revoked_at = now
        old.revoked_by_id = actor.id
        retired.append(old.id)
    link = StatusLink(case_id=case.id, token=new_status_token(), created_by_id=actor.id)
    db.session.add(link)
    db.session.flush()
    audit.record(
        actor, "status_link.revoke", "case", case.id, {"revoked": retired}, {"status_link_id": link.id}
    )
    db.session.commit()
    return link


def case_for_status_token(token: str) -> Case | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalars(
        select(Case)
        .join(StatusLink, StatusLink.case_id == Case.id)
        .where(StatusLink.token == token, StatusLink.revoked_at.is_(None))
    ).first()


def next_step_for(case: Case) -> str:
    """What happens next, in one sentence without personal data."""
    if case.status == CaseStatus.CLOSED:
        return _("Layanan selesai. Terima kasih telah menghubungi Klinik Rumah Swadaya.")
    if case.status == CaseStatus.CLOSURE_REQUESTED:
        return _("Layanan hampir selesai: menunggu persetujuan penutupan oleh supervisor.")
    today = today_in(case.unit.timezone)
    appointment = db.session.scalar(
        select(func.min(Event.next_action_date)).where(
            Event.case_id == case.id, Event.next_action_date >= today
        )
    )
    if appointment:
        return _("Tindak lanjut berikutnya dijadwalkan %(date)s.", date=format_date(appointment, "d MMM y"))
    if case.status == CaseStatus.NEW and case.first_response_due:
        return _(
            "Petugas akan menghubungi Anda paling lambat %(date)s.",
            date=format_date(case.first_response_due, "d MMM y"),
        )
    if case.resolution_due:
        return _(
            "Permohonan sedang ditangani petugas; perkiraan selesai %(date)s.",
            date=format_date(case.resolution_due, "d MMM y"),
        )
    return _("Permohonan sedang ditangani petugas.")
