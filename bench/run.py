"""`make bench`: build synthetic databases, serve KRS under gunicorn, measure every scenario.

    python -m bench.run --sizes "10000 100000" --dbs "sqlite postgresql" [--requests 100]

For each database kind and size it (re)uses a synthetic database (`flask krs seed-synthetic`),
starts gunicorn on 127.0.0.1 with KRS_BENCH=1, signs in the scenario's users, and times each
scenario sequentially from one client (median and p95 of the server round trip), plus the floor
(/_bench/floor: a list-sized page rendered through the same base template with no database),
so every figure is also a ratio to that floor. Then it runs the 100k-row XLSX export probe in
its own process (time and peak memory). Results: bench/results.json and the table in
docs/PERFORMANCE.md (between the BENCH-TABLE markers).

Adding a scenario is one line in SCENARIOS. A scenario whose endpoint does not exist in this
build (first answer 404) is reported as skipped with a note, not as a failure.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results.json"
DOC = ROOT / "docs" / "PERFORMANCE.md"
PG_BASE = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
PG_PREFIX = "krs_perf_bench_"  # every benchmark database is named krs_perf_bench_<cases>
SQLITE_DIR = ROOT / "instance" / "bench"
PASSWORD = "krs-demo"  # the demo accounts seed-synthetic creates on an empty database


@dataclass
class Scenario:
    name: str
    user: str | None  # demo username, None = anonymous
    path: str  # may hold {case_id}, {nik}
    method: str = "GET"
    optional: bool = False  # endpoint of a feature that may not be in this build
    note: str = ""
    target_ms: float | None = None  # p95 target at 1M cases
    extra: dict = field(default_factory=dict)
    # fragments the page loads at once (hx-trigger="load"), timed with it: (path, id of the element
    # htmx swaps), sent as a browser's htmx sends them (HX-Request, HX-Target: the fragment alone)
    also: tuple[tuple[str, str], ...] = ()
    goal_x: float | None = None  # issue 17: median goal as a multiple of the floor (100k, SQLite)


# One line per scenario; an optional scenario whose endpoint is missing in a build is skipped.
SCENARIOS = [
    Scenario("floor (no database)", None, "/_bench/floor"),
    # issue 17's table: the desk's own pages, as the supervisor of Jawa II opens them
    # the workload and the overdue stage visits are rendered inline since issue 17's third pass:
    # the page loads no fragment on load (before: /cases/workload and /accompaniment/overdue)
    Scenario("home /, workload and overdue visits inline (supervisor)", "spv.jawa2", "/", goal_x=5),
    Scenario("case number typed in the search box (supervisor)", "spv.jawa2", "/cases?q={case_number}",
             goal_x=2, note="303 straight to the case since issue 17; a list page before"),
    Scenario("case number tail typed (supervisor)", "spv.jawa2", "/cases?q={case_tail}", goal_x=2),
    Scenario("name search 'budi' in one unit (supervisor)", "spv.jawa2", "/cases?view=all&q=budi", goal_x=5),
    Scenario("unit dashboard, all tiles (supervisor)", "spv.jawa2", "/reports?inline=1", optional=True,
             goal_x=6, target_ms=150),
    Scenario("list, one status (supervisor)", "spv.jawa2", "/cases?view=all&status=in_progress", goal_x=3),
    Scenario("list, all open (supervisor)", "spv.jawa2", "/cases?view=all&status=open", goal_x=3),
    Scenario("case page, 8 events (supervisor)", "spv.jawa2", "/cases/{case8_id}", goal_x=3),
    # issue 6's scenarios
    Scenario("case list, unit (supervisor)", "spv.jawa2", "/cases?view=all", target_ms=50),
    Scenario("case list, national (admin)", "admin", "/cases?view=all", target_ms=50),
    Scenario("case list, page 400 (admin)", "admin", "/cases?view=all&page=400", target_ms=50),
    Scenario(
        "case list, filtered status+service",
        "spv.jawa2",
        "/cases?view=all&status=in_progress&service=permits",
        target_ms=50,
    ),  # fmt: skip
    Scenario("name search 'siti rah' (admin)", "admin", "/cases?view=all&q=siti+rah", target_ms=50),
    Scenario("name search, no match (admin)", "admin", "/cases?view=all&q=zulkarnain", target_ms=50),
    Scenario("name search, unit (supervisor)", "spv.jawa2", "/cases?view=all&q=rahayu", target_ms=50),
    Scenario("NIK search (admin)", "admin", "/cases?view=all&q={nik}", target_ms=50),
    Scenario("case page, 50 events (admin)", "admin", "/cases/{case_id}", target_ms=50),
    Scenario("home page, unit counts (supervisor)", "spv.jawa2", "/"),
    Scenario("home page, national (admin)", "admin", "/"),
    Scenario("intake POST (staff)", "staf.jawa2", "/cases/new", method="POST"),
    # the dashboards with every tile rendered in the page (inline=1), as the lazy tiles add up to
    Scenario("national dashboard (admin)", "admin", "/reports?inline=1", optional=True, target_ms=500),
    Scenario("national ranking (admin)", "admin", "/reports/ranking", optional=True, target_ms=500),
]  # fmt: skip
# the case-list exports are measured once per run, in their own process (export_endpoint)


# ---------------------------------------------------------------- databases


def db_url(kind: str, size: int) -> str:
    if kind == "sqlite":
        SQLITE_DIR.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{SQLITE_DIR / f'krs_{size}.db'}"
    return f"{PG_BASE}/{PG_PREFIX}{size}"


def flask(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=url, FLASK_APP="wsgi.py")
    return subprocess.run(
        [str(VENV_BIN / "flask"), *args], cwd=ROOT, env=env, check=check, capture_output=True, text=True
    )


def python(url: str, code: str) -> str:
    env = dict(os.environ, DATABASE_URL=url)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


PREPARE = """
import json
from sqlalchemy import func, select
from krs import create_app
from krs.demo.bench_data import prepare
from krs.extensions import db
from krs.models import Case, Event, Unit
app = create_app()
with app.app_context():
    info = prepare()
    unit = db.session.scalar(select(Unit).where(Unit.slug == "jawa2"))
    # issue 17: a number of the unit's current year (its tail finds it), a case with 8 events
    number = db.session.scalar(
        select(Case.number).where(Case.unit_id == unit.id).order_by(Case.created_at.desc()).limit(1)
    )
    info["case_number"] = number
    info["case_tail"] = number.rsplit("-", 1)[1]
    recent = select(Case.id).where(Case.unit_id == unit.id).order_by(Case.id.desc()).limit(2000).subquery()
    info["case8_id"] = db.session.scalar(
        select(Event.case_id).where(Event.case_id.in_(select(recent.c.id))).group_by(Event.case_id)
        .order_by((func.count() - 8) * (func.count() - 8), Event.case_id).limit(1)
    )
    print(json.dumps(info))
