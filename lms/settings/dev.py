"""Local development: DEBUG on, e-mail printed to the console."""

from .base import *  # noqa: F403
from .base import DATA_DIR

DEBUG = True
SECRET_KEY = "dev-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
INTERNAL_IPS = ["127.0.0.1"]
_ = DATA_DIR
