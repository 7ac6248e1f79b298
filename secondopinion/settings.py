"""Settings for Second Opinion Navigator: one module, read from environment variables.

The defaults run one person's copy on their own computer: SQLite in WAL mode and files in a local data
folder. A hosted deployment changes only environment variables (see docs/settings.md, which lists every
variable read here, and docs/deploy.md).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import dj_database_url

from secondopinion.core.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_networks,
    env_path,
    env_str,
)
from secondopinion.core.logmask import PLAIN_FORMAT

PACKAGE_DIR = Path(__file__).resolve().parent


def _default_data_dir() -> Path:
    # In a source checkout (./run) data lives beside the code in var/, which .gitignore covers.
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").exists():
        return checkout / "var"
    return Path.home() / "SecondOpinionData"


DATA_DIR = env_path("SECONDOPINION_DATA_DIR", _default_data_dir())
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key comes from SECRET_KEY, or is made once and kept in the data folder (never in git)."""
    from_env = env_str("SECRET_KEY")
    if from_env:
        return from_env
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(64))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = "Second Opinion Navigator"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "secondopinion.core",
    "secondopinion.accounts",
    "secondopinion.cases",
    "secondopinion.centers",
    "secondopinion.providers",
    "secondopinion.doctors",
    "secondopinion.records",
    "secondopinion.pathology",
    "secondopinion.opinions",
    "secondopinion.agreements",
    "secondopinion.plans",
    "secondopinion.operations",
]

MIDDLEWARE = [
    # First: a load balancer's /health/ is answered before the https redirect and the host check.
    "secondopinion.core.middleware.health_probe",
    "secondopinion.core.middleware.request_id",
    "secondopinion.core.middleware.forwarded_client",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "secondopinion.core.middleware.security_headers",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "secondopinion.accounts.middleware.session_limits",
    "secondopinion.accounts.middleware.audit_actor",
    "secondopinion.core.middleware.StaleEditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "secondopinion.urls"
WSGI_APPLICATION = "secondopinion.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "secondopinion.core.context_processors.site",
            ],
        },
    }
]

# Database: SQLite in the data folder unless DATABASE_URL names another server.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "db.sqlite3",  # type: ignore[typeddict-item]  # a Path works too
            "OPTIONS": {
                # WAL lets the worker write while pages read. IMMEDIATE takes the write lock at
                # the start of every transaction, where SQLite's busy handler waits for it; a
                # deferred one that upgrades from read to write after another writer committed
                # fails at once with "database is locked", whatever the timeout.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                # Seconds a request waits for the write lock before failing. No writer holds it
                # for long (the CD import writes in short batches, CD_WRITE_BATCH), so this is
                # only reached when something is truly stuck.
                "timeout": env_int("SQLITE_TIMEOUT", 20, minimum=1),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CD imports: studies one import takes (a disc with more is refused with a plain message), and
# the rows written per short transaction (studies, series and images together).
CD_MAX_STUDIES = env_int("CD_MAX_STUDIES", 2000, minimum=1)
CD_WRITE_BATCH = env_int("CD_WRITE_BATCH", 1000, minimum=1)
# Patient-portal downloads (C-CDA, FHIR): the largest single XML or JSON file, and the most FHIR
# resources (or CDA entries) one import reads; beyond either it is refused with a plain message.
PORTAL_MAX_BYTES = env_int("PORTAL_MAX_MB", 100, minimum=1) * 1024 * 1024
PORTAL_MAX_RESOURCES = env_int("PORTAL_MAX_RESOURCES", 100_000, minimum=1)

# Background work: the database-backed queue by default; Redis (RQ) when hosted.
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
elif TASKS_BACKEND == "rq":
    # django_rq brings the worker command (`secondopinion rqworker default`); see docs/deploy.md.
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    # Workers run django-tasks' Task objects; the queue and worker classes carry the request id
    # of the page that enqueued a job into the worker's log lines (core.rqjobs).
    RQ = {
        "JOB_CLASS": "secondopinion.core.rqjobs.Job",
        "QUEUE_CLASS": "secondopinion.core.rqjobs.Queue",
        "WORKER_CLASS": "secondopinion.core.rqjobs.Worker",
    }
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    raise ValueError(f"TASKS_BACKEND must be database, immediate or rq, not {TASKS_BACKEND!r}")
if TASKS_BACKEND == "rq":
    # Our backend passes each kind's timeout (below) to rq as its job_timeout.
    TASKS["default"]["BACKEND"] = "secondopinion.core.rqbackend.JobsRQBackend"

# The job lifecycle (docs/jobs.md): how long each kind of background job may run, how often a
# running job says it is alive, after how long without a sign it counts as dead, and retries of
# failures that can pass (database busy, connection lost, object storage errors).
JOB_TIMEOUT_DEFAULT = env_int("JOB_TIMEOUT_DEFAULT", 900, minimum=1)
JOB_TIMEOUTS = {
    "text": env_int("JOB_TIMEOUT_TEXT", 900, minimum=1),
    "pathology": env_int("JOB_TIMEOUT_PATHOLOGY", 300, minimum=1),
    "cd_import": env_int("JOB_TIMEOUT_CD_IMPORT", 3600, minimum=1),
    "portal_import": env_int("JOB_TIMEOUT_PORTAL_IMPORT", 1800, minimum=1),
    "packet": env_int("JOB_TIMEOUT_PACKET", 3600, minimum=1),
    "doctor_research": env_int("JOB_TIMEOUT_DOCTOR_RESEARCH", 300, minimum=1),
    "export": env_int("JOB_TIMEOUT_EXPORT", 3600, minimum=1),
}
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 10, minimum=1)
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", 120, minimum=1)
JOB_RETRIES = env_int("JOB_RETRIES", 3, minimum=0)
JOB_RETRY_SECONDS = env_int("JOB_RETRY_SECONDS", 10, minimum=1)

