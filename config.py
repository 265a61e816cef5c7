"""Configuration from the environment: DATABASE_URL, SECRET_KEY, UPLOAD_DIR or S3_* (uploads)."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'krs.db'}"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR") or str(INSTANCE_DIR / "uploads")
    # Where uploads live (krs/storage.py): "local" = UPLOAD_DIR, "s3" = a bucket of an S3-compatible
    # store shared by every app server. Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
    UPLOAD_STORAGE = os.environ.get("UPLOAD_STORAGE", "local")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None  # unset = AWS; MinIO: http://minio:9000
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_REGION = os.environ.get("S3_REGION") or None
    S3_PREFIX = os.environ.get("S3_PREFIX", "")  # e.g. "krs/uploads/" to share a bucket
    S3_ADDRESSING_STYLE = os.environ.get("S3_ADDRESSING_STYLE") or None  # default: path with an endpoint
    # whole request; each file is checked against MAX_UPLOAD_BYTES. A field visit sends several phone
    # photos at once (krs.uploads.save_photos, at most MAX_FILES_PER_UPLOAD), issue 16.
    MAX_CONTENT_LENGTH = 64 * 1024 * 1024
    MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    # Photos lose their EXIF (GPS position of the household's house) unless the office wants it kept.
    KRS_KEEP_IMAGE_LOCATION = os.environ.get("KRS_KEEP_IMAGE_LOCATION") == "1"
    # Idle timeout: the server ends a session after this much quiet (krs/auth/session_clock.py).
    KRS_IDLE_MINUTES = float(os.environ.get("KRS_IDLE_MINUTES", "30"))
    # Absolute timeout: a new sign-in after this many hours however busy the session
    # (krs/auth/session_clock.py).
    KRS_ABSOLUTE_HOURS = float(os.environ.get("KRS_ABSOLUTE_HOURS", "12"))
    # The cookie outlives the idle limit (up to the absolute one): a form posted after the server
    # ended the session still says whose it was, and is kept as a draft (issue 14).
    PERMANENT_SESSION_LIFETIME = timedelta(hours=KRS_ABSOLUTE_HOURS)
    SESSION_REFRESH_EACH_REQUEST = True
    KRS_LOGIN_MAX_FAILURES = 5  # failed sign-ins per account name within 15 minutes before a lock
    KRS_LOGIN_LOCK_MINUTES = 15
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("KRS_HTTPS") == "1"
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = ("id", "en")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    # Only `make soak` turns this off (it measures capacity, all users from one loopback address).
    RATELIMIT_ENABLED = os.environ.get("KRS_RATELIMIT_ENABLED", "1") == "1"
    # Names change with regulations (housing moved to the Kementerian PKP in 2024): keep them here.
    KRS_MINISTRY_NAME = os.environ.get("KRS_MINISTRY_NAME", "Kementerian Perumahan dan Kawasan Permukiman")
    KRS_DIRECTORATE_NAME = os.environ.get("KRS_DIRECTORATE_NAME", "Direktorat Rumah Swadaya")
    KRS_PAGE_SIZE = 25
    # Public pages (survey, the receipt's status QR) are linked under this address, e.g.
    # https://krs.pkp.go.id (no trailing slash); empty = the address the request came in on.
    KRS_PUBLIC_URL = os.environ.get("KRS_PUBLIC_URL", "").rstrip("/")
    # A referral waiting longer than this many working days for the agency's answer is overdue.
    KRS_REFERRAL_ANSWER_DAYS = int(os.environ.get("KRS_REFERRAL_ANSWER_DAYS", "10"))
    # Programmes a referral is for (code, label); names change with regulations: keep them here.
    KRS_REFERRAL_PROGRAMMES = (
        ("bsps", "BSPS (Bantuan Stimulan Perumahan Swadaya)"),
        ("flpp", "KPR FLPP"),
        ("bp2bt", "BP2BT"),
        ("tapera", "Tapera"),
        ("baznas", "Bantuan BAZNAS"),
        ("pbg", "PBG / perizinan"),
        ("land_title", "Sertifikat tanah"),
        ("other", "Lainnya"),
    )
    KRS_PROXY_FIX = int(os.environ.get("KRS_PROXY_FIX", "0"))  # trusted reverse proxies (nginx: 1)
    KRS_LOG_LEVEL = os.environ.get("KRS_LOG_LEVEL", "INFO")
    # Mail (the daily digest, krs/notifications/digest.py): the office's SMTP server, through
    # Flask-Mailman. MAIL_USE_TLS=1 for STARTTLS (port 587); MAIL_USE_SSL=1 for SMTPS (port 465).
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS") == "1"
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "KRS <krs@localhost>")
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "30"))
    # Background jobs (krs/jobs.py, huey): large exports. Queue in REDIS_URL when set (several app
    # servers), else the SQLite file HUEY_FILENAME (default instance/huey.db); both read by krs.jobs
    # at import, listed here for reference. The worker: `huey_consumer worker.huey`.
    REDIS_URL = os.environ.get("REDIS_URL") or None
    HUEY_FILENAME = os.environ.get("HUEY_FILENAME") or str(INSTANCE_DIR / "huey.db")
    HUEY_IMMEDIATE = False  # tests: jobs run at once, inside the request
    # a case-list export of more rows than this is built by the worker (progress bar, then a link)
    KRS_EXPORT_JOB_ROWS = int(os.environ.get("KRS_EXPORT_JOB_ROWS", "5000"))
    # `make bench` only: serves /_bench/floor, a list-sized page rendered without a database
    KRS_BENCH = os.environ.get("KRS_BENCH") == "1"


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or "sqlite:///" + str(INSTANCE_DIR / "test.db")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    HUEY_IMMEDIATE = True


class ProductionConfig(Config):
    """gunicorn behind nginx with TLS (docs/DEPLOY.md): secure cookies, HSTS, https URLs, ProxyFix."""

    SESSION_COOKIE_SECURE = os.environ.get("KRS_HTTPS", "1") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https" if SESSION_COOKIE_SECURE else "http"
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    KRS_PROXY_FIX = int(os.environ.get("KRS_PROXY_FIX", "1"))
    KRS_REQUIRE_SECRET = True  # create_app refuses to start with the development SECRET_KEY
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
