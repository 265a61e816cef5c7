"""Notifications: the header counter (htmx polling), the list, marking read."""

from __future__ import annotations

from flask import Blueprint, has_request_context, redirect, render_template, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user

from krs import access
from krs.htmx_views import fragment_for, render_page_or_fragment
from krs.models import NotificationKind
from krs.notifications import digest, service
from krs.notifications.mail import init_mail
from krs.pagination import id_or_none, page_number
from krs.workdays import today_in

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


class PassiveAwareSessionInterface(SecureCookieSessionInterface):
    """The header counter polls every minute; if each poll renewed the session cookie, an open
    tab would never reach the idle timeout (KRS_IDLE_MINUTES). Passive requests leave it alone."""

    def should_set_cookie(self, app, session) -> bool:
        if has_request_context() and request.environ.get("krs.passive_request"):
            return False
        return super().should_set_cookie(app, session)


@bp.record_once
def _install_session_interface(state):
    state.app.session_interface = PassiveAwareSessionInterface()


@bp.record_once
def _install_mail(state):
    init_mail(state.app)  # Flask-Mailman from the MAIL_* settings (the daily digest)


@bp.app_template_filter("notification_label")
def notification_label(value):
    return NotificationKind(value).label if NotificationKind.has(value) else value


LIST_FRAGMENTS = {"notification-list": "notifications/_list.html"}


@bp.get("")
def index():
    page = page_number(request.args.get("page", 1), last=10_000)
    unread_only = request.args.get("unread") == "1"
    result = service.notifications_for(current_user, unread_only=unread_only, page=page)
    context = {"page": result, "unread_only": unread_only}
    return render_page_or_fragment("notifications/index.html", LIST_FRAGMENTS, **context)


@bp.get("/count")
def count():
    request.environ["krs.passive_request"] = True  # polling is not activity: it must not extend the session
    return render_template("notifications/_counter.html", unread=service.unread_count(current_user))


@bp.post("/read")
def mark_read():
    raw = request.form.get("notification_id", "")
    if (notification_id := id_or_none(raw)) is not None:
        service.mark_read(current_user, notification_id)
    elif request.form.get("all") == "1":
        service.mark_read(current_user)
    if fragment := fragment_for(LIST_FRAGMENTS):
        result = service.notifications_for(current_user)
        resp = render_template(fragment, page=result, unread_only=False)
        return resp, 200, {"HX-Trigger": "notificationsChanged"}
    return redirect(url_for("notifications.index"))


# ---------------------------------------------------------------- daily reminders (issue 16)


@bp.get("/reminders")
def daily_reminders():
    """ "Pengingat harian": each desk person's digest of today, with a WhatsApp hand-off link for
    those who get no email. A supervisor sees their own unit; an admin picks a unit."""
    units = access.reminder_units_visible_to(current_user)
    chosen = id_or_none(request.args.get("unit", ""))
    unit = next((u for u in units if u.id == chosen), units[0] if units else None)
    today = today_in((unit or current_user.unit).timezone)
    return render_template(
        "notifications/reminders.html",
        rows=digest.reminder_rows(unit, today) if unit else [],
        unit=unit,
        units=units if len(units) > 1 else [],
        today=today,
    )
