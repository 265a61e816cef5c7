"""Business rules of the intern logbook: placement periods, entries, weekly submission and review,
totals, and the logbook the university receives (print and XLSX).

Authorisation has been decided by krs.access before (routes load records through its scoped
helpers); the functions here check the rules of the logbook itself (which week is editable, what
a placement may say) and write an audit row in the same transaction as the change.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, distinct, func, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import joinedload

from krs import access, audit
from krs.extensions import db
from krs.models import (
    Case,
    Placement,
    Role,
    User,
    WeekStatus,
    WorkCategory,
    WorkLogEntry,
    WorkWeek,
    utcnow,
    worklog_entry_case,
)
from krs.workdays import today_in

PLACEMENT_FIELDS = [
    "user_id",
    "unit_id",
    "university",
    "study_programme",
    "field_supervisor_id",
    "start_date",
    "end_date",
]
ENTRY_FIELDS = ["work_date", "minutes", "start_time", "end_time", "category", "description", "annotation"]
MAX_MINUTES_PER_ENTRY = 16 * 60


class WorklogError(Exception):
    """A rule of the logbook refused the change; the message is for the user."""


def week_start_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_days(week_start: date) -> list[date]:
    return [week_start + timedelta(days=i) for i in range(7)]


def today_for(user: User) -> date:
    return today_in(user.unit.timezone)


# ---------------------------------------------------------------- placement period


def placements_of(intern: User) -> list[Placement]:
    return list(
        db.session.scalars(
            select(Placement).where(Placement.user_id == intern.id).order_by(Placement.start_date)
        )
    )


def placement_on(intern: User, day: date) -> Placement | None:
    return db.session.scalars(
        select(Placement).where(
            Placement.user_id == intern.id, Placement.start_date <= day, Placement.end_date >= day
        )
    ).first()


@dataclass
class PlacementData:
    user_id: int
    university: str
    study_programme: str
    field_supervisor_id: int
    start_date: date
    end_date: date


def save_placement(actor: User, data: PlacementData, placement: Placement | None = None) -> Placement:
    """Create or change a placement; the field supervisor must be a supervisor of the intern's unit."""
    intern = db.session.execute(
        access.interns_visible_to(actor).where(User.id == data.user_id)
    ).scalar_one_or_none()
    if intern is None or not access.can_manage_placement(actor, intern):
        raise WorklogError(_("Pilih peserta magang dari unit Anda."))
    supervisor = db.session.get(User, data.field_supervisor_id)
    if (
        supervisor is None
        or supervisor.role != Role.SUPERVISOR
        or supervisor.unit_id != intern.unit_id
        or not supervisor.active
    ):
        raise WorklogError(_("Pembimbing lapangan harus supervisor aktif di unit peserta magang."))
    if data.end_date < data.start_date:
        raise WorklogError(_("Tanggal selesai tidak boleh sebelum tanggal mulai."))
    if (data.end_date - data.start_date).days > 366:
        raise WorklogError(
            _("Masa magang paling lama satu tahun; buat penempatan baru untuk periode berikutnya.")
        )
    overlap = select(Placement).where(
        Placement.user_id == intern.id,
        Placement.start_date <= data.end_date,
        Placement.end_date >= data.start_date,
    )
    if placement is not None:
        overlap = overlap.where(Placement.id != placement.id)
    if db.session.scalars(overlap).first() is not None:
        raise WorklogError(_("Periode ini bertumpang tindih dengan penempatan lain peserta magang ini."))

    before = audit.snapshot(placement, PLACEMENT_FIELDS) if placement is not None else None
    if placement is None:
        placement = Placement()
        db.session.add(placement)
    placement.user_id = intern.id
    placement.unit_id = intern.unit_id
    placement.university = data.university.strip()
    placement.study_programme = data.study_programme.strip()
    placement.field_supervisor_id = supervisor.id
    placement.start_date = data.start_date
    placement.end_date = data.end_date
    db.session.flush()
    action = "placement.create" if before is None else "placement.update"
    audit.record(
        actor, action, "placement", placement.id, before, audit.snapshot(placement, PLACEMENT_FIELDS)
    )
    db.session.commit()
    return placement


# ---------------------------------------------------------------- weeks and entries


def week_of(intern: User, week_start: date) -> WorkWeek | None:
    return db.session.scalars(
        select(WorkWeek).where(WorkWeek.user_id == intern.id, WorkWeek.week_start == week_start)
    ).first()


