"""Correcting applicants (issue 14): an edit with a reason, a returning applicant's new data, and
merging two records of one person in an office (reversible by an admin).

Shared by the case desk (krs.cases: intake, the case page) and the applicant pages
(krs.applicants). Authorisation is krs.access's answer, asked by the callers before. Each change
writes a timeline event on the applicant's cases and one audit row with the changed fields only
(before/after), in one transaction; an edit carries the record's version and a stale one is
refused (RecordConflict), never silently written over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz, process
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from krs import audit
from krs.extensions import db
from krs.models import (
    Applicant,
    ApplicantKind,
    ApplicantMerge,
    Case,
    Event,
    EventKind,
    User,
    utcnow,
)

# The fields of an individual applicant that intake records (krs.intake uses this one list).
APPLICANT_FIELDS = [
    "name",
    "phone",
    "gender",
    "birth_date",
    "address",
    "province_code",
    "regency_code",
    "district_code",
    "village_code",
    "occupation",
    "monthly_income",
    "household_size",
]
# Every field of an individual applicant a desk may correct (the NIK too: typos happen).
EDITABLE_FIELDS = ["nik", *APPLICANT_FIELDS]
# What a returning applicant may tell anew at intake: the NIK is how they were found, and a name
# written differently at the desk ("Siti A.") is an abbreviation far more often than a new name
# (a real change of name is a correction on the applicant's page).
RETURNING_FIELDS = [f for f in EDITABLE_FIELDS if f not in ("nik", "birth_date", "name")]

FIELD_LABELS = {
    "nik": _l("NIK"),
    "name": _l("Nama"),
    "phone": _l("HP/WA"),
    "gender": _l("Jenis kelamin"),
    "birth_date": _l("Tanggal lahir"),
    "address": _l("Alamat"),
    "province_code": _l("Provinsi"),
    "regency_code": _l("Kabupaten/kota"),
    "district_code": _l("Kecamatan"),
    "village_code": _l("Desa/kelurahan"),
    "occupation": _l("Pekerjaan"),
    "monthly_income": _l("Penghasilan/bulan"),
    "household_size": _l("Anggota rumah tangga"),
}


class RecordError(Exception):
    """A rule refused the correction; the message is for the user."""


class RecordConflict(RecordError):
    """The applicant changed since the form was opened."""

    def __init__(self):
        super().__init__(
            _l(
                "Data pemohon ini baru saja diubah oleh pengguna lain. Perubahan Anda tidak disimpan; "
                "muat ulang halaman untuk melihat data terbaru lalu ulangi."
            )
        )


def office_of(applicant: Applicant) -> int:
    """The office an applicant record belongs to (applicants are held per office)."""
    return applicant.created_by_unit_id


def same_value(old, new) -> bool:
    """Whether a typed value equals the stored one (blank is None; 36.5 == Decimal('36.50'))."""
    old = None if old == "" else old
    new = None if new == "" else new
    if old is None or new is None:
        return old is None and new is None
    if isinstance(old, int | float | Decimal) and isinstance(new, int | float | Decimal):
        return Decimal(str(old)) == Decimal(str(new))
    if isinstance(old, list | tuple) and isinstance(new, list | tuple):
        return sorted(map(str, old)) == sorted(map(str, new))
    return str(old) == str(new)


def changed_fields(obj, data: dict, names: list[str]) -> tuple[dict, dict]:
    """(before, after) of the fields in `names` whose value in `data` differs from `obj`'s."""
    before, after = {}, {}
    for name in names:
        if name not in data:
            continue
        if not same_value(getattr(obj, name), data[name]):
            before[name] = getattr(obj, name)
            after[name] = data[name]
    return before, after


