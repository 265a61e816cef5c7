from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from krs.auth import service, session_clock
from krs.auth.forms import ChangePasswordForm, LoginForm
from krs.extensions import limiter

bp = Blueprint("auth", __name__)

# Per address (Flask-Limiter); the per-account lock lives in service.authenticate.
LOGIN_RATE_LIMIT = "10 per minute;60 per hour"


def _safe_next(target: str | None) -> str:
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_RATE_LIMIT, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.username.data, form.password.data)
        except service.AuthError as exc:
            flash(str(exc), "error")
            return render_template("auth/login.html", form=form), 401
        lang = session.get("lang")
        session.clear()  # a new session on login
        if lang:
            session["lang"] = lang
        login_user(user)
        session_clock.start()
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    service.sign_out(current_user)
    logout_user()
    session.clear()
    flash(_("Anda telah keluar."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(current_user, form.current.data, form.new.data)
        except service.AuthError as exc:
            form.new.errors = [*form.new.errors, str(exc)]
        else:
            flash(_("Kata sandi diganti."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form), 422 if form.errors else 200
