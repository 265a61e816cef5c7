"""Time the case-list export endpoint itself (`/reports/cases.xlsx|csv`) in its own process, signed
in as a demo account through the test client (no network, no gunicorn), and report its time and
the process's peak memory — the figure to compare with `bench.export_probe` on the same database.

    python -m bench.export_endpoint --fmt xlsx [--user admin] [--query view=all] [--runs 3]
    python -m bench.export_endpoint --fmt csv --profile     (cProfile: the 25 costliest functions)

DATABASE_URL selects the database (a synthetic one: `flask krs seed-synthetic`).

A list longer than KRS_EXPORT_JOB_ROWS is a background job since issue 17 (krs/jobs.py): the
endpoint answers 303 to the job's page. Here the job runs at once in this process (huey's
immediate mode), so the time and peak memory are the job's own: counting, building the file,
storing it; the file is then fetched from the job's download link like a browser would.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fmt", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--query", default="view=all")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    from sqlalchemy import select

    from krs import create_app, jobs
    from krs.auth import service as auth_service
    from krs.extensions import db
    from krs.models import ExportJob, User

    app = create_app()
    jobs.huey.immediate = True  # the job runs inside the request, in this process
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == args.user))
        if user is None:
            sys.exit(f"no user {args.user!r} in this database (seed-demo creates the demo accounts)")
        user_id, session_id = user.id, auth_service.start_session(user)  # a server-side session
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user_id)
        sess["_fresh"] = True
        sess[auth_service.SESSION_KEY] = session_id
    url = f"/reports/cases.{args.fmt}?{args.query}"

    cpu: list[float] = []
    job_seen: list[dict] = []

    def once() -> tuple[float, int]:
        started, cpu_started = time.perf_counter(), time.process_time()
        resp = client.get(url)
        if resp.status_code == 303:  # a background job, run at once: fetch its file
            with app.app_context():
                job = db.session.scalar(select(ExportJob).order_by(ExportJob.id.desc()).limit(1))
                job_seen.append({"id": job.id, "status": job.status, "rows": job.total})
                file_url = f"/reports/jobs/file?id={job.id}"
            resp = client.get(file_url)
        size = sum(len(chunk) for chunk in resp.response)  # consume the stream as a browser would
        resp.close()
        if resp.status_code != 200:
            sys.exit(f"{url} answered {resp.status_code}")
        cpu.append(time.process_time() - cpu_started)
        return time.perf_counter() - started, size

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        seconds, size = once()
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
        times = [seconds]
    else:
        results = [once() for _ in range(args.runs)]
        times = [t for t, _ in results]
        size = results[-1][1]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    json.dump(
        {
            "url": url,
            "user": args.user,
            "runs": [round(t, 2) for t in times],
            "median_seconds": round(statistics.median(times), 2),
            # this process's CPU time: steadier than wall time on a machine shared with other work
            "median_cpu_seconds": round(statistics.median(cpu), 2),
            "bytes": size,
            "peak_rss_mb": round(peak / 1024, 1),
            "rss_before_export_mb": round(before / 1024, 1),
            "job": job_seen[-1] if job_seen else None,
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
