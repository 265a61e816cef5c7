"""Page weight and the measuring floor: response compression, content-hashed static URLs with
long cache headers, and (only when KRS_BENCH=1) a page rendered without any database."""

from __future__ import annotations

import hashlib
import os

from flask import Flask, current_app, request, url_for
from flask_compress import Compress

compress = Compress()

IMMUTABLE = "public, max-age=31536000, immutable"


def static_hash(filename: str) -> str:
    """First 10 hex digits of the file's SHA-256, computed once per process and file (a deploy
    restarts the processes, so a changed file gets a new URL)."""
    cache = current_app.extensions.setdefault("krs_static_hashes", {})
    digest = cache.get(filename)
    if digest is None:
        path = os.path.join(current_app.static_folder, filename)
        try:
            with open(path, "rb") as fh:
                digest = hashlib.sha256(fh.read()).hexdigest()[:10]
        except OSError:
            digest = ""
        cache[filename] = digest
    return digest


def static_url(filename: str) -> str:
    """`url_for('static', ...)` with `?v=<content hash>`: the URL changes when the file does, so
    browsers may keep it for a year."""
    digest = static_hash(filename)
    if not digest:
        return url_for("static", filename=filename)
    return url_for("static", filename=filename, v=digest)


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", [
        "text/html", "text/css", "text/csv", "text/plain", "text/javascript", "application/javascript",
        "application/json", "image/svg+xml",
    ])  # fmt: skip
    app.config.setdefault("COMPRESS_LEVEL", 6)
    compress.init_app(app)
    app.jinja_env.globals["static_url"] = static_url

    @app.after_request
    def long_cache_for_hashed_static(resp):
        if request.endpoint == "static" and resp.status_code == 200:
            digest = request.args.get("v")
            filename = (request.view_args or {}).get("filename", "")
            if digest and digest == static_hash(filename):
                resp.headers["Cache-Control"] = IMMUTABLE
                resp.headers.pop("Expires", None)
        return resp

    if app.config.get("KRS_BENCH"):
        from krs.perf.routes import bp

        app.register_blueprint(bp)
