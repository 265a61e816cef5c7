"""Background jobs (DESIGN.md §2, STYLE.md "Task queue"): huey, with a row per job the page polls.

* The queue: `SqliteHuey(filename=instance/huey.db)` by default, `RedisHuey` when `REDIS_URL` is
  set (config.py); `immediate=True` in tests (TestConfig.HUEY_IMMEDIATE: the job runs at once, in
  memory, inside the request that submits it). `make run` starts `huey_consumer worker.huey` beside
  the web server; in production it is one more service (docs/SCALING.md).
* A job is an `ExportJob` row (who asked, what, status, progress, the file's name in the upload
  storage). Feature packages register what a kind does (`register`), the worker only runs it:
  this module sits below the features and never imports them. A handler returns the file it
  built (`Built`), or None for work that writes to the database only (the backlog import's dry
  run and import, krs/imports): the row then just says done or failed.
* Periodic work (the daily digest, krs/notifications/tasks.py) is registered by its own feature
  on the shared `huey` with `periodic(crontab(...))`, which runs it inside the app's context.
* Files expire: `cleanup()` (every 30 minutes in the worker, and on each submit) deletes the files
  and rows of jobs finished more than `KEEP` ago.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from flask import Flask, current_app, has_app_context
from huey import RedisHuey, SqliteHuey, crontab
from sqlalchemy import select, update

from krs.extensions import db
from krs.models import ExportJob, JobStatus, User, utcnow
from krs.storage import get_storage

KEEP = timedelta(hours=24)  # a finished file can be downloaded this long, then it is deleted
PROGRESS_EVERY = 1_000  # rows between two looks at the clock: the job's row is updated once a second


def _make_huey():
    url = os.environ.get("REDIS_URL")
    if url:
        return RedisHuey("krs", url=url)
    default = Path(__file__).resolve().parent.parent / "instance" / "huey.db"
    filename = os.environ.get("HUEY_FILENAME") or str(default)
    Path(filename).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("krs", filename=filename)


huey = _make_huey()
_state: dict = {"app": None}


def init_app(app: Flask) -> None:
    """Remember the app (the worker runs jobs in its context) and apply HUEY_IMMEDIATE."""
    _state["app"] = app
    huey.immediate = bool(app.config.get("HUEY_IMMEDIATE"))


@dataclass
class Built:
    """What a job's handler hands back: the finished file (a binary file object at its start,
    closed once it is in the storage)."""

    file: BinaryIO
    download_name: str
    content_type: str


Handler = Callable[[ExportJob, Callable[..., None]], Built | None]
_handlers: dict[str, Handler] = {}


_file_kinds: set[str] = set()  # the kinds whose jobs end in a file (the "Unduhan" page lists them)


def register(kind: str, handler: Handler, makes_file: bool = True) -> None:
    """`handler(job, progress)` builds the file; it calls `progress(rows_done[, total])` as it goes.
    `makes_file=False`: work that only writes to the database (an import): never listed among the
    user's downloads."""
    _handlers[kind] = handler
    if makes_file:
        _file_kinds.add(kind)
    else:
        _file_kinds.discard(kind)


def submit(user: User, kind: str, params: dict, total: int | None = None) -> ExportJob:
    """Record the job (committed, so the worker sees it) and queue it."""
    cleanup()
    job = ExportJob(user_id=user.id, kind=kind, params=params, total=total, status=JobStatus.QUEUED)
    db.session.add(job)
    db.session.commit()
    run_job(job.id)
    return job


def get_job(job_id: int | None) -> ExportJob | None:
    """A job by id, for a feature whose own record (an import) points at it and decides access."""
    return db.session.get(ExportJob, job_id) if job_id else None


def recent_jobs(user: User, limit: int = 20) -> list[ExportJob]:
    return list(
        db.session.scalars(
            select(ExportJob)
            .where(ExportJob.user_id == user.id, ExportJob.kind.in_(sorted(_file_kinds)))
            .order_by(ExportJob.created_at.desc(), ExportJob.id.desc())
            .limit(limit)
        )
    )


def job_for(user: User, job_id: int) -> ExportJob | None:
    """The job if this user asked for it: a job and its file are the requester's only."""
    return db.session.scalar(
        select(ExportJob).where(
            ExportJob.id == job_id, ExportJob.user_id == user.id, ExportJob.kind.in_(sorted(_file_kinds))
        )
    )


