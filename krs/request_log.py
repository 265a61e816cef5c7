"""Structured request logging: one JSON line per request with a request id.

The id comes from the proxy's `X-Request-ID` header when it looks sane (nginx: `$request_id`),
otherwise a fresh one; it is echoed in the response header and available as `g.request_id`
(error pages show it so a user can quote it to the admin).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from flask import Flask, g, request
from flask_login import current_user

logger = logging.getLogger("krs.request")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        payload.update(getattr(record, "fields", {}))
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


def init_app(app: Flask) -> None:
    if not logger.handlers and not app.testing:
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.setLevel(app.config.get("KRS_LOG_LEVEL", "INFO"))
        logger.propagate = False

    @app.before_request
    def _start():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(resp):
        request_id = g.get("request_id") or uuid.uuid4().hex
        resp.headers["X-Request-ID"] = request_id
        started = g.get("request_started")
        user_id = None
        try:
            if current_user and current_user.is_authenticated:
                user_id = current_user.id
        except Exception:  # noqa: BLE001 - logging must never break a response
            user_id = None
        logger.info(
            "request",
            extra={
                "fields": {
                    "request_id": request_id,
                    "method": request.method,
                    "path": request.path,
                    "endpoint": request.endpoint,
                    "status": resp.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
                    "user_id": user_id,
                    "ip": request.remote_addr,
                    "htmx": request.headers.get("HX-Request") == "true",
                }
            },
        )
        return resp

    @app.teardown_request
    def _log_exception(exc):
        if exc is not None:
            logger.error(
                "unhandled exception",
                exc_info=exc,
                extra={"fields": {"request_id": g.get("request_id"), "path": request.path}},
            )
