"""``manage.py certificates_keygen``: private files are 0600 in a 0700 directory,
the certificate carries the key usages PDF verifiers need, nothing is ever
overwritten by accident, and ``--if-missing`` is idempotent.

No database: the command only writes files.
"""

from __future__ import annotations

import io
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from certificates import conf
from certificates.management.commands.certificates_keygen import (
    DEFAULT_COMMON_NAME,
    DEFAULT_ORGANISATION,
)
from certificates.signing import SigningKeyMissing, generate_keys, load_signer

DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
FINGERPRINT = re.compile(r"SHA-256[^0-9A-F]*((?:[0-9A-F]{2}:){31}[0-9A-F]{2})")


def keygen(*args: str) -> str:
    out = io.StringIO()
    call_command("certificates_keygen", *args, stdout=out)
    return out.getvalue()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def load_cert(directory: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(
        (directory / conf.SIGNING_CERT_FILE).read_bytes()
    )


def fingerprint_of(directory: Path) -> str:
    return load_cert(directory).fingerprint(hashes.SHA256()).hex(":").upper()


def test_creates_private_files_0600_in_0700_dir(tmp_path):
    directory = tmp_path / "keys"
    output = keygen("--dir", str(directory))

    assert mode(directory) == 0o700
    for name in (conf.SIGNING_KEY_FILE, conf.BADGE_KEY_FILE):
        assert mode(directory / name) == 0o600, name
        assert str(directory / name) in output
    assert (
        not mode(directory / conf.SIGNING_CERT_FILE) & 0o022
    )  # not group/world-writable
    assert sorted(p.name for p in directory.iterdir()) == sorted(
        [conf.SIGNING_KEY_FILE, conf.SIGNING_CERT_FILE, conf.BADGE_KEY_FILE]
    )
    assert FINGERPRINT.search(output).group(1) == fingerprint_of(directory)


def test_keys_and_certificate_have_the_promised_properties(tmp_path):
    keygen("--dir", str(tmp_path))
    signing_key = serialization.load_pem_private_key(
        (tmp_path / conf.SIGNING_KEY_FILE).read_bytes(), password=None
    )
    assert isinstance(signing_key, ec.EllipticCurvePrivateKey)
    assert signing_key.curve.name == "secp256r1"
    badge_key = serialization.load_pem_private_key(
        (tmp_path / conf.BADGE_KEY_FILE).read_bytes(), password=None
    )
    assert isinstance(badge_key, rsa.RSAPrivateKey) and badge_key.key_size == 2048
    assert b"BEGIN PRIVATE KEY" in (tmp_path / conf.SIGNING_KEY_FILE).read_bytes()

    cert = load_cert(tmp_path)
    assert cert.public_key() == signing_key.public_key()
    assert cert.subject == cert.issuer  # self-signed
    cert.verify_directly_issued_by(cert)
    subject = {a.oid: a.value for a in cert.subject}
    assert subject == {
        NameOID.COUNTRY_NAME: "UA",
        NameOID.ORGANIZATION_NAME: DEFAULT_ORGANISATION,
        NameOID.COMMON_NAME: DEFAULT_COMMON_NAME,
    }
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert 3650 <= lifetime.days <= 3653

    ext = cert.extensions
    assert ext.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = ext.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and usage.key_cert_sign
    ekus = set(ext.get_extension_for_class(x509.ExtendedKeyUsage).value)
    assert {DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION} <= ekus
    ski = ext.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert ski == x509.SubjectKeyIdentifier.from_public_key(cert.public_key())


def test_custom_names(tmp_path):
    keygen(
        "--dir",
        str(tmp_path),
        "--organisation",
        "ГО «Школа місцевої демократії»",
        "--common-name",
        "Школа місцевої демократії",
    )
    subject = load_cert(tmp_path).subject
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == (
        "ГО «Школа місцевої демократії»"
    )


def test_refuses_to_overwrite_without_force(tmp_path):
    keygen("--dir", str(tmp_path))
    before = fingerprint_of(tmp_path)
    key_bytes = (tmp_path / conf.SIGNING_KEY_FILE).read_bytes()

    with pytest.raises(CommandError, match="--force"):
        keygen("--dir", str(tmp_path))
    assert fingerprint_of(tmp_path) == before
    assert (tmp_path / conf.SIGNING_KEY_FILE).read_bytes() == key_bytes

    keygen("--dir", str(tmp_path), "--force")
    assert fingerprint_of(tmp_path) != before
    assert mode(tmp_path / conf.SIGNING_KEY_FILE) == 0o600


def test_refusal_exits_with_status_1(tmp_path):
    generate_keys(tmp_path, organisation="O", common_name="CN")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test"}
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "certificates_keygen", "--dir", str(tmp_path)],
        cwd=Path(django_settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "Refusing to overwrite" in result.stderr


def test_if_missing_is_a_quiet_no_op_the_second_time(tmp_path):
    first = keygen("--dir", str(tmp_path), "--if-missing")
    assert "Wrote" in first
    fingerprint = fingerprint_of(tmp_path)
    stamps = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}

    second = keygen("--dir", str(tmp_path), "--if-missing")
    assert len(second.strip().splitlines()) == 1
    assert FINGERPRINT.search(second).group(1) == fingerprint
    assert fingerprint_of(tmp_path) == fingerprint
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == stamps


def test_if_missing_refuses_a_half_populated_directory(tmp_path):
    keygen("--dir", str(tmp_path))
    (tmp_path / conf.BADGE_KEY_FILE).unlink()
    with pytest.raises(CommandError, match="incomplete"):
        keygen("--dir", str(tmp_path), "--if-missing")


def test_default_directory_comes_from_settings(settings, tmp_path):
    settings.LMS_CERTIFICATES_KEY_DIR = str(tmp_path / "configured")
    keygen()
    assert (tmp_path / "configured" / conf.SIGNING_KEY_FILE).exists()
    assert load_signer() is load_signer(tmp_path / "configured")


def test_load_signer_on_empty_dir_names_the_command(tmp_path):
    with pytest.raises(SigningKeyMissing) as excinfo:
        load_signer(tmp_path)
    assert "certificates_keygen" in str(excinfo.value)
    assert str(tmp_path) in str(excinfo.value)


def test_generate_keys_refuses_existing_files(tmp_path):
    generate_keys(tmp_path, organisation="O", common_name="CN")
    with pytest.raises(FileExistsError, match="signing-key.pem"):
        generate_keys(tmp_path, organisation="O", common_name="CN")
