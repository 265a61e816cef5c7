"""Construction accompaniment (issue 19 part 3): the rules of starting it, recording a stage visit,
the next visit's due date in working days, and the worklist of overdue visits.

Every change to a case is a timeline Event and an AuditLog row in one transaction, under the
case's optimistic lock (the form carries the case version it was rendered with). Authorisation
has been decided by krs.access before (`can_record_accompaniment`).

Rules of a stage visit (`visit_problems`, pinned by tests/unit/test_accompaniment.py):
- stages are visited in their order: a stage after the last one recorded (skipping one is
  allowed: a house can be found further on), never one already recorded or an earlier one;
- the visit date is not in the future, not before the start, not before the previous visit;
- progress is 0–100 %, never below the previous visit's, and the 100 % stage needs 100 %;
- every active checklist item is marked (sesuai / tidak sesuai anjuran / tidak terlihat).
The next stage's visit is due `due_working_days` working days (krs/workdays.py, the national
calendar with collective leave) after this visit; the first after the start. A visit of the 100 %
stage completes the accompaniment: nothing more is due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from krs import access, audit, case_events, signals
from krs.extensions import db
from krs.formats import in_both_languages
from krs.models import (
    BUILT_IN_SOURCE,
    OPEN_STATUSES,
    Accompaniment,
    AccompanimentCheck,
    AccompanimentCheckItem,
    AccompanimentPhoto,
    AccompanimentStage,
    AccompanimentVisit,
    Attachment,
    AttachmentKind,
    Case,
    CaseStatus,
    CheckMark,
    EventKind,
    User,
    utcnow,
)
from krs.workdays import add_working_days, working_days_between

WORK_KINDS = {"build": _l("Membangun baru"), "renovate": _l("Meningkatkan kualitas / renovasi")}

# The starting reference data (an admin changes it on /accompaniment/settings).
DEFAULT_STAGES = [
    # code, name, percent, due working days after the previous visit (or the start)
    ("tahap-0", "Tahap 0 % (persiapan, sebelum pondasi)", 0, 5),
    ("tahap-30", "Tahap 30 % (pondasi, sloof dan kolom)", 30, 20),
    ("tahap-50", "Tahap 50 % (dinding dan ring balok)", 50, 20),
    ("tahap-100", "Tahap 100 % (atap dan penyelesaian)", 100, 30),
]
_SOURCE = BUILT_IN_SOURCE
DEFAULT_ITEMS = [
    ("beton", "Campuran beton", "1 semen : 2 pasir : 3 kerikil, air secukupnya"),
    ("mortar", "Campuran adukan pasangan", "1 semen : 4 pasir"),
    ("pondasi", "Pondasi batu kali", "Lebar atas 30 cm, bawah 60 cm, tinggi 60 cm"),
    ("sloof", "Ukuran sloof", "15 × 20 cm"),
    ("kolom", "Ukuran kolom", "15 × 15 cm"),
    ("ring-balok", "Ukuran ring balok", "12 × 15 cm"),
    ("tulangan", "Tulangan utama", "Besi Ø10 mm, selimut beton 15 mm"),
    ("sengkang", "Begel / sengkang", "Besi Ø8 mm setiap 15 cm"),
    ("angkur", "Angkur dan sambungan", "Kolom terangkur ke sloof dan ring balok; angkur dinding ke kolom"),
    ("kuda-kuda", "Sambungan kuda-kuda", "Sambungan dengan pelat baja, kuda-kuda terikat ke ring balok"),
]


class AccompanimentError(Exception):
    """A rule refused the change; the message is for the user."""


class ConflictError(AccompanimentError):
    def __init__(self):
        super().__init__(
            _l(
                "Kasus ini baru saja diubah oleh pengguna lain. Perubahan Anda tidak disimpan; "
                "muat ulang halaman untuk melihat data terbaru lalu ulangi."
            )
        )


# ---------------------------------------------------------------- reference data


def ensure_defaults(commit: bool = True) -> None:
    """Install the starting stages and checklist when there are none (the migration installs
    them too; this serves a database emptied since: tests, demo, first use)."""
    changed = False
    if db.session.scalar(select(func.count(AccompanimentStage.id))) == 0:
        for i, (code, name, percent, days) in enumerate(DEFAULT_STAGES, start=1):
            db.session.add(
                AccompanimentStage(code=code, name=name, position=i, percent=percent, due_working_days=days)
            )
        changed = True
    if db.session.scalar(select(func.count(AccompanimentCheckItem.id))) == 0:
        for i, (code, name, advice) in enumerate(DEFAULT_ITEMS, start=1):
            db.session.add(
                AccompanimentCheckItem(code=code, name=name, advice=advice, source=_SOURCE, position=i)
            )
        changed = True
    if changed:
        db.session.commit() if commit else db.session.flush()


def stages(active_only: bool = True) -> list[AccompanimentStage]:
    stmt = select(AccompanimentStage).order_by(AccompanimentStage.position, AccompanimentStage.id)
    if active_only:
        stmt = stmt.where(AccompanimentStage.active.is_(True))
    return list(db.session.scalars(stmt))


def check_items(active_only: bool = True) -> list[AccompanimentCheckItem]:
    stmt = select(AccompanimentCheckItem).order_by(AccompanimentCheckItem.position, AccompanimentCheckItem.id)
    if active_only:
        stmt = stmt.where(AccompanimentCheckItem.active.is_(True))
    return list(db.session.scalars(stmt))


STAGE_FIELDS = ["code", "name", "position", "percent", "due_working_days", "description", "active"]
ITEM_FIELDS = ["code", "name", "advice", "source", "position", "active"]


def save_reference(actor: User, row, data: dict, kind: str):
    """Save a stage (`kind` "stage") or a checklist item ("item"), audited."""
    model, fields = (
        (AccompanimentStage, STAGE_FIELDS) if kind == "stage" else (AccompanimentCheckItem, ITEM_FIELDS)
    )
    code = (data.get("code") or "").strip().lower()
    clash = db.session.scalar(select(model.id).where(model.code == code))
    if clash is not None and (row is None or clash != row.id):
        raise AccompanimentError(_l("Kode %(code)s sudah dipakai.", code=code))
    if kind == "stage" and not 0 <= int(data.get("percent") or 0) <= 100:
        raise AccompanimentError(_l("Persentase tahap harus 0 sampai 100."))
    before = audit.snapshot(row, fields) if row is not None else None
    if row is None:
        row = model()
        db.session.add(row)
    for name in fields:
        value = data.get(name)
        if isinstance(value, str):
            value = value.strip()
        setattr(row, name, code if name == "code" else value if value is not None else "")
    db.session.flush()
    audit.record(
        actor,
        f"accompaniment_{kind}.{'create' if before is None else 'update'}",
        f"accompaniment_{kind}",
        row.id,
        before,
        audit.snapshot(row, fields),
    )
    db.session.commit()
    return row


# ---------------------------------------------------------------- reading


def accompaniment_of(case: Case) -> Accompaniment | None:
    return db.session.scalars(
        select(Accompaniment)
        .where(Accompaniment.case_id == case.id)
        .options(joinedload(Accompaniment.current_stage))
    ).first()


def visits_of(acc: Accompaniment) -> list[AccompanimentVisit]:
    stmt = (
        select(AccompanimentVisit)
        .where(AccompanimentVisit.accompaniment_id == acc.id)
        .options(joinedload(AccompanimentVisit.officer))
        .join(AccompanimentStage, AccompanimentVisit.stage_id == AccompanimentStage.id)
        .order_by(AccompanimentStage.position, AccompanimentVisit.visit_date)
    )
    return list(db.session.scalars(stmt).unique())


def next_stage(
    recorded: list[AccompanimentStage], all_stages: list[AccompanimentStage]
) -> AccompanimentStage | None:
    """The first active stage after the last one recorded (the first stage when none is)."""
    last = max((s.position for s in recorded), default=None)
    for stage in all_stages:
        if last is None or stage.position > last:
            return stage
    return None


def stages_open_to_record(
    recorded: list[AccompanimentStage], all_stages: list[AccompanimentStage]
) -> list[AccompanimentStage]:
    """The stages a visit may be recorded for now: every active stage after the last one recorded."""
    last = max((s.position for s in recorded), default=None)
    return [s for s in all_stages if last is None or s.position > last]


def is_overdue(acc: Accompaniment, today: date) -> bool:
    return acc.completed_on is None and acc.next_visit_due is not None and acc.next_visit_due < today


def working_days_late(acc: Accompaniment, today: date) -> int:
    """Working days since the next visit fell due (0 when it is not overdue)."""
    if not is_overdue(acc, today):
        return 0
    return working_days_between(acc.next_visit_due, today)


def due_after(visit_date: date, stage: AccompanimentStage | None) -> date | None:
    """When the visit of `stage` falls due, counted from the previous visit (or the start)."""
    if stage is None:
        return None
    return add_working_days(visit_date, stage.due_working_days)


def checklist_summary(checks) -> dict[str, int]:
    """How many items of a visit (or of any checks) got each mark, every mark present."""
    summary = {m.value: 0 for m in CheckMark}
    for check in checks:
        if check.mark in summary:
            summary[check.mark] += 1
    return summary


@dataclass
class OverdueRow:
    accompaniment: Accompaniment
    case: Case
    stage: AccompanimentStage | None  # the stage whose visit is due
    days_late: int


def overdue_visits(user: User, today: date, limit: int = 10) -> list[OverdueRow]:
    """Accompaniments of open cases in the user's scope whose next stage visit is past due, the
    longest waiting first; staff and interns see the cases assigned to them (their worklist)."""
    stmt = (
        access.accompaniments_visible_to(user)
        .where(
            Accompaniment.completed_on.is_(None),
            Accompaniment.next_visit_due < today,
            Case.status.in_(OPEN_STATUSES),
        )
        .options(
            joinedload(Accompaniment.case).joinedload(Case.applicant),
            joinedload(Accompaniment.current_stage),
        )
        .order_by(Accompaniment.next_visit_due, Accompaniment.id)
        .limit(limit)
    )
    if access.works_own_cases(user):
        stmt = stmt.where(Case.assignee_id == user.id)
    rows = list(db.session.scalars(stmt).unique())
    all_stages = stages()
    out = []
    for acc in rows:
        recorded = [acc.current_stage] if acc.current_stage else []
        out.append(OverdueRow(acc, acc.case, next_stage(recorded, all_stages), working_days_late(acc, today)))
    return out


# ---------------------------------------------------------------- changes


def _check_version(case: Case, expected_version: int | None) -> None:
    if case_events.is_stale(case, expected_version):
        raise ConflictError()


def _check_open(case: Case) -> None:
    if case.status not in OPEN_STATUSES or case.status == CaseStatus.CLOSURE_REQUESTED:
        raise AccompanimentError(_l("Pendampingan hanya dapat dicatat pada kasus yang sedang berjalan."))


ACC_FIELDS = [
    "work_kind",
    "started_on",
    "current_stage_id",
    "progress_percent",
    "next_visit_due",
    "completed_on",
]


def start_accompaniment(
    actor: User, case: Case, started_on: date, work_kind: str, today: date, expected_version: int | None
) -> Accompaniment:
    _check_version(case, expected_version)
    _check_open(case)
    if work_kind not in WORK_KINDS:
        raise AccompanimentError(_l("Pilih jenis pekerjaan."))
    if started_on > today:
        raise AccompanimentError(_l("Tanggal mulai tidak boleh di masa depan."))
    if accompaniment_of(case) is not None:
        raise AccompanimentError(_l("Pendampingan kasus ini sudah dimulai."))
    ensure_defaults(commit=False)
    first = next_stage([], stages())
    acc = Accompaniment(
        case_id=case.id,
        unit_id=case.unit_id,
        work_kind=work_kind,
        started_on=started_on,
        started_by_id=actor.id,
        next_visit_due=due_after(started_on, first),
    )
    db.session.add(acc)
    case_events.bump_version(case)  # the case changed
    body, body_en = in_both_languages(
        _l("Pendampingan pembangunan dimulai (%(kind)s).", kind=WORK_KINDS[work_kind])
    )
    case_events.add_event(
        actor,
        case,
        EventKind.NOTE,
        body=body,
        next_action_date=acc.next_visit_due,
        data={"accompaniment": "started", "body_en": body_en},
    )
    with case_events.commit_or_conflict(ConflictError):
        audit.record(
            actor,
            "accompaniment.start",
            "accompaniment",
            acc.id,
            None,
            {**audit.snapshot(acc, ACC_FIELDS), "case_id": case.id, "case_version": case.version},
        )
    return acc


@dataclass
class VisitData:
    stage: AccompanimentStage
    visit_date: date
    officer: User
    progress_percent: int
    advice: str
    marks: dict[int, str]  # checklist item id -> CheckMark value
    photos: list = field(default_factory=list)  # krs.uploads.StoredFile


def visit_problems(
    acc: Accompaniment,
    recorded: list[AccompanimentVisit],
    data: VisitData,
    items: list[AccompanimentCheckItem],
    today: date,
) -> list[str]:
    """Why a stage visit cannot be recorded (empty: it can)."""
    problems = []
    if not data.stage.active:
        problems.append(str(_l("Tahap ini tidak aktif lagi.")))
    done = [v.stage for v in recorded]
    if any(s.id == data.stage.id for s in done):
        problems.append(str(_l("Kunjungan tahap ini sudah tercatat.")))
    elif done and data.stage.position < max(s.position for s in done):
        problems.append(str(_l("Tahap dicatat berurutan: tahap ini sebelum tahap yang sudah tercatat.")))
    if data.visit_date > today:
        problems.append(str(_l("Tanggal kunjungan tidak boleh di masa depan.")))
    if data.visit_date < acc.started_on:
        problems.append(str(_l("Tanggal kunjungan tidak boleh sebelum pendampingan dimulai.")))
    last = max(recorded, key=lambda v: v.visit_date, default=None)
    if last is not None and data.visit_date < last.visit_date:
        problems.append(str(_l("Tanggal kunjungan tidak boleh sebelum kunjungan tahap sebelumnya.")))
    if not 0 <= data.progress_percent <= 100:
        problems.append(str(_l("Progres harus 0 sampai 100 %.")))
    previous = max((v.progress_percent for v in recorded), default=0)
    if data.progress_percent < previous:
        problems.append(
            str(_l("Progres tidak boleh turun dari kunjungan sebelumnya (%(p)s %%).", p=previous))
        )
    if data.stage.percent >= 100 and data.progress_percent < 100:
        problems.append(str(_l("Tahap akhir (100 %) dicatat saat pembangunan selesai (progres 100 %).")))
    missing = [i.name for i in items if data.marks.get(i.id) not in CheckMark._value2member_map_]
    if missing:
        problems.append(str(_l("Tandai semua butir daftar periksa: %(items)s.", items=", ".join(missing))))
    return problems


VISIT_FIELDS = ["stage_id", "visit_date", "officer_id", "progress_percent", "advice", "next_visit_due"]


def record_visit(
    actor: User, acc: Accompaniment, data: VisitData, today: date, expected_version: int | None
) -> AccompanimentVisit:
    """A stage visit with its checklist and photos, the accompaniment's current stage and next due
    date, a field-visit Event on the case timeline and an AuditLog row, in one transaction."""
    case = acc.case
    _check_version(case, expected_version)
    _check_open(case)
    items = check_items()
    recorded = visits_of(acc)
    problems = visit_problems(acc, recorded, data, items, today)
    if problems:
        raise AccompanimentError(" ".join(problems))
    before = audit.snapshot(acc, ACC_FIELDS)
    complete = data.stage.percent >= 100
    following = None if complete else next_stage([data.stage], stages())
    due = None if complete else due_after(data.visit_date, following)
    visit = AccompanimentVisit(
        accompaniment_id=acc.id,
        stage_id=data.stage.id,
        visit_date=data.visit_date,
        officer_id=data.officer.id,
        progress_percent=data.progress_percent,
        advice=(data.advice or "").strip(),
        next_visit_due=due,
        created_by_id=actor.id,
    )
    db.session.add(visit)
    summary = checklist_summary([AccompanimentCheck(mark=data.marks[i.id]) for i in items])
    body, body_en = in_both_languages(
        _l(
            "Kunjungan pendampingan %(stage)s: progres %(p)s %%; daftar periksa %(ok)s sesuai, "
            "%(bad)s tidak sesuai anjuran, %(unseen)s tidak terlihat.",
            stage=data.stage.name,
            p=data.progress_percent,
            ok=summary[CheckMark.AS_ADVISED],
            bad=summary[CheckMark.NOT_AS_ADVISED],
            unseen=summary[CheckMark.NOT_VISIBLE],
        ),
        _l("Saran: %(advice)s", advice=visit.advice) if visit.advice else None,
    )
    event = case_events.add_event(
        actor,
        case,
        EventKind.FIELD_VISIT,
        body=body,
        next_action_date=due,
        data={"accompaniment": "visit", "stage": data.stage.code, "body_en": body_en},
    )
    for item in items:
        visit.checks.append(AccompanimentCheck(item_id=item.id, mark=data.marks[item.id]))
    for stored in data.photos:
        attachment = Attachment(
            case_id=case.id,
            event=event,
            original_name=stored.original_name,
            stored_name=stored.stored_name,
            content_type=stored.content_type,
            size_bytes=stored.size_bytes,
            uploaded_by_id=actor.id,
            kind=AttachmentKind.HOUSE,
        )
        db.session.add(attachment)
        visit.photos.append(AccompanimentPhoto(attachment=attachment))
    acc.current_stage_id = data.stage.id
    acc.progress_percent = data.progress_percent
    acc.next_visit_due = due
    acc.completed_on = data.visit_date if complete else None
    if case.first_response_at is None:
        case.first_response_at = utcnow()
    if case.status in (CaseStatus.NEW, CaseStatus.ASSIGNED):
        case.status = CaseStatus.IN_PROGRESS  # a field visit is a follow-up
    else:
        case_events.bump_version(case)
    with case_events.commit_or_conflict(ConflictError):
        visit.event_id = event.id
        signals.follow_up_recorded.send(actor, event=event)  # an intern's visit goes into their logbook
        audit.record(
            actor,
            "accompaniment.visit",
            "accompaniment",
            acc.id,
            before,
            {
                **audit.snapshot(acc, ACC_FIELDS),
                "visit": {**audit.snapshot(visit, VISIT_FIELDS), "id": visit.id},
                "marks": {str(k): v for k, v in data.marks.items()},
                "case_id": case.id,
                "event_id": event.id,
                "case_version": case.version,
            },
        )
    return visit
