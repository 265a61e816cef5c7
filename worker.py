"""The job worker's entry point: `huey_consumer worker.huey` (krs/jobs.py; `make run` starts it)."""

from krs import create_app
from krs.jobs import huey

app = create_app()

__all__ = ["app", "huey"]
