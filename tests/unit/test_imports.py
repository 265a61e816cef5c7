"""The backlog import (issue 16, part 4): mapping guesses, row checks, and the required test — a
10,000-row file with five kinds of bad row: the dry run reports exactly those rows, the confirm
creates the right number of cases in one go, and an admin's undo removes them."""

from __future__ import annotations

import io
import time
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from krs.extensions import db
from krs.imports import service
from krs.models import (
    Applicant,
    AuditLog,
    Case,
    CaseStatus,
    Event,
    EventKind,
    ImportBatch,
    ImportStatus,
    Outcome,
    Role,
    ServiceType,
)
from krs.reports.service import check_totals
from tests.import_files import (
    BAD_KINDS,
    HEADERS,
    backlog_xlsx,
    big_backlog,
    good_row,
    nik_for,
    unique_villages,
)

# ---------------------------------------------------------------- pure checks


def test_mapping_guesses_indonesian_and_english_headers():
    guess = service.guess_mapping(HEADERS)
    assert guess == {
        "date": 0, "name": 1, "nik": 2, "phone": 3, "address": 4, "village": 5, "service": 6, "status": 7,
        "notes": 8,
    }  # fmt: skip
    english = ["Date", "Name", "NIK", "Phone", "Address", "Village", "Service", "Status", "Notes"]
    assert service.guess_mapping(english) == dict(zip(service.TARGET_NAMES, range(9), strict=True))
    odd = ["No", "Tgl Masuk", "Nama Lengkap", "No. KTP", "Kelurahan", "Ket.", "Kolom aneh"]
    guess = service.guess_mapping(odd)
    assert guess["date"] == 1 and guess["name"] == 2 and guess["nik"] == 3 and guess["village"] == 4
    assert guess["notes"] == 5 and guess["phone"] is None and guess["status"] is None
    assert 0 not in guess.values() and 6 not in guess.values()  # "No" and a stray column stay unmapped


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("27/11/2025", date(2025, 11, 27)),
        ("27-11-2025", date(2025, 11, 27)),
        ("27.11.25", date(2025, 11, 27)),
        ("2025-11-27", date(2025, 11, 27)),
        ("27 Nov 2025", date(2025, 11, 27)),
        ("27 Nopember 2025", date(2025, 11, 27)),
        ("3 Agustus 2025", date(2025, 8, 3)),
        (datetime(2025, 11, 27, 0, 0), date(2025, 11, 27)),
        (45988, date(2025, 11, 27)),  # an Excel serial day the cell's format did not mark
        ("31/02/2025", None),
        ("kemarin", None),
        ("", None),
        (None, None),
    ],
)
def test_dates_as_offices_write_them(value, expected):
    assert service.parse_date(value) == expected


def test_services_and_statuses_from_indonesian_words():
    assert service.parse_services("BSPS, desain rumah") == (["program_info", "house_design"], [])
    assert service.parse_services("RAB dan PBG") == (["cost_estimate", "permits"], [])
    assert service.parse_services("") == ([ServiceType.OTHER], [])
    assert service.parse_services("Konsultasi desain rumah") == (["house_design"], [])
    assert service.parse_services("pijat refleksi") == ([], ["pijat refleksi"])
    assert service.parse_status("Selesai") == (CaseStatus.CLOSED, Outcome.RESOLVED)
    assert service.parse_status("dalam proses") == (CaseStatus.NEW, None)  # no officer yet: "Baru"
    assert service.parse_status("Tidak memenuhi syarat") == (CaseStatus.CLOSED, Outcome.NOT_ELIGIBLE)
    assert service.parse_status("") == (CaseStatus.NEW, None)
    assert service.parse_status("entah") is None


