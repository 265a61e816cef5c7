from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from krs import access
from krs.extensions import db
from krs.main import service

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    return render_template(
        "main/index.html",
        home=service.home_for(current_user),
        shows_mine=access.works_unit_desk(current_user),
        shows_unassigned=access.can_see_unassigned_cases(current_user),
    )


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}


@bp.post("/language")
def set_language():
    lang = request.form.get("lang")
    if lang in ("id", "en"):
        session["lang"] = lang
    target = request.form.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("main.index")
    return redirect(target)
