"""Settings of the certificates app, read at call time (never at import time).

Every value has a default that suits the demo site; production sets them through
environment variables in ``lms/settings`` (see ``docs/deployment.md``).

``LMS_CERTIFICATES_SIGNING``
    ``True`` (default): every issued PDF carries a PAdES signature made with the
    key in the key directory, and issuing stops with a clear error when the key is
    missing. ``False``: unsigned PDFs (the verification page still works).
``LMS_CERTIFICATES_KEY_DIR``
    Directory holding the signing key and issuer certificate, created by
    ``manage.py certificates_keygen``. Outside the repository by default
    (``$XDG_DATA_HOME/lms-certificates`` or ``~/.local/share/lms-certificates``).
``LMS_PUBLIC_URL``
    Scheme and host printed in QR codes and e-mails
    (default: ``WAGTAILADMIN_BASE_URL``).
``LMS_CERTIFICATES_VERIFY_RATE``
    Verification lookups allowed per client address: ``(count, seconds)``.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

# File names inside the key directory (one place, used by keygen and loaders).
SIGNING_KEY_FILE = "signing-key.pem"  # ECDSA P-256 private key (PDF signatures)
SIGNING_CERT_FILE = "signing-cert.pem"  # self-signed issuer certificate
BADGE_KEY_FILE = "badge-key.pem"  # RSA private key for Open Badges VC-JWT (RS256)


def signing_enabled() -> bool:
    return bool(getattr(settings, "LMS_CERTIFICATES_SIGNING", True))


def default_key_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "lms-certificates"


def key_dir() -> Path:
    value = getattr(settings, "LMS_CERTIFICATES_KEY_DIR", None)
    return Path(value) if value else default_key_dir()


def public_url() -> str:
    """Scheme + host (no trailing slash) for links that leave the site."""
    value = getattr(settings, "LMS_PUBLIC_URL", None) or getattr(
        settings, "WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000"
    )
    return value.rstrip("/")


def verify_rate() -> tuple[int, int]:
    return tuple(getattr(settings, "LMS_CERTIFICATES_VERIFY_RATE", (30, 60)))