"""


def build(kind: str, size: int, rebuild: bool) -> dict:
    """A database with `size` synthetic cases (reused when it already has them) and its fixtures."""
    url = db_url(kind, size)
    if kind == "postgresql":
        import psycopg

        admin = PG_BASE.replace("postgresql+psycopg", "postgresql") + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (PG_PREFIX + str(size),)
            ).fetchone()
            if exists and rebuild:
                conn.execute(f'DROP DATABASE "{PG_PREFIX}{size}" WITH (FORCE)')
                exists = None
            if not exists:
                conn.execute(f'CREATE DATABASE "{PG_PREFIX}{size}"')
            # the production settings docs/SCALING.md recommends for an SSD-backed OLTP server
            for setting in ("jit = off", "random_page_cost = 1.1"):
                conn.execute(f'ALTER DATABASE "{PG_PREFIX}{size}" SET {setting}')
    elif rebuild:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    flask(url, "db", "upgrade")
    count = int(python(url, COUNT))
    seed_seconds = None
    if count < size:
        started = time.perf_counter()
        out = flask(url, "krs", "seed-synthetic", "--cases", str(size - count))
        seed_seconds = round(time.perf_counter() - started, 1)
        print(f"    {out.stdout.strip().splitlines()[-1]}", flush=True)
    info = json.loads(python(url, PREPARE))
    info["seed_seconds"] = seed_seconds
    info["url"] = url
    return info


COUNT = """
from krs import create_app
from krs.extensions import db
from sqlalchemy import text
app = create_app()
with app.app_context():
    print(db.session.execute(text("SELECT count(*) FROM case_file")).scalar())