def week_is_locked(intern: User, day: date) -> bool:
    week = week_of(intern, week_start_of(day))
    return week is not None and week.locked


@dataclass
class EntryData:
    work_date: date
    category: str
    description: str
    minutes: int | None = None
    start_time: time | None = None
    end_time: time | None = None
    case_ids: list[int] = field(default_factory=list)
    annotation: str | None = None


def _minutes_of(data: EntryData) -> int:
    if data.start_time and data.end_time:
        start = data.start_time.hour * 60 + data.start_time.minute
        end = data.end_time.hour * 60 + data.end_time.minute
        if end <= start:
            raise WorklogError(_("Jam selesai harus setelah jam mulai."))
        spanned = end - start
        if data.minutes and data.minutes != spanned:
            raise WorklogError(
                _(
                    "Durasi %(m)s menit tidak cocok dengan jam mulai–selesai (%(s)s menit); "
                    "kosongkan salah satunya.",
                    m=data.minutes,
                    s=spanned,
                )
            )
        return spanned
    if data.start_time or data.end_time:
        raise WorklogError(_("Isi jam mulai dan jam selesai, atau kosongkan keduanya dan isi durasi."))
    if not data.minutes:
        raise WorklogError(_("Isi durasi (menit) atau jam mulai dan selesai."))
    return data.minutes


def _check_writable_day(intern: User, day: date) -> None:
    if day > today_for(intern):
        raise WorklogError(_("Tanggal kegiatan tidak boleh di masa depan."))
    placements = placements_of(intern)
    if placements and not any(p.covers(day) for p in placements):
        raise WorklogError(_("Tanggal kegiatan harus di dalam masa magang."))
    if week_is_locked(intern, day):
        raise WorklogError(
            _("Minggu ini sudah diajukan atau disetujui sehingga terkunci; entri tidak dapat diubah.")
        )


def _linked_cases(intern: User, case_ids: list[int]) -> list[Case]:
    if not case_ids:
        return []
    cases = list(db.session.scalars(access.cases_visible_to(intern).where(Case.id.in_(case_ids))))
    if len(cases) != len(set(case_ids)):
        raise WorklogError(_("Hanya kasus yang ditugaskan kepada Anda yang dapat dikaitkan."))
    return cases


