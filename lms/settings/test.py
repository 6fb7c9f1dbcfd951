"""Test settings: fast hashing, local memory cache, in-memory e-mail.

SQLite tests use a file (not ``:memory:``) so that threads in the concurrency
tests get real, separate connections with the same WAL/IMMEDIATE behaviour as
production.
"""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("REDIS_URL"):
    # The PostgreSQL leg runs against the real Redis too (see .ci/run).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"lms-test-{os.getpid()}",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get(
            "LMS_TEST_SQLITE", str(BASE_DIR / "var" / "test-db.sqlite3")
        )
    }
AXES_ENABLED = True
ACCOUNT_RATE_LIMITS = False
LOGGING["loggers"]["courses"]["level"] = "WARNING"  # noqa: F405
LMS_CERTIFICATES_BULK_THREAD = False  # tests run bulk jobs inline
# Never the developer's real keys: tests that sign use the ``signing_keys``
# fixture (throwaway keys); everything else sees "no key", as on a fresh CI box.
LMS_CERTIFICATES_KEY_DIR = str(BASE_DIR / "var" / "test-no-keys")
