"""Transfers between units: a supervisor sends a case with a reason; the receiving side decides.

On acceptance the case moves to the other unit with its number, timeline and audit trail intact,
unassigned and back to `new` so the receiving supervisor assigns it (DESIGN.md §4); the old unit
no longer sees it. Applicants are held per office (DESIGN.md §3): the case is linked to the
receiving office's own record of the household (its existing one with the same NIK, else a copy
of the giving office's), and the giving office keeps its record. Authorisation (who may request
or decide) is in krs.access.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from krs import access, audit, signals
from krs.cases.service import CASE_AUDIT_FIELDS, CaseError, _check_version, _commit_change, _event
from krs.extensions import db
from krs.intake import applicant_for_unit
from krs.models import Case, CaseStatus, CaseTransfer, EventKind, TransferStatus, Unit, User, utcnow

TRANSFERABLE = (CaseStatus.NEW, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS)


def pending_transfer_of(case: Case) -> CaseTransfer | None:
    return db.session.scalar(
        select(CaseTransfer).where(
            CaseTransfer.case_id == case.id, CaseTransfer.status == TransferStatus.PENDING
        )
    )


def request_transfer(
    actor: User, case: Case, to_unit: Unit, reason: str, expected_version: int | None = None
) -> CaseTransfer:
    _check_version(case, expected_version)
    reason = (reason or "").strip()
    if case.status not in TRANSFERABLE:
        raise CaseError(
            _l("Hanya kasus yang sedang berjalan dan belum diajukan penutupan yang dapat dipindahkan.")
        )
    if to_unit.id == case.unit_id or not to_unit.active or to_unit.kind == "direktorat":
        raise CaseError(_l("Pilih unit tujuan yang aktif dan berbeda dari unit kasus ini."))
    if not reason:
        raise CaseError(_l("Tuliskan alasan pemindahan, misalnya domisili pemohon."))
    if pending_transfer_of(case) is not None:
        raise CaseError(_l("Kasus ini sudah menunggu keputusan pemindahan."))
    transfer = CaseTransfer(
        case=case,
        from_unit_id=case.unit_id,
        to_unit=to_unit,
        reason=reason,
        requested_by_id=actor.id,
        requested_at=utcnow(),
        status=TransferStatus.PENDING,
    )
    db.session.add(transfer)
    db.session.flush()
    _event(
        actor,
        case,
        EventKind.TRANSFERRED,
        body=reason,
        data={"stage": "requested", "from": case.unit.name, "to": to_unit.name, "transfer_id": transfer.id},
    )
    audit.record(
        actor,
        "case.transfer_request",
        "case",
        case.id,
        None,
        {
            "transfer_id": transfer.id,
            "from_unit_id": case.unit_id,
            "to_unit_id": to_unit.id,
            "reason": reason,
        },
    )
    signals.transfer_requested.send(actor, transfer=transfer)
    db.session.commit()
    return transfer


def _decidable(actor: User, transfer: CaseTransfer) -> None:
    if not access.can_decide_transfer(actor, transfer):
        raise CaseError(_l("Hanya supervisor unit tujuan yang dapat memutuskan pemindahan ini."))
    if not transfer.is_pending:
        raise CaseError(_l("Pemindahan ini sudah diputuskan."))


def accept_transfer(actor: User, transfer: CaseTransfer, comment: str = "") -> Case:
    _decidable(actor, transfer)
    case = transfer.case
    if case.status not in TRANSFERABLE or case.unit_id != transfer.from_unit_id:
        raise CaseError(
            _l("Status kasus sudah berubah sejak pemindahan diajukan; minta unit asal mengajukan ulang.")
        )
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    from_name = case.unit.name
    transfer.status = TransferStatus.ACCEPTED
    transfer.decided_by_id = actor.id
    transfer.decided_at = utcnow()
    transfer.decision_comment = (comment or "").strip() or None
    case.unit = transfer.to_unit
    # applicants are held per office: the receiving office works on its own record
    case.applicant = applicant_for_unit(actor, case.applicant, transfer.to_unit)
    case.assignee = None
    case.status = CaseStatus.NEW
    _event(
        actor,
        case,
        EventKind.TRANSFERRED,
        body=transfer.decision_comment,
        data={
            "stage": "accepted",
            "from": from_name,
            "to": transfer.to_unit.name,
            "transfer_id": transfer.id,
        },
    )
    signals.transfer_decided.send(actor, transfer=transfer)
    _commit_change(actor, case, "case.transfer_accept", before)
    db.session.refresh(case)
    return case


def reject_transfer(actor: User, transfer: CaseTransfer, comment: str) -> CaseTransfer:
    _decidable(actor, transfer)
    comment = (comment or "").strip()
    if not comment:
        raise CaseError(_l("Tuliskan alasan penolakan agar unit asal tahu langkah berikutnya."))
    transfer.status = TransferStatus.REJECTED
    transfer.decided_by_id = actor.id
    transfer.decided_at = utcnow()
    transfer.decision_comment = comment
    _event(
        actor,
        transfer.case,
        EventKind.TRANSFERRED,
        body=comment,
        data={
            "stage": "rejected",
            "from": transfer.from_unit.name,
            "to": transfer.to_unit.name,
            "transfer_id": transfer.id,
        },
    )
    audit.record(
        actor,
        "case.transfer_reject",
        "case",
        transfer.case_id,
        None,
        {"transfer_id": transfer.id, "comment": comment},
    )
    signals.transfer_decided.send(actor, transfer=transfer)
    db.session.commit()
    return transfer


def pending_transfers_for(user: User) -> list[CaseTransfer]:
    # the offices and the requester by their own small statements, run only when a transfer is
    # pending: joined into this one, PostgreSQL spent 5-7 ms planning an eight-table join on every
    # home page for (usually) no row (issue 17)
    stmt = (
        access.transfers_visible_to(user)
        .where(CaseTransfer.status == TransferStatus.PENDING)
        .options(
            joinedload(CaseTransfer.case).joinedload(Case.applicant),
            selectinload(CaseTransfer.from_unit),
            selectinload(CaseTransfer.to_unit),
            selectinload(CaseTransfer.requested_by),
        )
        .order_by(CaseTransfer.requested_at)
    )
    return list(db.session.scalars(stmt).unique())


def recent_transfers_for(user: User, limit: int = 20) -> list[CaseTransfer]:
    stmt = (
        access.transfers_visible_to(user)
        .where(CaseTransfer.status != TransferStatus.PENDING)
        .options(
            joinedload(CaseTransfer.case),
            joinedload(CaseTransfer.from_unit),
            joinedload(CaseTransfer.to_unit),
            joinedload(CaseTransfer.decided_by),
        )
        .order_by(CaseTransfer.decided_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt).unique())