"""


# ---------------------------------------------------------------- HTTP client


class Client:
    """One keep-alive connection with its own cookies (sessions are signed cookies)."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None, extra: dict | None = None):
        headers = {"Accept-Encoding": "gzip, deflate, br", "Connection": "keep-alive", **(extra or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                resp = self.conn.getresponse()
                payload = resp.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        for header, value in resp.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return resp, payload

    def text(self, path: str) -> str:
        import gzip
        import zlib

        resp, payload = self.request("GET", path)
        encoding = resp.getheader("Content-Encoding")
        if encoding == "gzip":
            payload = gzip.decompress(payload)
        elif encoding == "deflate":
            payload = zlib.decompress(payload)
        elif encoding == "br":
            import brotli

            payload = brotli.decompress(payload)
        return payload.decode()

    def csrf(self, path: str) -> str:
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.text(path))
        if not match:
            raise RuntimeError(f"no CSRF token on {path}")
        return match.group(1)

    def login(self, username: str) -> None:
        token = self.csrf("/login")
        resp, _ = self.request(
            "POST", "/login", {"csrf_token": token, "username": username, "password": PASSWORD}
        )
        if resp.status != 302:
            raise RuntimeError(f"login of {username} failed ({resp.status})")


# ---------------------------------------------------------------- server


def serve(url: str, port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, KRS_BENCH="1", SECRET_KEY="bench-secret")
    proc = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "--timeout", "300", "wsgi:app"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    stop(proc)
    raise RuntimeError("gunicorn did not start")


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


# ---------------------------------------------------------------- measuring


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def intake_body(client: Client, info: dict, n: int) -> dict:
    from krs import regions
    from krs.demo.synthetic import synthetic_nik

    village = regions.children("32.76.01")[0][0]  # a real village of Kota Depok, Pancoran Mas

    return {
        "csrf_token": client.csrf("/cases/new"),
        "unit_id": info["intake_unit_id"],
        "name": f"Pemohon Uji {n}",
        "nik": synthetic_nik(50_000_000 + n * 7919 + int(time.time()) % 7919, "32.76.01", n % 2 == 0),
        "phone": "081234567890",
        "gender": "L",
        "address": "Jl. Melati No. 5",
        "province_code": "32",
        "regency_code": "32.76",
        "district_code": "32.76.01",
        "village_code": village,
        "occupation": "Buruh harian",
        "monthly_income": "3000000",
        "household_size": "4",
        "consent_given": "y",
        "channel": "walk_in",
        "service_types": ["house_design"],
        "description": "Perlu bantuan desain rumah.",
        "priority": "normal",
    }


def measure(port: int, info: dict, requests: int, warmup: int, only: str = "") -> list[dict]:
    clients: dict[str | None, Client] = {}
    floor_client = Client(port)
    results = []
    for sc in SCENARIOS:
        if only and only not in sc.name:
            continue
        client = clients.get(sc.user)
        if client is None:
            client = clients[sc.user] = Client(port)
            if sc.user:
                client.login(sc.user)
        path = sc.path.format(**info)
        row = {"scenario": sc.name, "path": path, "user": sc.user, "target_ms": sc.target_ms}
        row["goal_x"] = sc.goal_x
        timings, floors, sizes, statuses = [], [], [], set()
        runs = requests if sc.method == "GET" else max(10, requests // 4)
        for i in range(warmup + runs):
            body = intake_body(client, info, i) if sc.method == "POST" else None
            started = time.perf_counter()
            resp, payload = client.request(sc.method, path, body)
            for fragment, target in sc.also:  # what the page loads on load, one after the other
                part, more = client.request(
                    "GET", fragment, None, {"HX-Request": "true", "HX-Target": target}
                )
                statuses.add(part.status)
                payload += more
            elapsed = (time.perf_counter() - started) * 1000
            statuses.add(resp.status)
            if i == 0 and resp.status == 404 and sc.optional:
                break
            # the floor, interleaved request by request: both see the same machine load
            started = time.perf_counter()
            floor_client.request("GET", "/_bench/floor")
            floor_ms = (time.perf_counter() - started) * 1000
            if i >= warmup:
                timings.append(elapsed)
                floors.append(floor_ms)
                sizes.append(len(payload))
        if not timings:
            row.update(skipped=True, note=f"endpoint not in this build: {sc.note}".strip())
        else:
            ok = statuses <= {200, 302, 303}
            floor_median = statistics.median(floors)
            row.update(
                median_ms=round(statistics.median(timings), 2),
                p95_ms=round(percentile(timings, 95), 2),
                floor_median_ms=round(floor_median, 2),
                median_x_floor=round(statistics.median(timings) / floor_median, 1),
                p95_x_floor=round(percentile(timings, 95) / floor_median, 1),
                n=len(timings),
                bytes=round(statistics.median(sizes)),
                statuses=sorted(statuses),
                ok=ok,
            )
        results.append(row)
        print(
            f"    {sc.name:45} {row.get('median_ms', '-'):>8} {row.get('p95_ms', '-'):>8} ms"
            f"  x{row.get('median_x_floor', '-')} floor",
            flush=True,
        )
    if not only:
        results.append(page_weight(clients.get("admin") or Client(port)))
    return results


def page_weight(client: Client) -> dict:
    """Bytes on the wire for a first visit to /cases: the page and every asset it links, compressed."""
    resp, payload = client.request("GET", "/cases?view=all")
    total = len(payload)
    html = client.text("/cases?view=all")
    for url in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
        resp, payload = client.request("GET", url)
        total += len(payload)
    return {"scenario": "first visit to /cases, all assets, compressed", "page_weight_bytes": total}


def export_endpoint(url: str, fmt: str = "xlsx") -> dict:
    """The case-list export endpoint itself (every case of the national list), once, in its own
    process: time, CPU and peak memory (bench/export_endpoint.py); a large list runs as the
    background job, in that process."""
    env = dict(os.environ, DATABASE_URL=url)
    out = subprocess.run(
        [sys.executable, "-m", "bench.export_endpoint", "--fmt", fmt],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def export_probe(url: str, rows: int) -> dict:
    env = dict(os.environ, DATABASE_URL=url)
    out = subprocess.run(
        [sys.executable, "-m", "bench.export_probe", "--rows", str(rows)],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout)


# ---------------------------------------------------------------- report


def write_doc(data: dict) -> None:
    lines = []
    runs = data["runs"]
    for run in runs:
        seeded = "database reused" if run["seed_seconds"] is None else f"seeded in {run['seed_seconds']} s"
        lines.append(
            f"\n**{run['database']} · {run['cases']:,} cases** "
            f"({seeded}; "
            f"{run['requests']} requests per scenario, 1 client, gunicorn {run['workers']} workers)\n"
        )
        if run.get("load"):
            lines.append(
                f"Load average (1, 5, 15 min) at the start: {run['load']}; at the end: "
                f"{run.get('load_end', '?')}.\n"
            )
        lines.append(
            "| scenario | median ms | p95 ms | floor median ms | median × floor | goal × floor | bytes "
            "| target p95 |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        for row in run["results"]:
            if "page_weight_bytes" in row:
                kb = row["page_weight_bytes"] / 1024
                lines.append(
                    f"| {row['scenario']} | | | | {row['page_weight_bytes']:,} ({kb:.0f} KB) | | ≤ 120 KB |"
                )
                continue
            if row.get("skipped"):
                lines.append(f"| {row['scenario']} | – | – | – | – | – | – | skipped: {row['note']} |")
                continue
            target = f"{row['target_ms']:g} ms" if row.get("target_ms") else ""
            flag = "" if row.get("ok", True) else " (errors!)"
            goal = ""
            if row.get("goal_x"):
                met = "met" if row["median_x_floor"] <= row["goal_x"] else "**missed**"
                goal = f"≤ {row['goal_x']:g} ({met})"
            lines.append(
                f"| {row['scenario']}{flag} | {row['median_ms']} | {row['p95_ms']} | "
                f"{row['floor_median_ms']} | {row['median_x_floor']} | {goal} | {row['bytes']:,} | {target} |"
            )
        exp = run.get("export")
        if exp:
            lines.append(
                f"| XLSX export probe, {exp['rows']:,} rows | {exp['seconds'] * 1000:.0f} (1 run) | | | | | "
                f"{exp['xlsx_mb']} MB file | peak RSS {exp['peak_rss_mb']} MB (< 150 MB) |"
            )
            for fmt, goal in (("xlsx", "≤ 10 s"), ("csv", "≤ 2 s")):
                end = exp.get("endpoint" if fmt == "xlsx" else "endpoint_csv")
                if not end:
                    continue
                how = "a background job" if end.get("job") else "direct"
                lines.append(
                    f"| {fmt.upper()} export `/reports/cases.{fmt}`, all {run['cases']:,} cases (admin), "
                    f"{how} | {end['median_seconds'] * 1000:.0f} (1 run; CPU {end['median_cpu_seconds']} s) "
                    f"| | | | {goal} | {end['bytes'] / 1e6:.1f} MB file "
                    f"| peak RSS {end['peak_rss_mb']} MB (< 150 MB) |"
                )
    lines.extend(growth_table(runs))
    table = "\n".join(lines)
    text = DOC.read_text() if DOC.exists() else "<!-- BENCH-TABLE -->\n<!-- /BENCH-TABLE -->\n"
    start, end = "<!-- BENCH-TABLE -->", "<!-- /BENCH-TABLE -->"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _old, tail = rest.split(end, 1)
        text = f"{head}{start}\n_Generated by `make bench` on {data['generated']}._\n{table}\n\n{end}{tail}"
        DOC.write_text(text)


def growth_table(runs: list[dict]) -> list[str]:
    """Each scenario's median and p95 at every size as a multiple of its figure at the smallest size
    (target: at most 1.5 at 1M), raw and floor-normalised (the floor absorbs machine load)."""
    lines = []
    for kind in sorted({r["database"] for r in runs}):
        sized = sorted((r for r in runs if r["database"] == kind), key=lambda r: r["cases"])
        if len(sized) < 2:
            continue
        base = sized[0]
        lines.append(f"\n**{kind}: growth against {base['cases']:,} cases** (target ≤ 1.5 at 1M)\n")
        lines.append(
            "| scenario | "
            + " | ".join(f"{r['cases']:,}: p95 ratio / floor-normalised median ratio" for r in sized[1:])
            + " |"
        )
        lines.append("|---|" + "---:|" * (len(sized) - 1))
        base_rows = {row["scenario"]: row for row in base["results"]}
        for row0 in base["results"]:
            if not row0.get("p95_ms"):
                continue
            cells = []
            for run in sized[1:]:
                row = next((x for x in run["results"] if x["scenario"] == row0["scenario"]), None)
                if not row or not row.get("p95_ms"):
                    cells.append("–")
                    continue
                b = base_rows[row0["scenario"]]
                raw = row["p95_ms"] / b["p95_ms"]
                normalised = "–"
                if b.get("median_x_floor") and row.get("median_x_floor"):
                    normalised = f"{row['median_x_floor'] / b['median_x_floor']:.2f}"
                cells.append(f"{raw:.2f} / {normalised}")
            lines.append(f"| {row0['scenario']} | " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000 100000")
    parser.add_argument("--dbs", default="sqlite postgresql")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=5099)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true", help="drop and re-seed the databases")
    parser.add_argument("--merge", action="store_true", help="keep other runs already in results.json")
    parser.add_argument("--only", default="", help="re-measure only scenarios whose name contains this")
    parser.add_argument("--no-export", action="store_true", help="skip the export probe and endpoint")
    args = parser.parse_args()

    data = {"generated": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine(), "runs": []}
    if args.merge and RESULTS.exists():
        data["runs"] = json.loads(RESULTS.read_text()).get("runs", [])
    for kind in args.dbs.split():
        for size in (int(s) for s in args.sizes.split()):
            print(f"== {kind} · {size:,} cases", flush=True)
            info = build(kind, size, args.rebuild)
            load = [round(x, 2) for x in os.getloadavg()]
            proc = serve(info["url"], args.port, args.workers)
            try:
                results = measure(args.port, info, args.requests, args.warmup, args.only)
            finally:
                stop(proc)
            previous = next((r for r in data["runs"] if (r["database"], r["cases"]) == (kind, size)), None)
            if args.only and previous:
                # keep the earlier figures of the scenarios not re-measured, and the export probe
                fresh = {row["scenario"]: row for row in results}
                results = [fresh.get(row["scenario"], row) for row in previous["results"]]
                export = previous["export"]
            elif args.no_export:
                export = previous["export"] if previous else None
            else:
                export = export_probe(info["url"], min(args.export_rows, size))
                if size <= args.export_rows:  # the endpoint exports every case: up to 100k rows
                    export["endpoint"] = export_endpoint(info["url"])
                    export["endpoint_csv"] = export_endpoint(info["url"], "csv")
            print(f"    export probe: {export}", flush=True)
            run = {
                "database": kind,
                "cases": size,
                "seed_seconds": info["seed_seconds"],
                "requests": args.requests,
                "workers": args.workers,
                "results": results,
                "export": export,
                "load": load,
                "load_end": [round(x, 2) for x in os.getloadavg()],
            }
            data["runs"] = [r for r in data["runs"] if (r["database"], r["cases"]) != (kind, size)] + [run]
            data["runs"].sort(key=lambda r: (r["database"], r["cases"]))
            RESULTS.write_text(json.dumps(data, indent=1) + "\n")
            write_doc(data)


def machine() -> dict:
    return {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": sys.platform}


if __name__ == "__main__":
    main()
