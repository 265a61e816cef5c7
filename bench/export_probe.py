"""Stream N case rows from the database into an XLSX file with openpyxl's write-only mode and
report the time and the process's peak memory (run in its own process so the peak is the export's).

    python -m bench.export_probe --rows 100000   (DATABASE_URL selects the database)

This is the shape an export endpoint should have (issue 4's reports): rows read in chunks from a
server-side cursor (`yield_per`), written row by row, never a list of 100k ORM objects in memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time


def export_cases_xlsx(path: str, limit: int) -> int:
    from openpyxl import Workbook
    from sqlalchemy import select

    from krs.extensions import db
    from krs.models import Applicant, Case, Unit

    stmt = (
        select(
            Case.number, Unit.code, Case.created_at, Case.status, Case.channel, Case.priority,
            Applicant.name, Applicant.province_code, Applicant.regency_code, Case.resolution_due,
            Case.outcome, Case.closed_at,
        )
        .join(Unit, Unit.id == Case.unit_id)
        .join(Applicant, Applicant.id == Case.applicant_id)
        .order_by(Case.id)
        .limit(limit)
        .execution_options(yield_per=5000)
    )  # fmt: skip
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Kasus")
    ws.append(["No. kasus", "Unit", "Masuk", "Status", "Kanal", "Prioritas", "Pemohon", "Provinsi",
               "Kab/Kota", "Batas selesai", "Hasil", "Ditutup"])  # fmt: skip
    n = 0
    for row in db.session.execute(stmt):
        values = list(row)
        for i in (2, 11):  # Excel has no time zones: write UTC wall time
            if values[i] is not None and getattr(values[i], "tzinfo", None) is not None:
                values[i] = values[i].replace(tzinfo=None)
        ws.append(values)
        n += 1
    wb.save(path)
    return n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    from krs import create_app

    app = create_app()
    with app.app_context():
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        fd, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        started, cpu_started = time.perf_counter(), time.process_time()
        rows = export_cases_xlsx(path, args.rows)
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started  # steadier than wall time on a shared machine
        size = os.path.getsize(path)
        os.unlink(path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    json.dump(
        {
            "rows": rows,
            "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu_seconds, 2),
            "peak_rss_mb": round(peak / 1024, 1),
            "rss_before_export_mb": round(before / 1024, 1),
            "xlsx_mb": round(size / 1e6, 1),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
