"""The intern logbook as an XLSX workbook for the university, written through the safe writer
(krs/export_writer.py): no cell of it starts a formula or holds a control character (issue 13)."""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _

from krs.export_writer import DATE_FORMAT, Alignment, Font, XlsxBook
from krs.models import WorkCategory
from krs.worklog.service import PrintableLogbook, datetime_in

WIDTHS = dict(zip("ABCDEFG", (14, 13, 13, 26, 60, 24, 30), strict=True))


def logbook_xlsx(book: PrintableLogbook) -> bytes:
    """The same logbook as the printable page, as an XLSX workbook for the university."""
    p = book.placement
    tz = p.unit.timezone
    xlsx = XlsxBook()
    ws = xlsx.sheet("Logbook")
    ws.widths(WIDTHS)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def day(value):
        return ws.cell(value, number_format=DATE_FORMAT)

    about = (
        (_("Nama"), p.intern.full_name),
        (_("Perguruan tinggi"), p.university),
        (_("Program studi"), p.study_programme),
        (_("Unit"), p.unit.name),
        (_("Masa magang"), f"{format_date(p.start_date, 'd MMM y')} – {format_date(p.end_date, 'd MMM y')}"),
        (_("Pembimbing lapangan"), p.field_supervisor.full_name),
    )
    ws.freeze_below(1 + len(about) + 2)  # title, the placement, a blank row, the entries' header
    ws.append([ws.cell(_("Logbook magang"), font=Font(bold=True, size=14))])
    for label, value in about:
        ws.append([ws.cell(label, font=bold), value])
    ws.append([])
    header = [
        _("Tanggal"),
        _("Jam"),
        _("Durasi (jam)"),
        _("Kategori"),
        _("Uraian kegiatan"),
        _("Kasus"),
        _("Catatan"),
    ]
    ws.table_header(header)  # frozen, with an autofilter over the entries
    for e in book.entries:
        span = f"{e.start_time:%H:%M}–{e.end_time:%H:%M}" if e.start_time and e.end_time else ""
        ws.append(
            [
                day(e.work_date),
                span,
                round(e.minutes / 60, 2),
                WorkCategory(e.category).label,
                ws.cell(e.description, alignment=wrap),
                ", ".join(c.number for c in e.cases),
                e.annotation or "",
            ]
        )
    ws.end_table()
    ws.append([])
    ws.append([ws.cell(_("Jumlah jam disetujui"), font=bold), "", round(book.totals.minutes / 60, 2)])
    for category in WorkCategory:
        minutes = book.totals.by_category.get(category.value, 0)
        if minutes:
            ws.append([str(category.label), "", round(minutes / 60, 2)])
    # the same figures as the page and the printed logbook: every entry beside the approved ones
    figures = book.figures
    ws.append([ws.cell(_("Rekap"), font=bold), _("Semua entri"), _("Disetujui")])
    ws.append([_("Jam"), round(figures.all.minutes / 60, 2), round(figures.approved.minutes / 60, 2)])
    ws.append([_("Entri"), figures.all.entries, figures.approved.entries])
    ws.append([_("Kasus ditangani"), figures.all.cases_touched, figures.approved.cases_touched])
    ws.append([_("Kunjungan lapangan"), figures.all.field_visits, figures.approved.field_visits])
    ws.append([])
    ws.append([ws.cell(_("Persetujuan mingguan"), font=bold)])
    ws.append([_("Minggu mulai"), _("Disetujui oleh"), _("Tanggal persetujuan")])
    for w in book.weeks:
        at = datetime_in(w.reviewed_at, tz)
        ws.append(
            [
                day(w.week_start),
                w.reviewed_by.full_name if w.reviewed_by else "",
                day(at.date()) if at else "",
            ]
        )
    return xlsx.to_bytes()
