"""Production settings for plain-http benchmarks on 127.0.0.1.

``bench/run.py`` passes the environment that ``lms.settings.production``
insists on (a throwaway ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS``) plus
``LMS_DATA_DIR`` (a temp dir for static files and media) and either
``LMS_SQLITE_PATH`` or ``DATABASE_URL``. Everything else is production: DEBUG
off, manifest static files, the shipped SQLite WAL + IMMEDIATE configuration.
Only what plain http on loopback cannot satisfy is switched off.
"""

import os

from lms.settings.production import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_PRELOAD = False
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
ALLOWED_HOSTS = ["127.0.0.1"]
CSRF_TRUSTED_ORIGINS = ["http://127.0.0.1"]

if os.environ.get("REDIS_URL"):
    # A prefix of our own: the Redis server is shared with other work.
    CACHES["default"]["KEY_PREFIX"] = os.environ.get(  # noqa: F405
        "LMS_BENCH_CACHE_PREFIX", "lms-bench"
    )

# One line per completion at INFO is production behaviour; keep it, but make
# sure nothing below WARNING from Django itself is printed.
LOGGING["loggers"]["django.request"]["level"] = "ERROR"  # noqa: F405
