from flask import Blueprint, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from krs import access, pagination
from krs.accompaniment import service as accompaniment_service
from krs.auth import session_clock
from krs.cases import transfer, workload
from krs.extensions import db, htmx
from krs.main import service

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """The home page in one request (issue 17): the workload and the overdue stage visits are
    rendered inline from their features' service functions, the same partials their fragment
    routes (`cases.workload`, `accompaniment.overdue`) answer to htmx refreshes."""
    user = current_user._get_current_object()
    home = service.home_for(user)
    context = {}
    if access.can_open_endpoint(user, "cases.workload"):
        context["workload"] = {
            "rows": workload.workload_for(user),
            "pending_transfers": transfer.pending_transfers_for(user),
            "shows_unit_column": access.is_national(user),
        }
    return render_template(
        "main/index.html",
        home=home,
        count_cap=pagination.COUNT_CAP,
        accompaniment_overdue=accompaniment_service.overdue_visits(user, home.today),
        **context,
    )


@bp.app_context_processor
def _session_status_delay():
    def session_status_delay() -> int:
        """Seconds until the page should first ask about the session (the idle warning)."""
        left = session_clock.seconds_left() - session_clock.warning_seconds()
        return max(1, min(int(left), 300))

    return {"session_status_delay": session_status_delay}


@bp.get("/session/status")
def session_status():
    """The idle warning (issue 14), polled by every page without counting as activity (the guard
    marks it passive): nothing until a minute before the idle limit, then "Tetap masuk"."""
    left = session_clock.seconds_left()
    warn = session_clock.warning_seconds()
    state = "warning" if left <= warn else "quiet"
    # ask again when the warning is due (or, warning, when the session would end): activity in
    # between (another tab, an htmx request) moves the limit, and the next answer sees it
    recheck = max(1, int(left - warn if state == "quiet" else left + 1))
    return render_template(
        "main/_session_status.html",
        session_state=state,
        session_left=int(left),
        session_recheck=min(recheck, 300),
    )


@bp.post("/session/stay")
def stay_signed_in():
    """Tetap masuk: counts as activity, and the warning goes away (htmx: in place, with a
    `sessionExtended` event; a plain post: back to the home page)."""
    session_clock.extend()
    if not htmx:
        return redirect(url_for("main.index"))
    resp = make_response(session_status())
    resp.headers["HX-Trigger"] = "sessionExtended"
    return resp


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
