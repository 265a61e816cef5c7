"""CSV and XLSX files: case lists (streamed; memory does not grow with rows) and the evaluation."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from sqlalchemy.orm import joinedload

from krs import access
from krs.cases import service as cases
from krs.extensions import db
from krs.models import Case, CaseStatus, Channel, Outcome, ServiceType, User
from krs.reports.service import Report, TargetView, ranking
from krs.surveys.service import ELEMENTS
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
    ]


SLA_LABELS = {
    "on_time": _l("Tepat waktu"),
    "due_soon": _l("Segera jatuh tempo"),
    "overdue": _l("Terlambat"),
    "done": _l("Selesai"),
}


def _label(enum_cls, value) -> str:
    return enum_cls(value).label if enum_cls.has(value) else (value or "")


def case_rows(user: User, filters: cases.CaseFilters) -> Iterator[list]:
    """The rows of the filtered list (the same statement as the screen), fetched in batches."""
    stmt = (
        cases.filtered_cases(user, filters)
        .options(joinedload(Case.applicant), joinedload(Case.assignee), joinedload(Case.unit))
        .order_by(Case.created_at.desc(), Case.id.desc())
        .execution_options(yield_per=BATCH)
    )
    today = today_in(user.unit.timezone)
    for case in db.session.scalars(stmt):
        tz = case.unit.timezone
        yield [
            case.number,
            case.unit.name,
            local_date(case.created_at, tz).isoformat(),
            case.applicant.name,
            access.shown_nik(user, case.applicant),
            access.shown_phone(user, case.applicant),
            _label(Channel, case.channel),
            "; ".join(_label(ServiceType, s) for s in case.service_types),
            _label(CaseStatus, case.status),
            case.assignee.full_name if case.assignee else "",
            case.first_response_due.isoformat() if case.first_response_due else "",
            case.resolution_due.isoformat() if case.resolution_due else "",
            str(SLA_LABELS[cases.sla_state(case, today)]),
            _label(Outcome, case.outcome) if case.outcome else "",
            local_date(case.closed_at, tz).isoformat() if case.closed_at else "",
        ]


def csv_stream(user: User, filters: cases.CaseFilters) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly with a BOM
    writer.writerow(case_columns())
    for n, row in enumerate(case_rows(user, filters), start=1):
        writer.writerow(row)
        if n % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _spooled(wb: Workbook):
    out = tempfile.TemporaryFile()
    wb.save(out)
    out.seek(0)
    return out


def cases_xlsx(user: User, filters: cases.CaseFilters):
    """write_only mode: openpyxl streams rows to a temporary file instead of keeping them in memory."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Kasus"))
    ws.append(case_columns())
    for row in case_rows(user, filters):
        ws.append(row)
    return _spooled(wb)


def evaluation_xlsx(rep: Report, targets: TargetView, unit_names: dict) -> object:
    """The yearly evaluation: one sheet per section, the same figures as the dashboard."""
    wb = Workbook(write_only=True)
    total = rep.total
    period = f"{rep.period.start.isoformat()} s.d. {rep.period.end.isoformat()}"

    ws = wb.create_sheet(_("Ringkasan"))
    ws.append([_("Evaluasi Klinik Rumah Swadaya"), period])
    ws.append([])
    ws.append(
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

    ws = wb.create_sheet(_("Per bulan"))
    ws.append([_("Bulan"), _("Unit"), _("Kasus masuk"), _("Kasus ditutup")])
    for unit in rep.units:
        f = rep.by_unit[unit.id]
        for month in rep.period.months():
            ws.append([month, unit.name, f.in_per_month.get(month, 0), f.closed_per_month.get(month, 0)])

    ws = wb.create_sheet(_("Tunggakan"))
    ws.append([_("Unit"), *[s.label for s in CaseStatus if s != CaseStatus.CLOSED], _("Jumlah")])
    for unit in rep.units:
        f = rep.by_unit[unit.id]
        ws.append(
            [unit.name, *[f.backlog.get(s, 0) for s in CaseStatus if s != CaseStatus.CLOSED], f.backlog_total]
        )

    ws = wb.create_sheet(_("Layanan dan kanal"))
    ws.append([_("Unit"), *[s.label for s in ServiceType], *[c.label for c in Channel]])
    for unit in rep.units:
        f = rep.by_unit[unit.id]
        ws.append(
            [
                unit.name,
                *[f.by_service.get(s, 0) for s in ServiceType],
                *[f.by_channel.get(c, 0) for c in Channel],
            ]
        )

    ws = wb.create_sheet(_("Waktu layanan"))
    ws.append(
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

    ws = wb.create_sheet(_("Hasil dan rujukan"))
    ws.append([_("Unit"), *[o.label for o in Outcome], _("Rujukan")])
    for unit in rep.units:
        f = rep.by_unit[unit.id]
        ws.append([unit.name, *[f.outcomes.get(o, 0) for o in Outcome], f.referrals])

    ws = wb.create_sheet(_("IKM"))
    ws.append(
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

    ws = wb.create_sheet(_("Target"))
    ws.append([_("Tahun"), targets.year, _("Bagian tahun berjalan (%)"), round(100 * targets.elapsed, 1)])
    ws.append(
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

    ws = wb.create_sheet(_("Penggunaan aplikasi"))
    ws.append(
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
                s.role,
                s.cases_recorded,
                s.follow_ups,
                s.entered_within_day_pct,
            ]
        )
    return _spooled(wb)