def test_villages_by_name_code_or_best_guess(app):
    index = service.VillageIndex(["32"])
    name, code = unique_villages()[0]
    assert index.lookup(name).code == code
    assert index.lookup(f"Desa {name.upper()}").code == code
    assert index.lookup(code).code == code
    assert index.lookup(code.replace(".", "")).code == code
    assert index.lookup("").code is None and index.lookup("").problem is None  # optional column
    typo = index.lookup(name[:-1] + ("a" if name[-1] != "a" else "e"))
    assert typo.code is None and typo.problem and typo.guess.startswith(code)  # best guess with its code
    outside = index.lookup("33.01.01.2001")  # Jawa Tengah: not this office's provinces
    assert outside.code is None and "tidak ada di wilayah" in outside.problem
    # a name found in several districts: narrowed by "Desa, Kecamatan", else a problem with candidates
    twice = next((n, c) for n, c in index.by_name.items() if len(c) == 2)
    district = index.paths[twice[1][1]][1]
    assert index.lookup(twice[0]).code is None
    assert index.lookup(f"{twice[0]}, Kec. {district}").code == twice[1][1]


# ---------------------------------------------------------------- the jobs, small


@pytest.fixture
def office(units, make_user):
    return {
        "unit": units["jawa2"],
        "spv": make_user(Role.SUPERVISOR, units["jawa2"]),
        "admin": make_user(Role.ADMIN),
        "staff": make_user(Role.STAFF, units["jawa2"]),
    }


def _upload(actor, unit, data: bytes, name="backlog.xlsx") -> ImportBatch:
    return service.upload(actor, unit, FileStorage(io.BytesIO(data), filename=name))


def _check(actor, batch, stop=False) -> ImportBatch:
    service.start_check(actor, batch, service.guess_mapping(batch.headers), stop)
    db.session.expire_all()
    return db.session.get(ImportBatch, batch.id)


def test_a_small_import_end_to_end(office, make_case):
    unit, spv = office["unit"], office["spv"]
    make_case(unit=unit, name="Sudah Ada", nik=nik_for(3))  # already an applicant of this office
    rows = [good_row(n) for n in range(6)]
    rows[0][0] = "27/11/2025"
    rows[1][7] = "Selesai"
    rows[2][6] = "pijat"  # unknown service
    batch = _check(spv, _upload(spv, unit, backlog_xlsx(rows)))
    assert batch.status == ImportStatus.CHECKED
    assert (batch.total_rows, batch.ok_rows, batch.problem_rows) == (6, 4, 2)
    problems = {r["row"]: [p["code"] for p in r["problems"]] for r in batch.report}
    assert problems == {4: ["service"], 5: ["duplicate"]}
    assert all("•" in r["nik"] for r in batch.report)  # never a full NIK in the report
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1  # the dry run wrote nothing

    service.start_import(spv, batch)
    db.session.expire_all()
    batch = db.session.get(ImportBatch, batch.id)
    assert batch.status == ImportStatus.IMPORTED and batch.cases_created == 4
    assert batch.stored_name is None  # the uploaded file is not kept
    cases = list(
        db.session.scalars(select(Case).where(Case.unit_id == unit.id, Case.description.like("Catatan%")))
    )
    assert len(cases) == 4
    first = next(c for c in cases if c.applicant.name == "Pemohon 0")
    assert first.created_at.date() == date(2025, 11, 27) and first.year == 2025
    assert first.number.startswith(f"KRS-{unit.code}-2025-")
    closed = next(c for c in cases if c.applicant.name == "Pemohon 1")
    assert closed.status == CaseStatus.CLOSED and closed.outcome == Outcome.RESOLVED
    event = db.session.scalar(select(Event).where(Event.case_id == first.id))
    assert event.kind == EventKind.IMPORTED and "backlog.xlsx" in event.body and "baris 2" in event.body
    assert first.applicant.village_code == unique_villages()[0][1] and first.applicant.province_code == "32"
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"import.upload", "import.check", "import.confirm", "import.apply", "case.import"} <= actions
    # numbered in one run of the unit's 2025 counter
    numbers = sorted(c.seq for c in cases if c.year == 2025)
    assert numbers == list(range(1, 5))
    # the dashboards' totals count the imported cases as if taken in on their dates
    assert check_totals([2025, date.today().year]) == []
    service.undo(office["admin"], batch)
    assert check_totals([2025, date.today().year]) == []
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1


