"""The measuring floor (registered only when KRS_BENCH=1): a case-list-sized page rendered
through the same base template with no database, so every benchmark figure has a ratio to it."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, render_template

bp = Blueprint("perf", __name__, url_prefix="/_bench")


def floor_rows(n: int = 25) -> list[dict]:
    today = date(2026, 11, 27)
    return [
        {
            "id": 1000 + i,
            "number": f"KRS-JAWA2-2026-{1000 + i:04d}",
            "name": "Siti Rahayu",
            "phone": "081234567890",
            "services": "Desain rumah, Rencana anggaran biaya (RAB)",
            "status": "in_progress",
            "status_label": "Ditindaklanjuti",
            "assignee": "Budi Santoso",
            "created": today - timedelta(days=i),
            "due": today + timedelta(days=10 - i),
        }
        for i in range(n)
    ]


@bp.get("/floor")
def floor():
    return render_template("perf/floor.html", rows=floor_rows())