# Health checks (core.health): addresses besides this machine's own that may ask /health/ over
# plain http, with any Host, and see the deep check (a load balancer, a monitor); and how recently
# a queue worker must have been seen (rq workers check in every --worker-ttl minus 15 seconds).
HEALTH_PROBE_ADDRESSES = env_networks("HEALTH_PROBE_ADDRESSES")
HEALTH_WORKER_SECONDS = env_int("HEALTH_WORKER_SECONDS", 480, minimum=1)

# Cache: counters such as the share-link rate limit live here. One process on a personal copy
# needs only memory; several web processes must share one cache, or each keeps its own count.
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
elif CACHE_URL:
    raise ValueError(f"CACHE_URL must be a redis:// address, not {CACHE_URL!r}")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Accounts and sessions.
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cases:list"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    # Argon2id at OWASP's cost; it also verifies argon2 hashes made with other parameters.
    "secondopinion.accounts.hashers.Argon2OwaspHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True  # each request pushes the idle deadline forward
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Login rate limit: 5 failures for one username from one address locks that pair for 15 minutes,
# so an attacker elsewhere cannot lock the real user out, and the lock ends by itself.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
# A share link's passcode: wrong tries allowed from one address within the cool-off, in minutes.
SHARE_PASSCODE_TRIES = env_int("SHARE_PASSCODE_TRIES", 10, minimum=1)
SHARE_PASSCODE_COOLOFF_MINUTES = env_int("SHARE_PASSCODE_COOLOFF_MINUTES", 15, minimum=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form field (holds the email address)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_VERBOSE = False

# Security headers. Cookies are secure unless DEBUG, or unless a local copy serves plain http on
# the loopback address (SECURE_COOKIES=false, which ./run sets).
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxy's addresses (as for gunicorn): requests from them carry the client's address as the
# last X-Forwarded-For hop (core.middleware.forwarded_client). Empty when not behind a proxy.
TRUSTED_PROXIES = (
    env_list("FORWARDED_ALLOW_IPS", ["127.0.0.1"]) if env_bool("BEHIND_PROXY", False) else []
)
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

# Files.
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Documents: the files folder in the data folder, or S3-compatible object storage when hosted
# (STORAGE_BACKEND=s3; credentials come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
# environment variables, read by boto3 itself, never written here).
STORAGE_BACKEND = env_str("STORAGE_BACKEND", "local")
if STORAGE_BACKEND == "local":
    _default_storage: dict[str, Any] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "files")},
    }
elif STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "location": env_str("AWS_LOCATION", ""),
            "default_acl": "private",
            "querystring_auth": True,  # downloads go through the app anyway; never public URLs
            "file_overwrite": False,
            # Objects read through default_storage.open() spill to a temporary file past 16 MB,
            # so a packet or download of a large scan never sits whole in memory.
            "max_memory_size": 16 * 1024 * 1024,
            "object_parameters": {"ServerSideEncryption": "AES256"}
            if env_bool("AWS_S3_ENCRYPT", True)
            else {},
        },
    }
    if not _default_storage["OPTIONS"]["bucket_name"]:
        raise ValueError("STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME")
