from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from krs.auth import service, session_clock
from krs.auth.forms import ChangePasswordForm, LoginForm
from krs.extensions import limiter

bp = Blueprint("auth", __name__)

# Per address (Flask-Limiter), counting wrong passwords only (issue 13: offices reach the app
# through one address, and counting every sign-in let one person's 30 typos lock out the office).
# A successful sign-in and a refusal of an already locked account cost nothing; the per-account
# lock lives in service.authenticate. An office of 50 signing in at 08:00 makes a handful of
# typos, far from 30 a minute; a guesser from one address gets 30 a minute, 200 an hour.
LOGIN_RATE_LIMIT = "30 per minute;200 per hour"


def _wrong_password(_response) -> bool:
    return bool(g.get("krs_wrong_password"))


def _safe_next(target: str | None) -> str:
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_RATE_LIMIT, methods=["POST"], deduct_when=_wrong_password)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.username.data, form.password.data)
        except service.AuthError as exc:
            g.krs_wrong_password = not isinstance(exc, service.LockedError | service.RefusedError)
            flash(str(exc), "error")
            return render_template("auth/login.html", form=form), 401
        lang = session.get("lang")
        session.clear()  # a new session on login
        if lang:
            session["lang"] = lang
        login_user(user)
        session[service.SESSION_KEY] = service.start_session(user)
        session_clock.start()
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    service.sign_out(current_user, session.get(service.SESSION_KEY))
    logout_user()
    session.clear()
    flash(_("Anda telah keluar."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(
                current_user, form.current.data, form.new.data, session.get(service.SESSION_KEY)
            )
        except service.AuthError as exc:
            form.new.errors = [*form.new.errors, str(exc)]
        else:
            flash(_("Kata sandi diganti."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form), 422 if form.errors else 200
