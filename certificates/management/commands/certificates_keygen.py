"""Create the certificate signing key, issuer certificate and Open Badges key.

``make run`` calls it with ``--if-missing`` so a fresh checkout signs PDFs
without a manual step; production runs it once and backs the directory up,
because losing the key means new PDFs chain to a different root.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certificates import conf
from certificates.signing import (
    certificate_fingerprint,
    generate_keys,
    issuer_certificate_pem,
)

DEFAULT_ORGANISATION = "Громада, що діє"
DEFAULT_COMMON_NAME = "Громада, що діє — сертифікати"


class Command(BaseCommand):
    help = (
        "Create the ECDSA signing key and self-signed issuer certificate for "
        "certificate PDFs, and the RSA key for Open Badges, in the key directory "
        "(LMS_CERTIFICATES_KEY_DIR)."
    )
    # A bootstrap command: it must work before the rest of the site is configured.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dir",
            type=Path,
            default=None,
            help="Key directory (default: LMS_CERTIFICATES_KEY_DIR).",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--force",
            action="store_true",
            help="Replace existing keys (PDFs signed before stop chaining to "
            "the published certificate).",
        )
        mode.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing when the keys already exist.",
        )
        parser.add_argument("--organisation", default=DEFAULT_ORGANISATION)
        parser.add_argument("--common-name", default=DEFAULT_COMMON_NAME)

    def handle(self, *args, **options) -> None:
        directory: Path = options["dir"] or conf.key_dir()
        names = (conf.SIGNING_KEY_FILE, conf.SIGNING_CERT_FILE, conf.BADGE_KEY_FILE)
        present = [name for name in names if (directory / name).exists()]

        if options["if_missing"] and len(present) == len(names):
            fingerprint = certificate_fingerprint(issuer_certificate_pem(directory))
            self.stdout.write(
                f"Signing keys already in {directory} (SHA-256 {fingerprint})."
            )
            return

        try:
            paths = generate_keys(
                directory,
                organisation=options["organisation"],
                common_name=options["common_name"],
                overwrite=options["force"],
            )
        except FileExistsError as exc:
            if options["if_missing"]:  # some files exist, others do not
                missing = ", ".join(n for n in names if n not in present)
                raise CommandError(
                    f"Key directory {directory} is incomplete (missing: {missing}); "
                    "refusing to mix new and old keys. Restore the missing files "
                    "from backup, or run with --force to replace all of them."
                ) from exc
            raise CommandError(str(exc)) from exc
        except ValueError as exc:  # e.g. a common name over 64 characters
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Cannot write keys to {directory}: {exc}") from exc

        fingerprint = certificate_fingerprint(issuer_certificate_pem(directory))
        for path in paths:
            self.stdout.write(f"Wrote {path}")
        self.stdout.write(f"Issuer certificate SHA-256 fingerprint: {fingerprint}")
        self.stdout.write(
            self.style.WARNING(
                "Back up this directory; keep the private keys out of the "
                "repository and the database."
            )
        )