def add_entry(actor: User, data: EntryData) -> WorkLogEntry:
    """The intern records a piece of work of one day (their own logbook)."""
    if category_problem(data.category):
        raise WorklogError(category_problem(data.category))
    _check_writable_day(actor, data.work_date)
    minutes = _minutes_of(data)
    if minutes > MAX_MINUTES_PER_ENTRY:
        raise WorklogError(_("Satu entri paling lama 16 jam."))
    entry = WorkLogEntry(
        user_id=actor.id,
        work_date=data.work_date,
        week_start=week_start_of(data.work_date),
        minutes=minutes,
        start_time=data.start_time,
        end_time=data.end_time,
        category=data.category,
        description=data.description.strip(),
        annotation=(data.annotation or "").strip() or None,
        cases=_linked_cases(actor, data.case_ids),
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(
        actor,
        "worklog.entry_create",
        "worklog_entry",
        entry.id,
        None,
        _entry_snapshot(entry),
    )
    db.session.commit()
    return entry


def update_entry(actor: User, entry: WorkLogEntry, data: EntryData) -> WorkLogEntry:
    """Change an entry while its week is open. An entry made from a follow-up keeps its date,
    description and case (they belong to the case's timeline); its minutes, category and
    annotation can be corrected."""
    if category_problem(data.category):
        raise WorklogError(category_problem(data.category))
    if week_is_locked(entry.intern, entry.work_date):
        raise WorklogError(
            _("Minggu ini sudah diajukan atau disetujui sehingga terkunci; entri tidak dapat diubah.")
        )
    before = _entry_snapshot(entry)
    if entry.is_generated:
        if not data.minutes and not (data.start_time and data.end_time):
            raise WorklogError(_("Isi durasi (menit) atau jam mulai dan selesai."))
        data.work_date = entry.work_date
        data.description = entry.description
    else:
        _check_writable_day(actor, data.work_date)
    minutes = _minutes_of(data)
    if minutes > MAX_MINUTES_PER_ENTRY:
        raise WorklogError(_("Satu entri paling lama 16 jam."))
    entry.work_date = data.work_date
    entry.week_start = week_start_of(data.work_date)
    entry.minutes = minutes
    entry.start_time = data.start_time
    entry.end_time = data.end_time
    entry.category = data.category
    entry.description = data.description.strip()
    entry.annotation = (data.annotation or "").strip() or None
    if not entry.is_generated:
        entry.cases = _linked_cases(actor, data.case_ids)
    db.session.flush()
    audit.record(
        actor,
        "worklog.entry_update",
        "worklog_entry",
        entry.id,
        before,
        _entry_snapshot(entry),
    )
    db.session.commit()
    return entry


def delete_entry(actor: User, entry: WorkLogEntry) -> None:
    if entry.is_generated:
        raise WorklogError(
            _(
                "Entri dari tindak lanjut kasus atau sosialisasi tidak dapat dihapus; "
                "ubah durasinya atau beri catatan."
            )
        )
    if week_is_locked(entry.intern, entry.work_date):
        raise WorklogError(
            _("Minggu ini sudah diajukan atau disetujui sehingga terkunci; entri tidak dapat diubah.")
        )
    before = _entry_snapshot(entry)
    audit.record(actor, "worklog.entry_delete", "worklog_entry", entry.id, before, None)
    db.session.delete(entry)
    db.session.commit()


def _entry_snapshot(entry: WorkLogEntry) -> dict:
    data = audit.snapshot(entry, ENTRY_FIELDS)
    for name in ("start_time", "end_time"):
        value = getattr(entry, name)
        data[name] = value.strftime("%H:%M") if value else None
    return {**data, "case_ids": [c.id for c in entry.cases]}


def category_problem(category: str) -> str | None:
    return None if WorkCategory.has(category) else _("Pilih kategori kegiatan.")


def submit_week(actor: User, week_start: date) -> WorkWeek:
    """The intern submits one week (Monday start) of their own logbook for review."""
    week_start = week_start_of(week_start)
    if week_start > today_for(actor):
        raise WorklogError(_("Minggu yang belum dimulai tidak dapat diajukan."))
    count = db.session.scalar(
        select(func.count()).where(WorkLogEntry.user_id == actor.id, WorkLogEntry.week_start == week_start)
    )
    if not count:
        raise WorklogError(_("Minggu ini belum berisi kegiatan; catat kegiatan dulu sebelum mengajukan."))
    empty = db.session.scalar(
        select(func.count()).where(
            WorkLogEntry.user_id == actor.id, WorkLogEntry.week_start == week_start, WorkLogEntry.minutes <= 0
        )
    )
    if empty:
        raise WorklogError(_("Ada entri tanpa durasi; isi durasinya sebelum mengajukan minggu ini."))
    week = week_of(actor, week_start)
    if week is not None and week.locked:
        raise WorklogError(_("Minggu ini sudah diajukan atau disetujui."))
    before = audit.snapshot(week, ["status", "comment"]) if week else None
    if week is None:
        week = WorkWeek(user_id=actor.id, week_start=week_start)
        db.session.add(week)
    week.status = WeekStatus.SUBMITTED
    week.submitted_at = utcnow()
    week.reviewed_by_id = None
    week.reviewed_at = None
    db.session.flush()
    audit.record(
        actor,
        "worklog.week_submit",
        "work_week",
        week.id,
        before,
        {"status": week.status, "week_start": week_start, "entries": count},
    )
    db.session.commit()
    return week


def approve_week(actor: User, week: WorkWeek) -> WorkWeek:
    if week.status != WeekStatus.SUBMITTED:
        raise WorklogError(_("Minggu ini tidak sedang menunggu pemeriksaan."))
    before = audit.snapshot(week, ["status", "comment"])
    week.status = WeekStatus.APPROVED
    week.comment = None
    week.reviewed_by_id = actor.id
    week.reviewed_at = utcnow()
    audit.record(actor, "worklog.week_approve", "work_week", week.id, before, {"status": week.status})
    db.session.commit()
    return week


def return_week(actor: User, week: WorkWeek, comment: str) -> WorkWeek:
    if week.status != WeekStatus.SUBMITTED:
        raise WorklogError(_("Minggu ini tidak sedang menunggu pemeriksaan."))
    if not (comment or "").strip():
        raise WorklogError(_("Tuliskan apa yang perlu diperbaiki agar peserta magang tahu."))
    before = audit.snapshot(week, ["status", "comment"])
    week.status = WeekStatus.RETURNED
    week.comment = comment.strip()
    week.reviewed_by_id = actor.id
    week.reviewed_at = utcnow()
    audit.record(
        actor,
        "worklog.week_return",
        "work_week",
        week.id,
        before,
        {"status": week.status, "comment": week.comment},
    )
    db.session.commit()
    return week


# ---------------------------------------------------------------- overlapping times


def _span(entry: WorkLogEntry) -> tuple[time, time] | None:
    return (entry.start_time, entry.end_time) if entry.start_time and entry.end_time else None


def overlapping_ids(entries: list[WorkLogEntry]) -> set[int]:
    """Entries whose times overlap another entry of the same intern on the same date (entries with
    a duration only have no times to compare). Saving them is allowed; they are flagged."""
    by_day: dict[tuple[int, date], list[WorkLogEntry]] = defaultdict(list)
    for e in entries:
        if _span(e):
            by_day[(e.user_id, e.work_date)].append(e)
    found: set[int] = set()
    for day in by_day.values():
        day.sort(key=lambda e: e.start_time)
        for i, a in enumerate(day):
            for b in day[i + 1 :]:
                if b.start_time >= a.end_time:
                    break
                found |= {a.id, b.id}
    return found


def overlaps_of(entry: WorkLogEntry) -> list[WorkLogEntry]:
    """Other entries of the same intern and date whose times overlap this one's."""
    if not _span(entry):
        return []
    others = db.session.scalars(
        select(WorkLogEntry).where(
            WorkLogEntry.user_id == entry.user_id,
            WorkLogEntry.work_date == entry.work_date,
            WorkLogEntry.id != entry.id,
            WorkLogEntry.start_time < entry.end_time,
            WorkLogEntry.end_time > entry.start_time,
        )
    )
    return list(others)


def overlap_warning(entry: WorkLogEntry) -> str | None:
    others = overlaps_of(entry)
    if not others:
        return None
    times = ", ".join(f"{o.start_time:%H:%M}–{o.end_time:%H:%M}" for o in others)
    return _(
        "Perhatian: jam kegiatan ini bertumpang tindih dengan entri lain pada tanggal yang sama "
        "(%(times)s). Entri tetap disimpan; periksa jamnya.",
        times=times,
    )


def overlaps_by_week(weeks: list[WorkWeek]) -> dict[int, int]:
    """Week id -> how many of its entries overlap another: one query for a whole review queue."""
    if not weeks:
        return {}
    entries = list(
        db.session.scalars(
            select(WorkLogEntry).where(
                WorkLogEntry.user_id.in_({w.user_id for w in weeks}),
                WorkLogEntry.week_start.in_({w.week_start for w in weeks}),
                WorkLogEntry.start_time.is_not(None),
                WorkLogEntry.end_time.is_not(None),
            )
        )
    )
    flagged = overlapping_ids(entries)
    counts: dict[tuple[int, date], int] = defaultdict(int)
    for e in entries:
        if e.id in flagged:
            counts[(e.user_id, e.week_start)] += 1
    return {w.id: counts.get((w.user_id, w.week_start), 0) for w in weeks}


# ---------------------------------------------------------------- reading


def entries_of_week(viewer: User, intern: User, week_start: date) -> list[WorkLogEntry]:
    stmt = (
        access.worklog_entries_visible_to(viewer)
        .where(WorkLogEntry.user_id == intern.id, WorkLogEntry.week_start == week_start)
        .order_by(WorkLogEntry.work_date, WorkLogEntry.start_time, WorkLogEntry.id)
    )
    return list(db.session.scalars(stmt))


def case_choices(intern: User) -> list[Case]:
    """Cases an intern may link an entry to: the ones assigned to them, newest first."""
    stmt = access.cases_visible_to(intern).order_by(Case.created_at.desc()).limit(200)
    return list(db.session.scalars(stmt))


def review_queue(viewer: User) -> list[WorkWeek]:
    """Submitted weeks the viewer may review, oldest first, with their hours."""
    if not access.can_review_logbook(viewer):
        return []
    stmt = (
        access.work_weeks_visible_to(viewer)
        .where(WorkWeek.status == WeekStatus.SUBMITTED)
        .options(joinedload(WorkWeek.intern))
        .order_by(WorkWeek.submitted_at, WorkWeek.id)
    )
    weeks = list(db.session.scalars(stmt))
    minutes = minutes_by_week([w.id for w in weeks])
    overlaps = overlaps_by_week(weeks)
    for w in weeks:
        w.total_minutes = minutes.get(w.id, 0)
        w.overlaps = overlaps.get(w.id, 0)
    return weeks


def minutes_by_week(week_ids: list[int]) -> dict[int, int]:
    if not week_ids:
        return {}
    rows = db.session.execute(
        select(WorkWeek.id, func.coalesce(func.sum(WorkLogEntry.minutes), 0))
        .join(
            WorkLogEntry,
            and_(WorkLogEntry.user_id == WorkWeek.user_id, WorkLogEntry.week_start == WorkWeek.week_start),
        )
        .where(WorkWeek.id.in_(week_ids))
        .group_by(WorkWeek.id)
    )
    return {wid: int(m) for wid, m in rows}


@dataclass
class WeekSummary:
    week_start: date
    minutes: int
    entries: int
    week: WorkWeek | None

    @property
    def status(self) -> str:
        return self.week.status if self.week else WeekStatus.DRAFT


@dataclass
class InternTotals:
    minutes: int = 0
    approved_minutes: int = 0
    by_category: dict = field(default_factory=dict)  # category -> minutes
    cases_touched: int = 0
    field_visits: int = 0
    weeks: list[WeekSummary] = field(default_factory=list)
    entries: int = 0


def intern_totals(
    viewer: User,
    intern: User,
    approved_only: bool = False,
    start: date | None = None,
    end: date | None = None,
) -> InternTotals:
    """Hours per week and per category, cases touched and field visits of one intern."""
    base = access.worklog_entries_visible_to(viewer).where(WorkLogEntry.user_id == intern.id)
    if start:
        base = base.where(WorkLogEntry.work_date >= start)
    if end:
        base = base.where(WorkLogEntry.work_date <= end)
    weeks = {
        w.week_start: w
        for w in db.session.scalars(access.work_weeks_visible_to(viewer).where(WorkWeek.user_id == intern.id))
    }
    if approved_only:
        approved = [ws for ws, w in weeks.items() if w.status == WeekStatus.APPROVED]
        base = base.where(WorkLogEntry.week_start.in_(approved))
    entries = base.subquery()
    totals = InternTotals()
    for ws, minutes, count in db.session.execute(
        select(entries.c.week_start, func.sum(entries.c.minutes), func.count())
        .group_by(entries.c.week_start)
        .order_by(entries.c.week_start.desc())
    ):
        week = weeks.get(ws)
        totals.weeks.append(WeekSummary(ws, int(minutes or 0), count, week))
        totals.minutes += int(minutes or 0)
        totals.entries += count
        if week is not None and week.status == WeekStatus.APPROVED:
            totals.approved_minutes += int(minutes or 0)
    for category, minutes, count in db.session.execute(
        select(entries.c.category, func.sum(entries.c.minutes), func.count()).group_by(entries.c.category)
    ):
        totals.by_category[category] = int(minutes or 0)
        if category == WorkCategory.FIELD_VISIT:
            totals.field_visits = count
    totals.cases_touched = (
        db.session.scalar(
            select(func.count(distinct(worklog_entry_case.c.case_id))).where(
                worklog_entry_case.c.entry_id.in_(select(entries.c.id))
            )
        )
        or 0
    )
    return totals


@dataclass
class LogbookFigures:
    """What the logbook page and the printed logbook both show, side by side and labelled: the
    figures of every entry and of the approved weeks only, over the same period."""

    start: date | None
    end: date | None
    all: InternTotals
    approved: InternTotals


def current_placement(intern: User) -> Placement | None:
    """The placement running today, else the latest one."""
    placements = placements_of(intern)
    today = today_for(intern)
    return next((p for p in placements if p.covers(today)), placements[-1] if placements else None)


def logbook_figures(viewer: User, intern: User, placement: Placement | None) -> LogbookFigures:
    start, end = (placement.start_date, placement.end_date) if placement else (None, None)
    return LogbookFigures(
        start,
        end,
        intern_totals(viewer, intern, start=start, end=end),
        intern_totals(viewer, intern, approved_only=True, start=start, end=end),
    )


@dataclass
class InternRow:
    intern: User
    placement: Placement | None
    minutes: int = 0
    approved_minutes: int = 0
    field_visits: int = 0
    cases_touched: int = 0
    submitted_weeks: int = 0
    by_category: dict = field(default_factory=dict)


def unit_totals(viewer: User, unit_id: int | None = None) -> list[InternRow]:
    """All interns of a unit (or every unit for the Direktorat) side by side; a fixed number of
    grouped queries however many interns there are."""
    interns_stmt = access.interns_visible_to(viewer).order_by(User.unit_id, User.full_name)
    if unit_id:
        interns_stmt = interns_stmt.where(User.unit_id == unit_id)
    interns = list(db.session.scalars(interns_stmt))
    if not interns:
        return []
    ids = [u.id for u in interns]
    rows = {u.id: InternRow(intern=u, placement=None) for u in interns}
    today = today_for(viewer)
    for p in db.session.scalars(
        select(Placement).where(Placement.user_id.in_(ids)).order_by(Placement.start_date)
    ):
        current = rows[p.user_id].placement
        if current is None or p.start_date <= today:
            rows[p.user_id].placement = p
    approved_join = and_(
        WorkWeek.user_id == WorkLogEntry.user_id,
        WorkWeek.week_start == WorkLogEntry.week_start,
        WorkWeek.status == WeekStatus.APPROVED,
    )
    for uid, category, minutes, count, approved in db.session.execute(
        select(
            WorkLogEntry.user_id,
            WorkLogEntry.category,
            func.sum(WorkLogEntry.minutes),
            func.count(WorkLogEntry.id),
            func.sum(sql_case((WorkWeek.id.is_not(None), WorkLogEntry.minutes), else_=0)),
        )
        .outerjoin(WorkWeek, approved_join)
        .where(WorkLogEntry.user_id.in_(ids))
        .group_by(WorkLogEntry.user_id, WorkLogEntry.category)
    ):
        row = rows[uid]
        row.minutes += int(minutes or 0)
        row.approved_minutes += int(approved or 0)
        row.by_category[category] = int(minutes or 0)
        if category == WorkCategory.FIELD_VISIT:
            row.field_visits = count
    for uid, n in db.session.execute(
        select(WorkLogEntry.user_id, func.count(distinct(worklog_entry_case.c.case_id)))
        .join(worklog_entry_case, worklog_entry_case.c.entry_id == WorkLogEntry.id)
        .where(WorkLogEntry.user_id.in_(ids))
        .group_by(WorkLogEntry.user_id)
    ):
        rows[uid].cases_touched = n
    for uid, n in db.session.execute(
        select(WorkWeek.user_id, func.count())
        .where(WorkWeek.user_id.in_(ids), WorkWeek.status == WeekStatus.SUBMITTED)
        .group_by(WorkWeek.user_id)
    ):
        rows[uid].submitted_weeks = n
    return list(rows.values())


# ---------------------------------------------------------------- the university's logbook


@dataclass
class PrintableLogbook:
    placement: Placement
    entries: list[WorkLogEntry]
    weeks: list[WorkWeek]  # approved weeks of the period, oldest first
    figures: LogbookFigures

    @property
    def totals(self) -> InternTotals:
        """The approved entries' figures: what the university's logbook counts."""
        return self.figures.approved


def printable_logbook(viewer: User, placement: Placement) -> PrintableLogbook:
    """Approved entries within the placement period, the approvals, and their totals."""
    weeks = list(
        db.session.scalars(
            access.work_weeks_visible_to(viewer)
            .where(
                WorkWeek.user_id == placement.user_id,
                WorkWeek.status == WeekStatus.APPROVED,
                WorkWeek.week_start <= placement.end_date,
                WorkWeek.week_start >= week_start_of(placement.start_date),
            )
            .options(joinedload(WorkWeek.reviewed_by))
            .order_by(WorkWeek.week_start)
        )
    )
    entries = list(
        db.session.scalars(
            access.worklog_entries_visible_to(viewer)
            .where(
                WorkLogEntry.user_id == placement.user_id,
                WorkLogEntry.week_start.in_([w.week_start for w in weeks]),
                WorkLogEntry.work_date >= placement.start_date,
                WorkLogEntry.work_date <= placement.end_date,
            )
            .order_by(WorkLogEntry.work_date, WorkLogEntry.start_time, WorkLogEntry.id)
        )
    )
    return PrintableLogbook(placement, entries, weeks, logbook_figures(viewer, placement.intern, placement))


def hours(minutes: int | None) -> str:
    """`7,5` — hours with one decimal, Indonesian decimal comma."""
    return f"{(minutes or 0) / 60:.1f}".replace(".", ",")


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def datetime_in(moment: datetime | None, tz: str) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_zone(tz))


def group_by_day(entries: list[WorkLogEntry]) -> dict[date, list[WorkLogEntry]]:
    days: dict[date, list[WorkLogEntry]] = defaultdict(list)
    for e in entries:
        days[e.work_date].append(e)
    return dict(days)