def test_stop_if_any_problem_writes_nothing(office):
    rows = [good_row(1), good_row(2)]
    rows[1][2] = "123"
    batch = _check(office["spv"], _upload(office["spv"], office["unit"], backlog_xlsx(rows)), stop=True)
    assert batch.problem_rows == 1
    with pytest.raises(service.ImportError_, match="hentikan"):
        service.start_import(office["spv"], batch)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_undo_refuses_when_a_case_was_touched(office):
    from krs.cases import service as case_service

    spv, admin = office["spv"], office["admin"]
    batch = _check(spv, _upload(spv, office["unit"], backlog_xlsx([good_row(n) for n in range(3)])))
    service.start_import(spv, batch)
    db.session.expire_all()
    batch = db.session.get(ImportBatch, batch.id)
    with pytest.raises(service.ImportError_, match="admin"):
        service.undo(spv, batch)
    case = db.session.scalar(select(Case).where(Case.status == CaseStatus.NEW).order_by(Case.id))
    case_service.assign_case(spv, case, office["staff"])
    with pytest.raises(service.ImportError_, match=case.number):
        service.undo(admin, batch)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 3


def test_not_an_xlsx_is_refused(office):
    with pytest.raises(service.ImportError_, match="bukan Excel"):
        _upload(office["spv"], office["unit"], b"%PDF-1.4 not a sheet", name="cases.xlsx")
    with pytest.raises(service.ImportError_, match="tidak dapat mengimpor"):
        _upload(office["staff"], office["unit"], backlog_xlsx([good_row(1)]))


# ---------------------------------------------------------------- the required test: 10,000 rows


def test_ten_thousand_rows_with_five_kinds_of_bad_row(office, capsys):
    spv, admin, unit = office["spv"], office["admin"], office["unit"]
    data, bad = big_backlog(10_000, bad_each=20)
    batch = _upload(spv, unit, data, name="arsip-2025.xlsx")

    started = time.perf_counter()
    batch = _check(spv, batch)
    check_seconds = time.perf_counter() - started
    assert batch.status == ImportStatus.CHECKED, batch.error
    assert batch.total_rows == 10_000
    reported = {r["row"]: {p["code"] for p in r["problems"]} for r in batch.report}
    expected = {row: {kind} for kind, rows in bad.items() for row in rows}
    assert reported == expected  # exactly those rows, each for its own reason
    assert set(service.problem_counts(batch)) == set(BAD_KINDS)
    assert batch.problem_rows == 100 and batch.ok_rows == 9_900
    village = next(p for r in batch.report for p in r["problems"] if p["code"] == "village")
    assert "tidak dikenal" in village["message"]

    started = time.perf_counter()
    service.start_import(spv, batch)
    import_seconds = time.perf_counter() - started
    db.session.expire_all()
    batch = db.session.get(ImportBatch, batch.id)
    assert batch.status == ImportStatus.IMPORTED, batch.error
    assert batch.cases_created == 9_900
    assert db.session.scalar(select(func.count()).select_from(Case).where(Case.unit_id == unit.id)) == 9_900
    assert db.session.scalar(select(func.count()).select_from(Applicant)) == 9_900
    numbers = db.session.scalars(select(Case.number)).all()
    assert len(set(numbers)) == 9_900

    started = time.perf_counter()
    result = service.undo(admin, batch)
    undo_seconds = time.perf_counter() - started
    assert (result.cases, result.applicants) == (9_900, 9_900)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    assert db.session.scalar(select(func.count()).select_from(Applicant)) == 0
    assert db.session.get(ImportBatch, batch.id).status == ImportStatus.UNDONE
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "import.undo")).actor_id == admin.id
    with capsys.disabled():
        print(
            f"\n10,000 rows on {db.engine.dialect.name}: dry run {check_seconds:.1f} s, "
            f"import {import_seconds:.1f} s, undo {undo_seconds:.1f} s"
        )