else:
    raise ValueError(f"STORAGE_BACKEND must be local or s3, not {STORAGE_BACKEND!r}")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # ./run serves straight from the package, no collectstatic step
MEDIA_ROOT = DATA_DIR / "files"
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 2048, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("UPLOAD_MAX_FILES", 100, minimum=1)
# Pages of one scanned PDF read with OCR (a few seconds each, in the background).
OCR_MAX_PAGES = env_int("OCR_MAX_PAGES", 20, minimum=1)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Only this computer's user may read the data folder (see also the umask set by the command line).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "tmp")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
# Records are written here first, then moved into object storage (unused with local storage).
RECORDS_STAGING_DIR = env_str("RECORDS_STAGING_DIR", str(DATA_DIR / "tmp" / "records"))
# check-integrity --repair empties quarantine folders older than this many days.
QUARANTINE_KEEP_DAYS = env_int("QUARANTINE_KEEP_DAYS", 30, minimum=1)
# The scan viewer keeps the slices it has drawn here (private, rebuilt when missing), up to this size.
VIEWER_CACHE_DIR = DATA_DIR / "cache" / "slices"
VIEWER_CACHE_BYTES = env_int("VIEWER_CACHE_MB", 256, minimum=1) * 1024 * 1024

# Hosted (an organisation runs it for many people) or a personal copy. Hosted unless told otherwise
# when any hosted service is configured; account forms then never reveal whether an account exists.
HOSTED = env_bool("HOSTED", bool(DATABASE_URL) or STORAGE_BACKEND == "s3" or TASKS_BACKEND == "rq")

# Backups (operations/backup.py): encrypted at rest when hosted, with the key in a file that is
# kept apart from the backups; `backup --into` keeps the BACKUP_KEEP newest.
BACKUP_ENCRYPT = env_bool("BACKUP_ENCRYPT", HOSTED)
BACKUP_KEY_FILE = env_path("BACKUP_KEY_FILE", DATA_DIR / "backup.key")
BACKUP_KEEP = env_int("BACKUP_KEEP", 14, minimum=1)

# Outgoing email (password reset). With EMAIL_HOST set, mail goes out by SMTP; without it a personal
# copy sends nothing: messages are printed to the console and the pages that would send mail say so.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_SENDS = bool(EMAIL_HOST)
if EMAIL_SENDS:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Second Opinion Navigator <noreply@localhost>")
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_HOURS", 2, minimum=1) * 3600

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

# Outgoing requests to public research APIs (doctors app).
CONTACT_EMAIL = env_str("CONTACT_EMAIL", "secondopinion-navigator@example.org")
NCBI_API_KEY = env_str("NCBI_API_KEY")
# Requests each worker process sends to each registry, as the registries ask (per process: with
# several workers, divide the registry's limit among them).
DOCTOR_LOOKUP_BUDGETS = {
    "ncbi": (env_int("PUBMED_PER_SECOND", 10 if NCBI_API_KEY else 3, minimum=1), 1.0),
    "nppes": (env_int("NPI_PER_SECOND", 2, minimum=1), 1.0),
    "ctgov": (env_int("TRIALS_PER_MINUTE", 40, minimum=1), 60.0),
}

# Share links (opinions.views_public): requests from one address in a window, counted in the
# cache, so across web processes when CACHE_URL is Redis.
SHARE_LINK_REQUESTS = env_int("SHARE_LINK_REQUESTS", 120, minimum=1)
SHARE_LINK_WINDOW_SECONDS = env_int("SHARE_LINK_WINDOW_SECONDS", 600, minimum=1)

# Logs never carry health details: only ids, counts and durations. LOG_FORMAT=json writes one
# JSON object a line for a log collector; every line carries the request id (core.requestid).
LOG_FORMAT = env_choice("LOG_FORMAT", "plain", ["plain", "json"])
# Share-link and invite tokens and query strings are masked in every line (core.logmask); times
# are UTC with their offset.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask": {"()": "secondopinion.core.logmask.MaskingFilter"}},
    "formatters": {
        "plain": {
            "()": "secondopinion.core.logmask.UTCFormatter",
            "format": PLAIN_FORMAT,
        },
        "json": {"()": "secondopinion.core.logmask.JSONFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["mask"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
