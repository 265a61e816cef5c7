"""KRS — case management for the Klinik Rumah Swadaya."""

from __future__ import annotations

import os

from flask import (
    Flask,
    abort,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError

from krs import access, drafts, request_log, storage
from krs.auth import service as auth_service
from krs.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate


def select_locale() -> str:
    if not has_request_context():
        return "id"
    lang = session.get("lang")
    return lang if lang in ("id", "en") else "id"


def create_app(config_object: str | object = "config.Config") -> Flask:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
        instance_path=os.path.join(root, "instance"),
    )
    app.config.from_object(config_object)
    os.makedirs(app.instance_path, exist_ok=True)
    storage.check_config(app.config)  # an unknown UPLOAD_STORAGE or S3 without a bucket: refuse to start
    if storage.settings_of(app.config)[0] == "s3":
        storage.get_storage(app)  # the S3 client takes ~0.2-1 s to build: at start, not in a request

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(root, "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    _configure_sqlite(app)
    _configure_proxy(app)
    request_log.init_app(app)

    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    from krs.accompaniment.routes import bp as accompaniment_bp
    from krs.admin.routes import bp as admin_bp
    from krs.applicants.routes import bp as applicants_bp
    from krs.auth.routes import bp as auth_bp
    from krs.cases.routes import bp as cases_bp
    from krs.designs.routes import bp as designs_bp
    from krs.imports.routes import bp as imports_bp
    from krs.main.routes import bp as main_bp
    from krs.notifications.routes import bp as notifications_bp
    from krs.outreach.routes import bp as outreach_bp
    from krs.public.routes import bp as public_bp
    from krs.rab.routes import bp as rab_bp
    from krs.referrals.routes import bp as referrals_bp
    from krs.reports import stats as _stats  # noqa: F401  (the totals kept on every flush)
    from krs.reports.routes import bp as reports_bp
    from krs.surveys.routes import bp as surveys_bp
    from krs.worklog.routes import bp as worklog_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(outreach_bp)
    app.register_blueprint(worklog_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(applicants_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(public_bp)  # issue 16: /status/<token>
    app.register_blueprint(referrals_bp)  # issue 16: /referrals
    app.register_blueprint(rab_bp)  # issue 18: /prices, /work-items, /rab
    app.register_blueprint(imports_bp)  # issue 16: /imports, the backlog from Excel
    app.register_blueprint(designs_bp)  # issue 18: /designs
    app.register_blueprint(accompaniment_bp)  # issue 19: /accompaniment

    from krs import cli, form_messages, jobs, perf, templating

    jobs.init_app(app)  # the export worker's queue (krs/jobs.py)

    form_messages.register(app)
    cli.register(app)
    templating.register(app)
    perf.init_app(app)
    _register_guards(app)
    _register_errors(app)
    return app


def _configure_proxy(app: Flask) -> None:
    """Behind nginx: trust X-Forwarded-For/-Proto/-Host from that many proxies (0 = none)."""
    if app.config.get("KRS_REQUIRE_SECRET") and app.config["SECRET_KEY"] in ("", "dev-only-change-me"):
        raise RuntimeError("SECRET_KEY must be set in the environment for production (see docs/DEPLOY.md)")
    hops = int(app.config.get("KRS_PROXY_FIX", 0) or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _configure_sqlite(app: Flask) -> None:
    """Foreign keys on and WAL for SQLite; nothing for PostgreSQL."""
    from sqlalchemy import event

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=5000")
            cur.close()


def _register_guards(app: Flask) -> None:
    from krs.auth import session_clock

    @login_manager.user_loader
    def load_user(user_id: str):
        # one query: the user joined with the session record named by the cookie; no record (signed
        # out, password changed, sessions ended by an admin), no user (issue 13)
        user = auth_service.user_of_session(int(user_id), session.get(auth_service.SESSION_KEY))
        if user is None:
            if session.pop(auth_service.SESSION_KEY, None) is not None:
                flash(_("Sesi Anda berakhir. Silakan masuk kembali."), "error")
            session.pop("_user_id", None)
            return None
        if user.active and (refusal := auth_service.sign_in_refusal(user)):  # placement period over
            session.pop("_user_id", None)
            flash(refusal, "error")
            return None
        return user if user.active else None

    @app.before_request
    def refuse_nul_bytes():
        """No form or query value may hold a NUL character: nobody types one, and PostgreSQL
        refuses to store it (a 500 otherwise). Answered with the Indonesian 400 page."""
        sources = (request.args, request.form) if request.method != "GET" else (request.args,)
        if any("\x00" in value for source in sources for _key, values in source.lists() for value in values):
            abort(400)

    @app.before_request
    def authorise_endpoint():
        g.client_ip = request.remote_addr
        session.permanent = True  # idle timeout: PERMANENT_SESSION_LIFETIME, renewed per request
        if request.routing_exception is not None:
            return None  # 404/405 from routing: let Flask answer it
        rule = access.rule_for(request.endpoint)
        if rule is None:
            abort(404)  # an endpoint without a rule in access.py is never served
        if rule.public:
            return None
        passive = request.endpoint in session_clock.PASSIVE_ENDPOINTS
        in_place = request.endpoint in session_clock.IN_PLACE_ENDPOINTS
        if passive:
            request.environ["krs.passive_request"] = True  # a poll: the cookie is left as it is
        if current_user.is_authenticated and session_clock.expired(passive=passive):
            if in_place:  # answered in place: the tab stays on its form (issue 14)
                return _session_ended_in_place()
            page = _form_page() if request.method == "POST" or htmx else request.full_path
            if request.method == "POST" and request.blueprint != "auth":
                drafts.save(current_user.id, page, request.endpoint, request.form)  # never files
            auth_service.end_session(session.get(auth_service.SESSION_KEY))
            logout_user()
            session.clear()
            flash(_("Sesi Anda berakhir. Silakan masuk kembali."), "error")
            if request.method == "POST":
                flash(_("Isian formulir Anda disimpan dan muncul lagi setelah Anda masuk."), "success")
            return _to_sign_in(page)
        if not current_user.is_authenticated:
            if in_place and htmx:
                return _session_ended_in_place()
            return _to_sign_in(_form_page() if request.method == "POST" or htmx else request.full_path)
        if current_user.must_change_password and request.endpoint not in (
            "auth.change_password",
            "auth.logout",
        ):
            return redirect(url_for("auth.change_password"))
        if current_user.role not in rule.roles:
            abort(403)
        return None

    def _form_page() -> str:
        """The page the request came from (the form's page for a POST), as a path."""
        current = request.headers.get("HX-Current-URL") if htmx else None
        referrer = request.referrer if request.method == "POST" else None
        return drafts.page_of(current or referrer, request.path)

    def _to_sign_in(page: str):
        if htmx:
            # htmx would swap the login page into a fragment: ask for a full redirect instead
            resp = app.response_class(status=401)
            current = request.headers.get("HX-Current-URL")
            target = url_for("auth.login", next=page) if current else url_for("auth.login")
            resp.headers["HX-Redirect"] = target
            return resp
        return redirect(url_for("auth.login", next=page))

    def _session_ended_in_place():
        if request.endpoint in ("main.session_status", "main.stay_signed_in"):
            return render_template("main/_session_status.html", session_state="ended")
        return app.response_class(status=204)  # the counter keeps what it shows

    @app.after_request
    def security_headers(resp):
        resp.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        if app.config.get("SESSION_COOKIE_SECURE"):
            resp.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if current_user and current_user.is_authenticated and request.endpoint != "static":
            # pages, fragments, exports and files of a signed-in user hold personal data
            resp.headers["Cache-Control"] = "private, no-store"
        return resp


def _register_errors(app: Flask) -> None:
    def render_error(code: int, title: str, message: str):
        template = "errors/_error.html" if htmx else "errors/error.html"
        return render_template(template, code=code, title=title, message=message), code

    @app.errorhandler(400)
    def bad_request(_e):
        return render_error(400, _("Permintaan tidak valid"), _("Periksa kembali isian Anda lalu coba lagi."))

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return render_error(
            400,
            _("Sesi formulir kedaluwarsa"),
            _("Muat ulang halaman lalu kirim formulir sekali lagi."),
        )

    @app.errorhandler(403)
    def forbidden(_e):
        return render_error(403, _("Tidak diizinkan"), _("Peran Anda tidak dapat membuka halaman ini."))

    @app.errorhandler(404)
    def not_found(_e):
        return render_error(
            404,
            _("Tidak ditemukan"),
            _("Halaman atau data yang Anda cari tidak ada atau bukan wewenang Anda."),
        )

    @app.errorhandler(405)
    def method_not_allowed(_e):
        return render_error(
            405, _("Cara akses tidak didukung"), _("Gunakan tombol atau formulir di halaman.")
        )

    @app.errorhandler(413)
    def too_large(_e):
        return render_error(
            413,
            _("Berkas terlalu besar"),
            _(
                "Ukuran unggahan melebihi batas (%(file)s MB per berkas, %(total)s MB sekali kirim).",
                file=app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024),
                total=app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
            ),
        )

    @app.errorhandler(429)
    def too_many(_e):
        return render_error(429, _("Terlalu banyak percobaan"), _("Tunggu beberapa menit lalu coba lagi."))

    @app.errorhandler(503)
    def unavailable(_e):
        return render_error(
            503,
            _("Berkas belum dapat dibuka"),
            _("Penyimpanan berkas sedang tidak dapat dihubungi. Coba lagi beberapa saat lagi."),
        )

    @app.errorhandler(500)
    def server_error(_e):
        db.session.rollback()
        return render_error(
            500,
            _("Terjadi kesalahan"),
            _("Perubahan Anda tidak tersimpan. Coba lagi; bila berulang, hubungi admin."),
        )
