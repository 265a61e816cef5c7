"""Soak test (make soak; not in CI): gunicorn on 127.0.0.1 with the demo data, many simulated
desk users mixing reads and writes for a bounded time; reports requests served, errors, p95
latency and lost writes (acknowledged follow-ups missing from the database; expected 0).

    python tools/soak.py --seconds 60 --users 40 [--workers 4] [--database-url URL]

Only loopback addresses are used. The sign-in rate limit is switched off for the run (all
simulated users share one address); everything else runs as in production.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DESK_LOGINS = [
    f"{prefix}.{slug}"
    for slug in ("sumatera3", "kalimantan1", "jawa2", "jawa3", "bali")
    for prefix in ("spv", "staf", "staf2", "magang")
] + ["admin", "evaluator"]
PASSWORD = "krs-demo"
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')
CASE_LINK = re.compile(r'href="/cases/(\d+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.by_status: dict[str, int] = {}
        self.acknowledged: list[str] = []
        self.kinds: dict[str, int] = {}

    def add(self, kind: str, status: str, seconds: float):
        with self.lock:
            self.latencies.append(seconds)
            self.by_status[status] = self.by_status.get(status, 0) + 1
            self.kinds[kind] = self.kinds.get(kind, 0) + 1


def user_loop(base: str, username: str, deadline: float, stats: Stats, rng: random.Random):
    s = requests.Session()

    def call(kind, method, url, **kw):
        t0 = time.perf_counter()
        try:
            r = s.request(method, base + url, timeout=30, allow_redirects=False, **kw)
            status = str(r.status_code)
        except requests.RequestException:
            r, status = None, "connection-error"
        stats.add(kind, status, time.perf_counter() - t0)
        return r

    page = call("login-page", "GET", "/login")
    token = TOKEN.search(page.text).group(1)
    call("login", "POST", "/login", data={"csrf_token": token, "username": username, "password": PASSWORD})
    home = call("home", "GET", "/")
    token = TOKEN.search(home.text).group(1)
    listing = call("list", "GET", "/cases?view=all")
    cases = CASE_LINK.findall(listing.text) if listing is not None else []
    n = 0
    while time.time() < deadline:
        roll = rng.random()
        if roll < 0.30:
            r = call("list", "GET", f"/cases?view=all&page={rng.randint(1, 5)}")
            if r is not None and r.status_code == 200:
                cases = CASE_LINK.findall(r.text) or cases
        elif roll < 0.45:
            call(
                "search",
                "GET",
                f"/cases?q={rng.choice(['Siti', 'KRS', 'Budi', 'a'])}&view=all",
                headers={"HX-Request": "true", "HX-Target": "case-rows"},
            )
        elif roll < 0.70 and cases:
            call("detail", "GET", f"/cases/{rng.choice(cases)}")
        elif roll < 0.75:
            call("home", "GET", "/")
        elif cases:
            body = f"soak-{username}-{n}-{time.monotonic_ns()}"
            n += 1
            r = call(
                "follow-up",
                "POST",
                f"/cases/{rng.choice(cases)}/events",
                data={"csrf_token": token, "kind": "call", "body": body, "occurred_at": "2026-01-05T10:00"},
            )
            if r is not None and r.status_code in (302, 303):
                with stats.lock:
                    stats.acknowledged.append(body)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--users", type=int, default=40)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--database-url", default=os.environ.get("SOAK_DATABASE_URL"))
    args = ap.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="krs-soak-"))
    url = args.database_url or f"sqlite:///{workdir / 'soak.db'}"
    env = dict(
        os.environ,
        DATABASE_URL=url,
        SECRET_KEY="soak-" + os.urandom(8).hex(),
        UPLOAD_DIR=str(workdir / "uploads"),
        FLASK_APP="wsgi.py",
        KRS_RATELIMIT_ENABLED="0",
    )
    flask = [sys.executable, "-m", "flask"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(
        [*flask, "krs", "seed-demo", "--cases", "300"], cwd=ROOT, env=env, check=True, capture_output=True
    )

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "--threads", "4",
         "-b", f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
        stderr=open(workdir / "gunicorn.log", "w"),
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        stats = Stats()
        deadline = time.time() + args.seconds
        threads = [
            threading.Thread(
                target=user_loop,
                args=(base, DESK_LOGINS[i % len(DESK_LOGINS)], deadline, stats, random.Random(i)),
            )
            for i in range(args.users)
        ]
        started = time.time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)

    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        stored = {r[0] for r in conn.execute(text("SELECT body FROM case_event WHERE body LIKE 'soak-%'"))}
    lost = [b for b in stats.acknowledged if b not in stored]
    lat = sorted(stats.latencies)
    errors = sum(v for k, v in stats.by_status.items() if k.startswith("5") or k == "connection-error")
    report = {
        "database": url.split(":", 1)[0],
        "users": args.users,
        "gunicorn_workers": args.workers,
        "seconds": round(elapsed, 1),
        "requests": len(lat),
        "requests_per_second": round(len(lat) / elapsed, 1),
        "errors_5xx_or_connection": errors,
        "conflicts_409": stats.by_status.get("409", 0),
        "by_status": dict(sorted(stats.by_status.items())),
        "by_kind": dict(sorted(stats.kinds.items())),
        "p50_ms": round(statistics.median(lat) * 1000, 1),
        "p95_ms": round(lat[int(len(lat) * 0.95) - 1] * 1000, 1),
        "p99_ms": round(lat[int(len(lat) * 0.99) - 1] * 1000, 1),
        "writes_acknowledged": len(stats.acknowledged),
        "lost_writes": len(lost),
    }
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "soak.json").write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))
    if errors:
        log = (workdir / "gunicorn.log").read_text()
        print("server log (last errors):\n" + "\n".join(log.splitlines()[-40:]))
    return 0 if errors == 0 and not lost else 1


if __name__ == "__main__":
    raise SystemExit(main())