def _bump_version(applicant: Applicant, expected_version: int | None) -> None:
    """Take the edit lock: the version moves on only if it is still the one the form was shown."""
    expected = applicant.version if expected_version is None else int(expected_version)
    result = db.session.execute(
        update(Applicant)
        .where(Applicant.id == applicant.id, Applicant.version == expected)
        .values(version=expected + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise RecordConflict()
    applicant.version = expected + 1


def _check_nik_free(applicant: Applicant, nik: str | None) -> None:
    if not nik:
        return
    other = db.session.execute(
        select(Applicant.id).where(Applicant.nik == nik, Applicant.id != applicant.id)
    ).first()
    if other is not None:
        raise RecordError(
            _l(
                "NIK ini sudah dipakai data pemohon lain. Bila orangnya sama, gabungkan kedua data "
                "pemohon (menu Gabungkan pemohon)."
            )
        )


def _events(actor: User, cases, kind: str, body: str, data: dict) -> None:
    for case in cases:
        db.session.add(Event(case_id=case.id, kind=kind, author_id=actor.id, body=body, data=data))


def edit_applicant(
    actor: User,
    applicant: Applicant,
    data: dict,
    reason: str,
    expected_version: int | None,
    *,
    action: str = "applicant.edit",
    event_cases=None,
    commit: bool = True,
) -> dict:
    """Correct an applicant: the changed fields only, audited with the reason; a stale version is a
    conflict. `event_cases` get the timeline event (default: every case of the applicant).
    Returns the fields that changed (name → new value)."""
    reason = (reason or "").strip()
    if not reason:
        raise RecordError(_l("Tuliskan alasan perubahan."))
    if applicant.merged_into_id is not None:
        raise RecordError(_l("Data pemohon ini sudah digabung ke data lain; ubah data tujuan penggabungan."))
    before, after = changed_fields(applicant, data, EDITABLE_FIELDS)
    if not after:
        raise RecordError(_l("Tidak ada data yang berubah."))
    if "nik" in after:
        _check_nik_free(applicant, after["nik"])
    try:
        _bump_version(applicant, expected_version)
        for name, value in after.items():
            setattr(applicant, name, value)
        cases = list(applicant.cases) if event_cases is None else list(event_cases)
        _events(actor, cases, EventKind.APPLICANT_EDITED, reason, {"fields": list(after)})
        audit.record(actor, action, "applicant", applicant.id, before, {**after, "reason": reason})
        db.session.flush()
        if commit:
            db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise RecordConflict() from exc
    return after


# ---------------------------------------------------------------- a returning applicant


def returning_changes(applicant: Applicant, data: dict) -> list[tuple[str, object, object]]:
    """What a returning applicant tells differently from the record: (field, recorded, new), for
    the desk to confirm. Blank answers change nothing, and blank recorded fields are simply filled
    in at intake (nothing is lost there)."""
    changes = []
    for name in RETURNING_FIELDS:
        new = data.get(name)
        old = getattr(applicant, name)
        if new in (None, "") or old in (None, ""):
            continue
        if not same_value(old, new):
            changes.append((name, old, new))
    return changes


# ---------------------------------------------------------------- merging two records

TITLES = {
    "bapak", "bpk", "pak", "ibu", "bu", "ny", "nyonya", "tn", "tuan", "sdr", "sdri", "saudara",
    "saudari", "h", "hj", "haji", "hajah", "hajjah", "alm", "almh", "almarhum", "almarhumah",
}  # fmt: skip
NAME_SCORE_CUTOFF = 85


def normalise_name(name: str | None) -> str:
    """A name for comparison: lowercase, no punctuation, no titles (Bapak, Ibu, H., Hj., ...)."""
    words = re.sub(r"[^a-z0-9 ]+", " ", (name or "").lower()).split()
    return " ".join(w for w in words if w not in TITLES)


def _nik_keys(nik: str) -> list[str]:
    """The NIK with each digit in turn blanked: two NIKs one typo apart share a key."""
    return [nik[:i] + "_" + nik[i + 1 :] for i in range(len(nik))]


@dataclass
class Candidate:
    first: Applicant
    second: Applicant
    score: int  # name similarity 0-100
    by_nik: bool  # the same NIK, or one digit apart


def office_applicants(office_id: int) -> list[Applicant]:
    stmt = (
        select(Applicant)
        .where(
            Applicant.created_by_unit_id == office_id,
            Applicant.kind == ApplicantKind.INDIVIDUAL,
            Applicant.merged_into_id.is_(None),
        )
        .order_by(Applicant.id)
    )
    return list(db.session.scalars(stmt))


def merge_candidates(office_id: int, applicant: Applicant | None = None, limit: int = 100) -> list[Candidate]:
    """Pairs of an office's individual applicants that may be one person: the same NIK (or one
    digit apart) or names alike (`token_sort_ratio` ≥ 85 on names without titles). Only
    suggestions: nothing is merged without the desk choosing. With `applicant`, its pairs only."""
    people = office_applicants(office_id)
    if len(people) < 2:
        return []
    names = [normalise_name(p.name) for p in people]
    pairs: dict[tuple[int, int], Candidate] = {}

    def add(i: int, j: int, score: int, by_nik: bool) -> None:
        if i == j:
            return
        i, j = min(i, j), max(i, j)
        found = pairs.get((i, j))
        if found is None:
            pairs[(i, j)] = Candidate(people[i], people[j], score, by_nik)
        else:
            found.by_nik = found.by_nik or by_nik
            found.score = max(found.score, score)

    rows = range(len(people))
    if applicant is not None:
        rows = [i for i, p in enumerate(people) if p.id == applicant.id]
    for i in rows:
        if not names[i]:
            continue
        # one C loop per record (no numpy needed): every other name scoring at least the cutoff
        for _choice, score, j in process.extract(
            names[i], names, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_SCORE_CUTOFF, limit=None
        ):
            if applicant is not None or j > i:
                add(i, j, int(score), False)
    by_key: dict[str, list[int]] = {}
    for i, p in enumerate(people):
        if p.nik:
            for key in _nik_keys(p.nik):
                by_key.setdefault(key, []).append(i)
    wanted = set(rows)
    for members in by_key.values():
        for a in members:
            for b in members:
                if a < b and (a in wanted or b in wanted):
                    add(a, b, int(fuzz.token_sort_ratio(names[a], names[b])), True)
    ranked = sorted(pairs.values(), key=lambda c: (not c.by_nik, -c.score, c.first.id))
    return ranked[:limit]


def _restore(value, name: str):
    if name == "birth_date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def merge_applicants(
    actor: User,
    survivor: Applicant,
    merged: Applicant,
    chosen: dict,
    reason: str,
    versions: tuple[int | None, int | None] = (None, None),
) -> ApplicantMerge:
    """Make two records of one person in an office one: `survivor` takes the values the desk chose
    (`chosen`, field → value), the other's cases move to it with their whole history, and the other
    record is kept, marked as merged into the survivor. Audited, and reversible (`unmerge`)."""
    reason = (reason or "").strip()
    if not reason:
        raise RecordError(_l("Tuliskan alasan penggabungan."))
    if survivor.id == merged.id:
        raise RecordError(_l("Pilih dua data pemohon yang berbeda."))
    if survivor.kind != ApplicantKind.INDIVIDUAL or merged.kind != ApplicantKind.INDIVIDUAL:
        raise RecordError(_l("Hanya data pemohon perorangan yang dapat digabung."))
    if office_of(survivor) != office_of(merged):
        raise RecordError(_l("Hanya data pemohon dari kantor yang sama yang dapat digabung."))
    if survivor.merged_into_id is not None or merged.merged_into_id is not None:
        raise RecordError(_l("Salah satu data pemohon ini sudah digabung."))
    values = {name: chosen[name] for name in EDITABLE_FIELDS if name in chosen}
    survivor_before = audit.snapshot(survivor, EDITABLE_FIELDS)
    merged_before = audit.snapshot(merged, EDITABLE_FIELDS)
    try:
        _bump_version(survivor, versions[0])
        _bump_version(merged, versions[1])
        if values.get("nik") and values["nik"] == merged.nik:
            merged.nik = None  # the NIK moves to the surviving record (NIKs are unique)
            db.session.flush()
        for name, value in values.items():
            setattr(survivor, name, value)
        moved = list(merged.cases)
        for case in moved:
            case.applicant = survivor  # bumps each case's version: a concurrent edit conflicts
        merged.merged_into_id = survivor.id
        db.session.flush()
        row = ApplicantMerge(
            survivor_id=survivor.id,
            merged_id=merged.id,
            reason=reason,
            survivor_before=survivor_before,
            merged_before=merged_before,
            survivor_after=audit.snapshot(survivor, EDITABLE_FIELDS),
            moved_case_ids=[c.id for c in moved],
            merged_by_id=actor.id,
        )
        db.session.add(row)
        db.session.flush()
        data = {"merge_id": row.id, "from": merged.id, "into": survivor.id}
        _events(actor, list(survivor.cases), EventKind.APPLICANT_MERGED, reason, data)
        audit.record(
            actor,
            "applicant.merge",
            "applicant",
            survivor.id,
            {"survivor": survivor_before, "merged": {"id": merged.id, **merged_before}},
            {
                "survivor": row.survivor_after,
                "merged_into_id": survivor.id,
                "moved_case_ids": row.moved_case_ids,
                "merge_id": row.id,
                "reason": reason,
            },
        )
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise RecordConflict() from exc
    return row


def unmerge(actor: User, row: ApplicantMerge, reason: str) -> ApplicantMerge:
    """Undo a merge (an admin's call): the cases that moved go back, the kept record is active again
    with its own values, and the survivor gets back each value the merge gave it unless it has been
    corrected since (a later correction is kept)."""
    reason = (reason or "").strip()
    if not reason:
        raise RecordError(_l("Tuliskan alasan pembatalan penggabungan."))
    if row.unmerged_at is not None:
        raise RecordError(_l("Penggabungan ini sudah dibatalkan."))
    survivor, merged = row.survivor, row.merged
    current = audit.snapshot(survivor, EDITABLE_FIELDS)
    restored = {
        name: row.survivor_before.get(name)
        for name in EDITABLE_FIELDS
        if current.get(name) == row.survivor_after.get(name)
        and row.survivor_before.get(name) != row.survivor_after.get(name)
    }
    try:
        for name, value in restored.items():
            setattr(survivor, name, _restore(value, name))
        survivor.version += 1
        db.session.flush()  # frees the NIK the survivor took over, if it goes back
        for name in EDITABLE_FIELDS:
            setattr(merged, name, _restore(row.merged_before.get(name), name))
        merged.merged_into_id = None
        merged.version += 1
        moved_back = []
        for case in db.session.scalars(select(Case).where(Case.id.in_(row.moved_case_ids or []))):
            if case.applicant_id == survivor.id:
                case.applicant = merged
                moved_back.append(case)
        row.unmerged_at = utcnow()
        row.unmerged_by_id = actor.id
        db.session.flush()
        data = {"merge_id": row.id, "from": survivor.id, "into": merged.id}
        _events(
            actor,
            {c.id: c for c in [*survivor.cases, *merged.cases]}.values(),
            EventKind.APPLICANT_UNMERGED,
            reason,
            data,
        )
        audit.record(
            actor,
            "applicant.unmerge",
            "applicant",
            survivor.id,
            {"survivor": current, "merge_id": row.id},
            {
                "survivor": audit.snapshot(survivor, EDITABLE_FIELDS),
                "restored_applicant_id": merged.id,
                "moved_back_case_ids": [c.id for c in moved_back],
                "reason": reason,
            },
        )
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise RecordConflict() from exc
    return row


def merges_of(applicant: Applicant) -> list[ApplicantMerge]:
    stmt = (
        select(ApplicantMerge)
        .where((ApplicantMerge.survivor_id == applicant.id) | (ApplicantMerge.merged_id == applicant.id))
        .order_by(ApplicantMerge.merged_at.desc())
    )
    return list(db.session.scalars(stmt))
