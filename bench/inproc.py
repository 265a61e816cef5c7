"""In-process page cost: each issue-17 page as a multiple of the floor, without HTTP or gunicorn.

    DATABASE_URL=sqlite:///instance/bench/krs_100000.db .venv/bin/python -m bench.inproc [-n 200]
    ... -m bench.inproc --profile home        # cProfile of one scenario, top 40 by own time

The app runs in this process (KRS_BENCH=1, the test client, compression on as served): every
scenario is requested N times after 5 warm-ups, interleaved with the floor (`/_bench/floor`,
anonymous, no database) request by request, and reported as CPU ms per request (process time,
which a busy shared machine disturbs far less than wall time) and as a multiple of the floor's
CPU per request. Pages with an on-load fragment count the fragment too (as `bench/run.py` does).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import statistics
import sys
import time

os.environ.setdefault("KRS_BENCH", "1")
os.environ.setdefault("SECRET_KEY", "bench-secret")
os.environ.setdefault("KRS_LOG_LEVEL", "WARNING")  # no request log lines

# name, user, path(s): the issue-17 table (bench/run.py's first block) plus issue 6's home rows
SCENARIOS = [
    ("home", "spv.jawa2", ("/",), 5),  # workload and overdue visits inline (before: two on-load fragments)
    ("number", "spv.jawa2", ("/cases?q={case_number}",), 2),
    ("tail", "spv.jawa2", ("/cases?q={case_tail}",), 2),
    ("budi", "spv.jawa2", ("/cases?view=all&q=budi",), 5),
    ("dashboard", "spv.jawa2", ("/reports?inline=1",), 6),
    ("status", "spv.jawa2", ("/cases?view=all&status=in_progress",), 3),
    ("open", "spv.jawa2", ("/cases?view=all&status=open",), 3),
    ("case8", "spv.jawa2", ("/cases/{case8_id}",), 3),
    ("list", "spv.jawa2", ("/cases?view=all",), None),
    # as bench/run.py measured it before issue 17's second part: the workload as a whole page
    ("home, workload as a page", "spv.jawa2", ("/", "/cases/workload"), None),
    ("home-national", "admin", ("/",), None),
]


def info_for(app) -> dict:
    from sqlalchemy import func, select

    from krs.extensions import db
    from krs.models import Case, Event, Unit

    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.slug == "jawa2"))
        number = db.session.scalar(
            select(Case.number).where(Case.unit_id == unit.id).order_by(Case.created_at.desc()).limit(1)
        )
        recent = (
            select(Case.id).where(Case.unit_id == unit.id).order_by(Case.id.desc()).limit(2000).subquery()
        )
        case8 = db.session.scalar(
            select(Event.case_id)
            .where(Event.case_id.in_(select(recent.c.id)))
            .group_by(Event.case_id)
            .order_by((func.count() - 8) * (func.count() - 8), Event.case_id)
            .limit(1)
        )
        return {"case_number": number, "case_tail": number.rsplit("-", 1)[1], "case8_id": case8}


def login(client, username: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    resp = client.post("/login", data={"csrf_token": token, "username": username, "password": "krs-demo"})
    assert resp.status_code == 302, resp.status_code


def get(client, path: str) -> int:
    """GET a path; `path#target` is an htmx request for the element `target` (its fragment)."""
    headers = {"Accept-Encoding": "gzip"}
    path, _, target = path.partition("#")
    if target:
        headers.update({"HX-Request": "true", "HX-Target": target})
    resp = client.get(path, headers=headers)
    resp.get_data()
    return resp.status_code


def cpu_of(fn) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return (time.process_time() - c) * 1000, (time.perf_counter() - w) * 1000


def show_sql(app, page) -> None:
    from sqlalchemy import event

    from krs.extensions import db

    with app.app_context():
        engine = db.engine
    seen = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["t0"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        seen.append(((time.perf_counter() - conn.info["t0"]) * 1000, statement))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    page()
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    for ms, statement in seen:
        print(f"  {ms:7.2f} ms  {' '.join(statement.split())[:300]}")
    print(f"  {len(seen)} statements, {sum(ms for ms, _ in seen):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", default="")
    parser.add_argument("--json", default="")
    parser.add_argument("--sampling", action="store_true", help="--profile with pyinstrument (if installed)")
    parser.add_argument(
        "--sql", action="store_true", help="print each statement of one request, with its time"
    )
    args = parser.parse_args()

    from krs import create_app

    app = create_app()
    info = info_for(app)
    anon = app.test_client()
    clients = {}
    rows = []
    for name, user, paths, goal in SCENARIOS:
        if args.only and args.only != name:
            continue
        if args.profile and args.profile != name:
            continue
        client = clients.get(user)
        if client is None:
            client = clients[user] = app.test_client()
            login(client, user)
        urls = [p.format(**info) for p in paths]

        def page(urls=urls, client=client):
            return [get(client, u) for u in urls]

        def floor():
            return get(anon, "/_bench/floor")

        statuses = set()
        for _ in range(5):
            statuses.update(page())
            floor()
        if args.sql:
            show_sql(app, page)
            continue
        if args.profile and args.sampling:
            from pyinstrument import Profiler

            prof = Profiler(interval=0.0005)
            prof.start()
            for _ in range(args.n):
                page()
            prof.stop()
            print(prof.output_text(unicode=False, color=False, show_all=False))
            return
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            for _ in range(args.n):
                page()
            prof.disable()
            stats = pstats.Stats(prof, stream=sys.stdout)
            stats.sort_stats("tottime").print_stats(45)
            stats.sort_stats("cumulative").print_stats(60)
            return
        pages, floors, walls, fwalls = [], [], [], []
        for _ in range(args.n):
            c, w = cpu_of(page)
            pages.append(c)
            walls.append(w)
            c, w = cpu_of(floor)
            floors.append(c)
            fwalls.append(w)
        # the median of the per-request CPU, robust to the scheduler's odd slice
        p, f = statistics.median(pages), statistics.median(floors)
        pm, fm = statistics.mean(pages), statistics.mean(floors)
        row = {
            "scenario": name,
            "statuses": sorted(statuses),
            "cpu_ms": round(p, 2),
            "floor_cpu_ms": round(f, 2),
            "x_floor": round(p / f, 2),
            "x_floor_mean": round(pm / fm, 2),
            "wall_ms": round(statistics.median(walls), 2),
            "goal_x": goal,
        }
        rows.append(row)
        print(
            f"{name:26} {row['cpu_ms']:7.2f} ms CPU  floor {row['floor_cpu_ms']:5.2f}  "
            f"x{row['x_floor']:5.2f} (mean x{row['x_floor_mean']:5.2f})  goal {goal}  {sorted(statuses)}",
            flush=True,
        )
    print(f"load average {os.getloadavg()}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"load": os.getloadavg(), "n": args.n, "rows": rows}, fh, indent=1)


if __name__ == "__main__":
    main()
