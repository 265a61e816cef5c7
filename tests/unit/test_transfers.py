"""Transfers between units: request, accept (the case moves, history intact), reject."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from krs import access
from krs.cases import service, transfer
from krs.extensions import db
from krs.models import AuditLog, CaseStatus, Event, EventKind, Role, TransferStatus


@pytest.fixture
def people(units, make_user):
    return {
        "spv2": make_user(Role.SUPERVISOR, units["jawa2"]),
        "spv3": make_user(Role.SUPERVISOR, units["jawa3"]),
        "staff2": make_user(Role.STAFF, units["jawa2"]),
        "staff3": make_user(Role.STAFF, units["jawa3"]),
        "admin": make_user(Role.ADMIN),
    }


def test_accepted_transfer_moves_the_case_keeping_number_and_history(units, people, make_case):
    case = make_case(unit=units["jawa2"], status=CaseStatus.IN_PROGRESS, assignee=people["staff2"])
    number, events_before = case.number, len(service.timeline(case))
    item = transfer.request_transfer(people["spv2"], case, units["jawa3"], "Pemohon pindah ke Semarang.")
    assert item.status == TransferStatus.PENDING
    # both sides see it pending; the case has not moved yet
    assert transfer.pending_transfers_for(people["spv2"]) == [item]
    assert transfer.pending_transfers_for(people["spv3"]) == [item]
    assert access.can_view_case(people["staff2"], case)

    moved = transfer.accept_transfer(people["spv3"], item, "Diterima.")
    assert moved.unit_id == units["jawa3"].id
    assert moved.number == number  # no new number
    assert moved.status == CaseStatus.NEW and moved.assignee_id is None
    assert item.status == TransferStatus.ACCEPTED and item.decided_by_id == people["spv3"].id
    events = service.timeline(moved)
    assert len(events) == events_before + 2  # requested + accepted, the old ones intact
    assert [e.data["stage"] for e in events if e.kind == EventKind.TRANSFERRED] == ["accepted", "requested"]
    # visible to the new unit, no longer to the old one
    assert not access.can_view_case(people["staff2"], moved)
    assert access.can_view_case(people["staff3"], moved)
    visible_old = db.session.scalars(access.cases_visible_to(people["staff2"])).all()
    assert moved not in visible_old
    actions = db.session.scalars(
        select(AuditLog.action).where(AuditLog.entity == "case", AuditLog.entity_id == case.id)
    ).all()
    assert "case.transfer_request" in actions and "case.transfer_accept" in actions
    assert transfer.pending_transfers_for(people["spv3"]) == []


def test_a_transfer_into_an_office_that_issued_the_same_sequence_keeps_both_numbers(units, people, make_case):
    """Both offices' first case of the year is 0001: the moved case keeps KRS-JAWA2-…-0001 beside
    KRS-JAWA3-…-0001 (an IntegrityError before migration 0010)."""
    theirs = make_case(unit=units["jawa3"])
    ours = make_case(unit=units["jawa2"], status=CaseStatus.IN_PROGRESS, assignee=people["staff2"])
    assert (ours.year, ours.seq) == (theirs.year, theirs.seq)
    item = transfer.request_transfer(people["spv2"], ours, units["jawa3"], "Pemohon pindah ke Semarang.")
    moved = transfer.accept_transfer(people["spv3"], item)
    assert moved.unit_id == theirs.unit_id and moved.number != theirs.number
    assert "-JAWA2-" in moved.number


def test_rejected_transfer_leaves_the_case_and_needs_a_reason(units, people, make_case):
    case = make_case(unit=units["jawa2"], status=CaseStatus.ASSIGNED)
    item = transfer.request_transfer(people["spv2"], case, units["jawa3"], "Domisili di DIY.")
    with pytest.raises(service.CaseError):
        transfer.reject_transfer(people["spv3"], item, "  ")
    db.session.rollback()
    transfer.reject_transfer(people["spv3"], item, "Alamat masih wilayah Jawa Barat.")
    db.session.refresh(case)
    assert case.unit_id == units["jawa2"].id and case.status == CaseStatus.ASSIGNED
    assert item.status == TransferStatus.REJECTED
    with pytest.raises(service.CaseError):
        transfer.accept_transfer(people["spv3"], item)


def test_only_the_receiving_side_decides(units, people, make_case):
    case = make_case(unit=units["jawa2"])
    item = transfer.request_transfer(people["spv2"], case, units["jawa3"], "Pindah domisili.")
    with pytest.raises(service.CaseError):
        transfer.accept_transfer(people["spv2"], item)  # the sender cannot accept their own request
    assert access.can_decide_transfer(people["admin"], item)
    assert not access.can_decide_transfer(people["staff3"], item)


def test_transfer_rules(units, people, make_case):
    case = make_case(unit=units["jawa2"])
    with pytest.raises(service.CaseError):
        transfer.request_transfer(people["spv2"], case, units["jawa2"], "Sama.")
    with pytest.raises(service.CaseError):
        transfer.request_transfer(people["spv2"], case, units["jawa3"], "")
    with pytest.raises(service.CaseError):
        transfer.request_transfer(people["spv2"], case, units["dit"], "Ke Direktorat.")
    transfer.request_transfer(people["spv2"], case, units["jawa3"], "Pindah.")
    with pytest.raises(service.CaseError):
        transfer.request_transfer(people["spv2"], case, units["jawa3"], "Lagi.")
    closed = make_case(unit=units["jawa2"], status=CaseStatus.CLOSED)
    with pytest.raises(service.CaseError):
        transfer.request_transfer(people["spv2"], closed, units["jawa3"], "Sudah ditutup.")


def test_acceptance_refused_when_the_case_changed_meanwhile(units, people, make_case):
    case = make_case(unit=units["jawa2"], status=CaseStatus.IN_PROGRESS, assignee=people["staff2"])
    item = transfer.request_transfer(people["spv2"], case, units["jawa3"], "Pindah.")
    service.request_closure(people["staff2"], case, "resolved", "Selesai sebelum pindah.")
    with pytest.raises(service.CaseError):
        transfer.accept_transfer(people["spv3"], item)


def test_transfer_events_are_on_the_timeline(units, people, make_case):
    case = make_case(unit=units["jawa2"])
    transfer.request_transfer(people["spv2"], case, units["jawa3"], "Domisili Solo.")
    kinds = db.session.scalars(select(Event.kind).where(Event.case_id == case.id)).all()
    assert EventKind.TRANSFERRED in kinds
