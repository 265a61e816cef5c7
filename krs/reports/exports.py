"""CSV and XLSX files: case lists (streamed; memory does not grow with rows) and the evaluation."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from werkzeug.datastructures import MultiDict

from krs import access, case_lists, jobs
from krs.export_writer import DATE_FORMAT, XlsxBook, XlsxStream, csv_chunks
from krs.extensions import db
from krs.ikm import ELEMENTS
from krs.models import (
    Applicant,
    Case,
    CaseService,
    CaseStatus,
    Channel,
    ExportJob,
    Outcome,
    Role,
    ServiceType,
    Unit,
    User,
)
from krs.regions import name_of
from krs.reports import accompaniment, assessments, designs
from krs.reports import rab as rab_reports
from krs.reports.service import Report, TargetView, ikm_profile, ranking
from krs.service_levels import sla_state_of
from krs.workdays import local_date, today_in

BATCH = 500


def case_columns() -> list[str]:
    return [
        _("No. kasus"),
        _("Unit"),
        _("Tanggal masuk"),
        _("Pemohon"),
        _("NIK"),
        _("HP/WA"),
        _("Kanal"),
        _("Layanan"),
        _("Status"),
        _("Petugas"),
        _("Batas respons pertama"),
        _("Batas penyelesaian"),
        _("Status batas waktu"),
        _("Hasil"),
        _("Tanggal ditutup"),
        *region_columns(),
    ]


def region_columns() -> list[str]:
    """The applicant's region, name and Kemendagri code of each level (issue 16: Excel users
    filter and pivot on them)."""
    return [
        _("Provinsi"),
        _("Kode provinsi"),
        _("Kabupaten/kota"),
        _("Kode kabupaten/kota"),
        _("Kecamatan"),
        _("Kode kecamatan"),
        _("Desa/kelurahan"),
        _("Kode desa/kelurahan"),
    ]


# XLSX of the case list: widths per column, dates shown DD/MM/YYYY (real dates, not text)
CASE_WIDTHS = (22, 24, 12, 28, 19, 16, 16, 34, 18, 22, 12, 12, 18, 26, 12, 20, 9, 22, 11, 20, 11, 22, 15)
CASE_DATE_COLUMNS = (2, 10, 11, 14)


class _LocalDates:
    """`local_date(moment, tz)` for a long run of rows: the zone's UTC offset looked up once per
    zone and UTC day (when it is the same at both ends of that day, it holds all day; otherwise —
    a zone's clock change that day — each moment of it is converted on its own). Issue 17: the
    conversion was a fifth of a 100k-row export."""

    def __init__(self):
        self.offsets: dict[tuple, timedelta | None] = {}

    def __call__(self, moment: datetime, tz_name: str) -> date:
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        key = (tz_name, moment.date())
        offset = self.offsets.get(key, False)
        if offset is False:
            zone = ZoneInfo(tz_name)
            start = datetime.combine(key[1], datetime.min.time(), tzinfo=UTC)
            first = start.astimezone(zone).utcoffset()
            last = (start + timedelta(days=1)).astimezone(zone).utcoffset()
            offset = self.offsets[key] = first if first == last else None
        if offset is None:
            return local_date(moment, tz_name)
        return (moment + offset).date()


class _Regions(dict):
    """Region code -> name (`regions[code]`), looked up once per distinct code of an export: a
    known code is a plain dict look-up (four per row), only a new one calls `__missing__`."""

    def __init__(self):
        super().__init__({None: None, "": None})

    def __missing__(self, code: str) -> str | None:
        name = self[code] = name_of(code) or None
        return name


SLA_LABELS = {
    "on_time": _l("Tepat waktu"),
    "due_soon": _l("Segera jatuh tempo"),
    "overdue": _l("Terlambat"),
    "done": _l("Selesai"),
}


def _labels(enum_cls) -> dict[str, str]:
    """value -> label, translated once per export instead of once per cell."""
    return {m.value: m.label for m in enum_cls}


class _Services:
    """'a,b' (the case's service values, aggregated in SQL) -> '<label a>; <label b>', ordered by value
    like `Case.services`; computed once per distinct combination (there are few)."""

    def __init__(self):
        self.labels = _labels(ServiceType)
        self.shown: dict[str | None, str | None] = {None: None}

    def __call__(self, raw: str | None) -> str | None:
        shown = self.shown.get(raw)
        if shown is None and raw not in self.shown:
            shown = self.shown[raw] = "; ".join(self.labels.get(s, s) for s in sorted(raw.split(",")))
        return shown


def case_rows(user: User, filters: case_lists.CaseFilters, full_nik: bool = False) -> Iterator[list]:
    """The rows of the filtered list (the same statement as the screen), newest first. Dates are
    `date` values (the CSV writes them ISO, the XLSX as real dates), then the region columns.

    One streamed statement of plain columns (`yield_per`: a server-side cursor on PostgreSQL, batches
    of BATCH rows in memory whatever the list's length); the services come aggregated per case in
    the same statement and units from one small query, so the number of statements does not depend
    on the rows. Labels, masking and service-level states are decided once per export or per
    distinct value, not per cell. An empty cell is None (CSV writes it as an empty field; XLSX
    leaves the cell out, which reads back the same as an empty string)."""
    applicant = aliased(Applicant)  # the search clause has its own Applicant (a correlated EXISTS)
    assignee = aliased(User)
    case_service = aliased(CaseService)
    services = (
        select(func.aggregate_strings(case_service.service, ","))
        .where(case_service.case_id == Case.id)
        .correlate(Case)
        .scalar_subquery()
    )
    stmt = (
        case_lists.filtered_cases(user, filters)
        .with_only_columns(
            Case.number,
            Case.unit_id,
            Case.created_at,
            applicant.name,
            applicant.nik,
            applicant.phone,
            Case.channel,
            services,
            Case.status,
            assignee.full_name,
            Case.first_response_due,
            Case.resolution_due,
            Case.outcome,
            Case.closed_at,
            applicant.province_code,
            applicant.regency_code,
            applicant.district_code,
            applicant.village_code,
            maintain_column_froms=True,
        )
        .join(applicant, applicant.id == Case.applicant_id)
        .outerjoin(assignee, assignee.id == Case.assignee_id)
        .order_by(Case.created_at.desc(), Case.id.desc())
        .execution_options(yield_per=BATCH)
    )
    units = {
        row.id: (row.name, row.timezone)
        for row in db.session.execute(select(Unit.id, Unit.name, Unit.timezone))
    }
    channels, statuses, outcomes = _labels(Channel), _labels(CaseStatus), _labels(Outcome)
    shown_services = _Services()
    sla_labels = {key: str(label) for key, label in SLA_LABELS.items()}
    sla_shown: dict[tuple, str] = {}
    today = today_in(user.unit.timezone)
    nik_shown = (lambda nik: nik) if full_nik else partial(access.shown_nik_value, user)
    # the phone's masking depends on the role alone: decided once (access.shown_phone_value)
    phone_shown = partial(access.shown_phone_value, user)
    if access.can_see_pii(user):
        phone_shown = lambda phone: phone  # noqa: E731
    region = _Regions()
    local_day = _LocalDates()
    village_shown = access.can_see_pii(user)  # the village is part of the address: masked like it

    rows = db.session.connection().execute(stmt)  # plain rows: no ORM result layer per row
    offsets = local_day.offsets
    for (
        number,
        unit_id,
        created_at,
        name,
        nik,
        phone,
        channel,
        service_values,
        status,
        assignee_name,
        first_response_due,
        resolution_due,
        outcome,
        closed_at,
        province,
        regency,
        district,
        village,
    ) in (row for batch in rows.partitions() for row in batch):  # fetched BATCH rows at a time
        unit_name, tz = units[unit_id]
        # local_day's own fast path inline (the same offset table): once per row, 100k times
        offset = offsets.get((tz, created_at.date())) if created_at.tzinfo is None else None
        created_on = local_day(created_at, tz) if offset is None else (created_at + offset).date()
        sla = sla_shown.get((status, resolution_due))
        if sla is None:
            sla = sla_shown[status, resolution_due] = sla_labels[sla_state_of(status, resolution_due, today)]
        yield [
            number,
            unit_name,
            created_on,
            name,
            nik_shown(nik) or None,
            phone_shown(phone) or None,
            channels.get(channel, channel) or None,
            shown_services(service_values),
            statuses.get(status, status) or None,
            assignee_name or None,
            first_response_due,
            resolution_due,
            sla,
            outcomes.get(outcome, outcome) if outcome else None,
            local_day(closed_at, tz) if closed_at else None,
            region[province],
            province or None,
            region[regency],
            regency or None,
            region[district],
            district or None,
            region[village] if village_shown else None,
            (village or None) if village_shown else None,
        ]


def csv_stream(user: User, filters: case_lists.CaseFilters, full_nik: bool = False) -> Iterator[str]:
    """Streamed through the safe writer: no cell starts a formula, no control character survives."""
    return csv_chunks(case_columns(), case_rows(user, filters, full_nik))


def cases_xlsx(user: User, filters: case_lists.CaseFilters, full_nik: bool = False):
    """A write-only workbook through the safe writer: rows are streamed to a temporary file instead
    of being kept in memory."""
    book = XlsxBook()
    ws = book.sheet(_("Kasus"))
    ws.column_widths(CASE_WIDTHS)
    ws.column_formats(dict.fromkeys(CASE_DATE_COLUMNS, DATE_FORMAT))
    ws.table_header(case_columns())
    for row in case_rows(user, filters, full_nik):
        ws.append(row)
    return book.spooled()


def _table_sheet(book: XlsxBook, title: str, header_row: int = 1):
    """A sheet of the evaluation: the first column (units) wide, the figures narrower, the rows
    above the table's header and the header itself frozen."""
    ws = book.sheet(title)
    ws.column_widths([32, *[16] * 25])
    ws.freeze_below(header_row)
    return ws


# ---------------------------------------------------------------- large lists: a background job

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def export_size(user: User, filters: case_lists.CaseFilters, above: int) -> int:
    """The list's rows counted up to `above + 1` (an index range of at most that many ids)."""
    ids = case_lists.filtered_cases(user, filters).with_only_columns(Case.id).order_by(None).limit(above + 1)
    return db.session.scalar(select(func.count()).select_from(ids.subquery()))


def job_params(fmt: str, args, lang: str) -> dict:
    """What the worker needs to build the same file: the list's query string and the language."""
    kept = {k: v for k, v in args.items(multi=True) if k not in ("dl", "page")}
    return {"fmt": fmt, "args": kept, "lang": lang}


def build_case_export(job: ExportJob, progress) -> jobs.Built:
    """The worker's half of a large case-list export: the same rows and writer as the direct file,
    into a temporary file, reporting progress every PROGRESS_EVERY rows."""
    user = db.session.get(User, job.user_id)
    params = job.params or {}
    fmt = params.get("fmt")
    if user is None or not user.active or fmt not in ("csv", "xlsx"):
        raise ValueError("export job without an active user or a known format")
    with force_locale(params.get("lang") or "id"):
        filters = case_lists.filters_from_args(MultiDict(params.get("args") or {}), user)
        total = export_size(user, filters, 10**9)
        progress(0, total)
        counted = _counting(case_rows(user, filters), progress)
        stamp = today_in(user.unit.timezone).isoformat()
        if fmt == "csv":
            out = tempfile.TemporaryFile()
            for chunk in csv_chunks(case_columns(), counted):
                out.write(chunk.encode("utf-8"))
            out.seek(0)
            return jobs.Built(out, f"kasus-{stamp}.csv", CSV_TYPE)
        sheet = XlsxStream(_("Kasus"))  # the same cells as XlsxBook, written ~3x faster
        sheet.append(case_columns())
        for row in counted:
            sheet.append(row)
        return jobs.Built(sheet.spooled(), f"kasus-{stamp}.xlsx", XLSX_TYPE)


def _counting(rows, progress):
    """The rows, reporting how many went by at most once a second (the page polls every second;
    each report is a small write of its own, ~15 ms on SQLite)."""
    every, last, n = jobs.PROGRESS_EVERY, time.monotonic(), 0
    for n, row in enumerate(rows, start=1):
        if n % every == 0 and time.monotonic() - last >= 1.0:
            progress(n)
            last = time.monotonic()
        yield row
    progress(n)


jobs.register("cases", build_case_export)


def evaluation_xlsx(rep: Report, targets: TargetView, unit_names: dict) -> object:
    """The yearly evaluation: one sheet per section, the same figures as the dashboard."""
    book = XlsxBook()
    total = rep.total
    period = _("%(start)s s.d. %(end)s", start=rep.period.start.isoformat(), end=rep.period.end.isoformat())

    ws = _table_sheet(book, _("Ringkasan"), header_row=3)
    ws.append([_("Evaluasi Klinik Rumah Swadaya"), period])
    ws.append([])
    ws.table_header(
        [
            _("Peringkat"),
            _("Unit"),
            _("Kasus masuk"),
            _("Kasus ditutup"),
            _("Tunggakan"),
            _("Ditutup dalam batas waktu (%)"),
            _("Median hari kerja sampai selesai"),
            _("Rujukan"),
            _("Kunjungan lapangan"),
            _("IKM"),
            _("Mutu"),
            _("Responden"),
            _("Pengguna aktif"),
            _("Capaian target kasus (%)"),
        ]
    )
    for r in ranking(rep, targets):
        ws.append(
            [
                r["rank"],
                r["unit"].name,
                r["cases_in"],
                r["cases_closed"],
                r["backlog"],
                r["within_sla"],
                r["median_closure"],
                r["referrals"],
                r["field_visits"],
                float(r["ikm"]) if r["ikm"] is not None else None,
                r["grade"],
                r["respondents"],
                r["active_users"],
                r["target_cases_pct"],
            ]
        )
    ws.append(
        [
            None,
            _("Semua unit terpilih"),
            total.cases_in,
            total.cases_closed,
            total.backlog_total,
            total.within_sla_pct,
            total.median_closure_days,
            total.referrals,
            total.field_visits,
            float(total.ikm.ikm_display) if total.ikm.ikm is not None else None,
            total.ikm.grade,
            total.ikm.respondents,
            total.active_users,
            targets.achievements[0].to_date_pct,
        ]
    )

    ws = _table_sheet(book, _("Per bulan"))
    ws.table_header([_("Bulan"), _("Unit"), _("Kasus masuk"), _("Kasus ditutup")])
    for unit in rep.units:
        f = rep.by_unit[unit.id]
        for month in rep.period.months():
            ws.append([month, unit.name, f.in_per_month.get(month, 0), f.closed_per_month.get(month, 0)])

    ws = _table_sheet(book, _("Tunggakan"))
    ws.table_header([_("Unit"), *[s.label for s in CaseStatus if s != CaseStatus.CLOSED], _("Jumlah")])
    for unit in rep.units:
        f = rep.by_unit[unit.id]
        ws.append(
            [unit.name, *[f.backlog.get(s, 0) for s in CaseStatus if s != CaseStatus.CLOSED], f.backlog_total]
        )

    ws = _table_sheet(book, _("Layanan dan kanal"))
    ws.table_header([_("Unit"), *[s.label for s in ServiceType], *[c.label for c in Channel]])
    for unit in rep.units:
        f = rep.by_unit[unit.id]
        ws.append(
            [
                unit.name,
                *[f.by_service.get(s, 0) for s in ServiceType],
                *[f.by_channel.get(c, 0) for c in Channel],
            ]
        )

    ws = _table_sheet(book, _("Waktu layanan"))
    ws.table_header(
        [
            _("Unit"),
            _("Median hari kerja sampai respons pertama"),
            _("Respons pertama tepat waktu (%)"),
            _("Median hari kerja sampai selesai"),
            _("Ditutup dalam batas waktu (%)"),
        ]
    )
    for unit in rep.units:
        f = rep.by_unit[unit.id]
        ws.append(
            [
                unit.name,
                f.median_first_response_days,
                f.first_response_on_time_pct,
                f.median_closure_days,
                f.within_sla_pct,
            ]
        )

    ws = _table_sheet(book, _("Hasil dan rujukan"))
    ws.table_header([_("Unit"), *[o.label for o in Outcome], _("Rujukan")])
    for unit in rep.units:
        f = rep.by_unit[unit.id]
        ws.append([unit.name, *[f.outcomes.get(o, 0) for o in Outcome], f.referrals])

    ws = _table_sheet(book, _("IKM"))
    ws.table_header(
        [
            _("Unit"),
            _("Responden"),
            *[f"NRR {e.code.upper()} {e.name}" for e in ELEMENTS],
            _("IKM (bobot 1/9)"),
            _("Mutu"),
            _("IKM (bobot 0,11 lembar kerja)"),
        ]
    )
    for unit in rep.units:
        ikm = rep.by_unit[unit.id].ikm
        ws.append(
            [
                unit.name,
                ikm.respondents,
                *[round(float(ikm.nrr[e.code]), 3) if ikm.nrr else None for e in ELEMENTS],
                float(ikm.ikm_display) if ikm.ikm is not None else None,
                ikm.grade,
                round(float(ikm.ikm_spreadsheet), 2) if ikm.ikm_spreadsheet is not None else None,
            ]
        )

    ws = _table_sheet(book, _("Profil responden IKM"), header_row=2)
    ws.append([_("Profil responden IKM"), period])
    ws.table_header([_("Pertanyaan"), _("Jawaban"), _("Responden"), _("Persen")])
    for part in ikm_profile(rep.units, rep.period):
        for label, n, share in part.rows:
            ws.append([part.title, label, n, share])

    ws = _table_sheet(book, _("Target"), header_row=2)
    ws.append([_("Tahun"), targets.year, _("Bagian tahun berjalan (%)"), round(100 * targets.elapsed, 1)])
    ws.table_header(
        [
            _("Unit"),
            _("Indikator"),
            _("Target setahun"),
            _("Capaian"),
            _("Capaian s.d. kini (%)"),
            _("Target proporsional s.d. kini"),
            _("Capaian terhadap target proporsional (%)"),
        ]
    )
    for unit in rep.units:
        for a in targets.by_unit.get(unit.id, []):
            ws.append(
                [unit.name, a.label, a.target, a.actual, a.to_date_pct, a.expected_by_now, a.pro_rated_pct]
            )

    rab_reports.write_evaluation_sheets(
        lambda title: _table_sheet(book, title), rep.units, rep.period
    )  # issue 18 (before usage, which stays last)
    designs.write_evaluation_sheet(lambda title: _table_sheet(book, title), rep.units, rep.period)  # issue 18
    accompaniment.write_sheet(book, rep.units, rep.period, _table_sheet)  # issue 19 (usage stays last)
    ws = _table_sheet(book, _("RTLH dan pra-periksa"))  # issue 19 (h19a)
    assessments.write_evaluation_sheet(ws, rep.units, rep.period.start, rep.period.end)
    ws = _table_sheet(book, _("Penggunaan aplikasi"))
    ws.table_header(
        [
            _("Unit"),
            _("Petugas"),
            _("Peran"),
            _("Kasus dicatat"),
            _("Tindak lanjut dicatat"),
            _("Dicatat dalam 24 jam (%)"),
        ]
    )
    for s in total.per_staff:
        ws.append(
            [
                unit_names.get(s.unit_id, ""),
                s.name,
                Role(s.role).label if Role.has(s.role) else s.role,
                s.cases_recorded,
                s.follow_ups,
                s.entered_within_day_pct,
            ]
        )

    return book.spooled()