@huey.task()
def run_job(job_id: int) -> None:
    app = current_app._get_current_object() if has_app_context() else _state["app"]
    if app is None:  # the worker imports krs.jobs through worker.py, which creates the app first
        raise RuntimeError("krs.jobs.init_app was not called")
    with app.app_context():  # a session of its own, also when run at once inside a request
        execute(job_id)


def _live_key(job_id: int) -> str:
    return f"krs-job-progress-{job_id}"


def _progress(job_id: int) -> Callable[..., None]:
    """Progress goes through a connection of its own: the job's session keeps its streamed read.

    `live=True`: the job holds a write transaction (an import, on SQLite the whole database):
    the figure goes to the queue's own store (huey.db or Redis) instead, read by `progress_of`."""

    def report(done: int, total: int | None = None, live: bool = False) -> None:
        if live:
            huey.put(_live_key(job_id), (done, total))
            return
        values = {"progress": done} if total is None else {"progress": done, "total": total}
        with db.engine.begin() as conn:
            conn.execute(update(ExportJob.__table__).where(ExportJob.id == job_id).values(**values))

    return report


def progress_of(job: ExportJob) -> tuple[int, int | None, int]:
    """(rows done, rows expected, percent) of a job, the live figure when there is one."""
    done, total = job.progress or 0, job.total
    if job.status == JobStatus.RUNNING:
        live = huey.get(_live_key(job.id), peek=True)
        if live:
            done = max(done, live[0])
            total = live[1] or total
    if job.status == JobStatus.DONE:
        return done, total, 100
    percent = min(99, int(done * 100 / total)) if total else 0
    return done, total, percent


def execute(job_id: int) -> None:
    job = db.session.get(ExportJob, job_id)
    if job is None or job.status != JobStatus.QUEUED:
        return
    handler = _handlers.get(job.kind)
    job.status, job.started_at = JobStatus.RUNNING, utcnow()
    db.session.commit()
    built = None
    try:
        if handler is None:
            raise RuntimeError(f"no handler for job kind {job.kind!r}")
        built = handler(job, _progress(job_id))
        if built is not None:
            key = f"job-{job_id}-{secrets.token_hex(8)}{Path(built.download_name).suffix}"
            get_storage().save_file(key, built.file, built.content_type)  # in pieces: memory stays flat
    except Exception as exc:  # noqa: BLE001 - the job's row says it failed; the page shows it
        db.session.rollback()
        job = db.session.get(ExportJob, job_id)
        job.status, job.error, job.finished_at = JobStatus.FAILED, repr(exc)[:2000], utcnow()
        db.session.commit()
        current_app.logger.exception("job %s failed", job_id)
        return
    finally:
        if built is not None:
            built.file.close()
    db.session.expire_all()
    job = db.session.get(ExportJob, job_id)
    if built is not None:
        job.file_key, job.download_name, job.content_type = key, built.download_name, built.content_type
    job.status, job.finished_at = JobStatus.DONE, utcnow()
    job.progress = max(job.progress or 0, job.total or 0)
    db.session.commit()
    huey.get(_live_key(job_id))  # drop the live figure, if any (get without peek removes it)


def cleanup(keep: timedelta = KEEP) -> int:
    """Delete the files and rows of jobs older than `keep` (and of jobs stuck that long)."""
    old = list(db.session.scalars(select(ExportJob).where(ExportJob.created_at < utcnow() - keep)))
    storage = get_storage() if old else None
    for job in old:
        if job.file_key:
            storage.delete(job.file_key)
        db.session.delete(job)
    if old:
        db.session.commit()
    return len(old)


def periodic(schedule, name: str | None = None):
    """Register `fn` as a periodic task of the shared queue, run inside the app's context (the
    worker's app, from worker.py). Features use it for their own schedules (the daily digest);
    the task runs in the worker only, never in a web request, immediate mode or not."""

    def decorate(fn: Callable[[], object]):
        def run() -> None:
            app = _state["app"]
            if app is None:
                raise RuntimeError("krs.jobs.init_app was not called")
            with app.app_context():
                fn()

        run.__name__ = run.__qualname__ = fn.__name__
        run.__module__ = fn.__module__
        task = huey.periodic_task(schedule, name=name or fn.__name__)(run)
        return task

    return decorate


@periodic(crontab(minute="*/30"))
def cleanup_task() -> None:
    cleanup()
