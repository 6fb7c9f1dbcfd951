"""PAdES signatures on certificate PDFs, and the keys behind them.

Why a signature at all: the public verification page is the primary trust anchor,
but a PDF that leaves the site (e-mailed to an HR department, printed, uploaded to
a recognition portal) should prove by itself that it came from us unchanged.
Anyone who trusts our published issuer certificate can check that with pyHanko,
Adobe Reader or poppler's ``pdfsig``. A self-issued key proves integrity only; it
is not a Ukrainian qualified seal; a qualified seal from a trust service
provider (КНЕДП) would replace ``load_signer`` if recognition rules demand one.

Keys live in ``certificates.conf.key_dir()``, outside the repository and the
database, and are created by ``python manage.py certificates_keygen``:

``signing-key.pem``
    ECDSA P-256 (PKCS#8, 0600). Chosen over RSA because pyHanko 0.38 re-parses the
    private key on every signature and ``cryptography`` re-validates RSA primes on
    each parse (~0.4 s per RSA-3072 signature); ECDSA signs in ~20 ms.
``signing-cert.pem``
    Self-signed issuer certificate. It is both trust root and signer, so a
    verifier needs exactly one file. Its extended key usage lists
    id-kp-documentSigning *and* emailProtection, because poppler (pdfsig, Evince,
    Okular) reports "Unknown issue with Certificate" without the latter.
``badge-key.pem``
    RSA-2048 for Open Badges VC-JWT, where RS256 is the interoperability minimum.

pyHanko's synchronous entry points call ``asyncio.run``: call :func:`sign_pdf` and
:func:`check_pdf_signature` from synchronous code (views, tasks, commands), or
through ``asgiref.sync.sync_to_async`` from async code.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from certificates import conf

__all__ = [
    "SIGNATURE_FIELD",
    "SignatureCheck",
    "SigningKeyMissing",
    "badge_key_pem",
    "certificate_fingerprint",
    "check_pdf_signature",
    "generate_keys",
    "issuer_certificate_der",
    "issuer_certificate_pem",
    "load_signer",
    "sign_pdf",
]

logger = logging.getLogger(__name__)

SIGNATURE_FIELD = "IssuerSignature"
KEYGEN_COMMAND = "python manage.py certificates_keygen"
CERT_VALIDITY = dt.timedelta(days=3652)  # ten years, leap days included
# RFC 9336 id-kp-documentSigning; cryptography has no named constant for it.
DOCUMENT_SIGNING_OID = ObjectIdentifier("1.3.6.1.5.5.7.3.36")

COMMON_NAME_MAX = 64  # bytes, as cryptography checks it
DIR_MODE = 0o700
KEY_MODE = 0o600


class SigningKeyMissing(RuntimeError):
    """The key directory lacks a usable signing key or issuer certificate."""

    def __init__(self, directory: Path, detail: str = "") -> None:
        self.directory = directory
        reason = f" ({detail})" if detail else ""
        super().__init__(
            f"No usable certificate signing key in {directory}{reason}. "
            f"Create one with `{KEYGEN_COMMAND}` (add `--dir {directory}` if that "
            "is not LMS_CERTIFICATES_KEY_DIR), or set "
            "LMS_CERTIFICATES_SIGNING = False to issue unsigned PDFs."
        )


# --------------------------------------------------------------------------- keys


def _key_paths(directory: Path) -> tuple[Path, Path, Path]:
    return (
        directory / conf.SIGNING_KEY_FILE,
        directory / conf.SIGNING_CERT_FILE,
        directory / conf.BADGE_KEY_FILE,
    )


def _private_pem(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _common_name(value: str) -> x509.NameAttribute:
    """CN attribute of at most 64 UTF-8 bytes (about 30 Cyrillic letters).

    RFC 5280 counts characters, but ``cryptography`` counts bytes and warns on
    every later read of a longer name, so we keep to its limit and say so.
    """
    if not value or len(value.encode("utf-8")) > COMMON_NAME_MAX:
        raise ValueError(
            f"common name must be 1..{COMMON_NAME_MAX} bytes in UTF-8 "
            f"(about 30 Cyrillic letters), got {len(value.encode('utf-8'))}"
        )
    return x509.NameAttribute(NameOID.COMMON_NAME, value)


def _issuer_certificate(
    key: ec.EllipticCurvePrivateKey, *, organisation: str, common_name: str
) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "UA"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            _common_name(common_name),
        ]
    )
    public_key = key.public_key()
    # Backdated a little so that a verifier whose clock lags ours still accepts it.
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + CERT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # a.k.a. nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [DOCUMENT_SIGNING_OID, ExtendedKeyUsageOID.EMAIL_PROTECTION]
            ),
            critical=False,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
        )
        .sign(key, hashes.SHA256())
    )


def _write_private(path: Path, data: bytes, mode: int) -> None:
    """Write via a fresh temporary file so the secret is never world-readable,
    even for an instant, and a crash never leaves half a key behind."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(fd, mode)  # os.open's mode is filtered by the umask; be exact
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def generate_keys(
    directory: Path,
    *,
    organisation: str,
    common_name: str,
    overwrite: bool = False,
) -> list[Path]:
    """Create the signing key, issuer certificate and badge key in ``directory``.

    Returns the paths written (signing key, certificate, badge key). Raises
    ``FileExistsError`` when any of them exists and ``overwrite`` is false,
    because replacing a key silently would orphan every PDF signed with it.
    """
    directory = Path(directory)
    paths = _key_paths(directory)
    existing = [p for p in paths if p.exists()]
    if existing and not overwrite:
        names = ", ".join(p.name for p in existing)
        raise FileExistsError(
            f"Refusing to overwrite existing key material in {directory}: {names}. "
            "PDFs and badges signed with the old keys would stop verifying against "
            "the new certificate; pass overwrite=True (`--force`) to replace them."
        )
    if not directory.exists():
        directory.mkdir(mode=DIR_MODE, parents=True)
        directory.chmod(DIR_MODE)

    signing_key = ec.generate_private_key(ec.SECP256R1())
    cert = _issuer_certificate(
        signing_key, organisation=organisation, common_name=common_name
    )
    badge_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    key_path, cert_path, badge_path = paths
    _write_private(key_path, _private_pem(signing_key), KEY_MODE)
    # The certificate is public, but 0644 via the same atomic path keeps it simple.
    _write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    _write_private(badge_path, _private_pem(badge_key), KEY_MODE)
    return list(paths)


def certificate_fingerprint(cert_pem: bytes) -> str:
    """SHA-256 fingerprint as colon-separated upper-case hex (as browsers show it)."""
    cert = x509.load_pem_x509_certificate(cert_pem)
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def _read(directory: Path, name: str) -> bytes:
    path = directory / name
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SigningKeyMissing(directory, f"{name} is missing") from None
    except OSError as exc:
        raise SigningKeyMissing(directory, f"{name} is unreadable: {exc}") from exc


def issuer_certificate_pem(directory: Path | None = None) -> bytes:
    """The published issuer certificate (PEM), i.e. the trust root to hand out."""
    return _read(
        Path(directory) if directory else conf.key_dir(), conf.SIGNING_CERT_FILE
    )


def issuer_certificate_der(directory: Path | None = None) -> bytes:
    """The issuer certificate as DER (``application/pkix-cert`` downloads)."""
    cert = x509.load_pem_x509_certificate(issuer_certificate_pem(directory))
    return cert.public_bytes(serialization.Encoding.DER)


def badge_key_pem(directory: Path | None = None) -> bytes:
    """The RSA private key (PEM) for Open Badges VC-JWT signatures."""
    return _read(Path(directory) if directory else conf.key_dir(), conf.BADGE_KEY_FILE)


# ------------------------------------------------------------------------ signing


class _CachedKeySigner(signers.SimpleSigner):
    """``SimpleSigner`` that parses its private key once.

    pyHanko 0.38 turns ``signing_key`` back into a ``cryptography`` key object on
    every ``sign_raw``. For our ECDSA key that costs well under a millisecond
    (measured: ~18.5 ms per signature either way, the time is asn1crypto
    serialising CMS); it matters if an RSA key is ever dropped in, where
    ``cryptography`` re-checks the primes on each load (~0.4 s for RSA-3072).
    """

    def __init__(self, *, private_key, **kwargs) -> None:
        super().__init__(**kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algo = mechanism.signature_algo
        except ValueError:
            algo = None
        if algo == "ecdsa" and isinstance(
            self._private_key, ec.EllipticCurvePrivateKey
        ):
            hash_algo = get_pyca_cryptography_hash(digest_algorithm)
            return self._private_key.sign(data, ec.ECDSA(hash_algo))
        return super().sign_raw(data, digest_algorithm)


_signer_lock = threading.Lock()
_signer_cache: dict[Path, tuple[tuple, signers.SimpleSigner]] = {}


def _file_stamp(path: Path) -> tuple:
    st = path.stat()
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _build_signer(directory: Path) -> signers.SimpleSigner:
    key_pem = _read(directory, conf.SIGNING_KEY_FILE)
    cert_pem = _read(directory, conf.SIGNING_CERT_FILE)
    try:
        private_key = serialization.load_pem_private_key(key_pem, password=None)
        cert = x509.load_pem_x509_certificate(cert_pem)
    except (ValueError, TypeError) as exc:
        raise SigningKeyMissing(
            directory, f"cannot parse key or certificate: {exc}"
        ) from exc
    public_der = (
        serialization.Encoding.DER,
        serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    if cert.public_key().public_bytes(*public_der) != (
        private_key.public_key().public_bytes(*public_der)
    ):
        raise SigningKeyMissing(
            directory,
            f"{conf.SIGNING_KEY_FILE} does not belong to {conf.SIGNING_CERT_FILE}",
        )
    key_info = asn1_keys.PrivateKeyInfo.load(
        private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return _CachedKeySigner(
        private_key=private_key,
        signing_cert=asn1_x509.Certificate.load(
            cert.public_bytes(serialization.Encoding.DER)
        ),
        signing_key=key_info,
        cert_registry=SimpleCertificateStore(),
    )


def load_signer(directory: Path | None = None) -> signers.SimpleSigner:
    """The pyHanko signer for the key directory, cached per directory.

    The cache is invalidated when either file changes (inode, mtime or size), so
    rotating keys with ``certificates_keygen --force`` needs no restart. Raises
    :class:`SigningKeyMissing` when the key or certificate is missing, unreadable,
    unparsable or mismatched.
    """
    directory = Path(directory) if directory else conf.key_dir()
    key_path, cert_path, _ = _key_paths(directory)
    with _signer_lock:
        try:
            stamp = (_file_stamp(key_path), _file_stamp(cert_path))
        except OSError:
            stamp = None
        cached = _signer_cache.get(directory)
        if stamp is not None and cached is not None and cached[0] == stamp:
            return cached[1]
        signer = _build_signer(directory)  # raises SigningKeyMissing
        if stamp is not None:
            _signer_cache[directory] = (stamp, signer)
        return signer


def sign_pdf(
    pdf: bytes,
    *,
    signer: signers.Signer | None = None,
    reason: str = "Сертифікат про навчання",
    location: str = "Україна",
) -> bytes:
    """Return ``pdf`` with an invisible PAdES B-B signature appended.

    The signature (field ``IssuerSignature``, ``/ETSI.CAdES.detached``, SHA-256)
    is an incremental update covering the whole input, so the original bytes stay
    a prefix of the result. No timestamp authority is contacted (B-B, offline), so
    the signing time is the one our own clock reports. Raises
    :class:`SigningKeyMissing` when ``signer`` is omitted and no key is set up,
    and pyHanko's ``PdfReadError`` for input that is not a PDF.
    """
    if signer is None:
        signer = load_signer()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    # With no existing field of that name pyHanko adds one without a widget
    # rectangle, i.e. an invisible signature.
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()


# --------------------------------------------------------------------- validation


@dataclass(frozen=True)
class SignatureCheck:
    """Outcome of checking the last signature of a PDF.

    ``intact`` means the signed bytes hash to the signed digest *and* the
    signature over that digest is cryptographically valid; ``trusted`` means the
    signer certificate chains to the trust root we were given;
    ``covers_whole_file`` means nothing was appended after signing.
    """

    signed: bool
    intact: bool
    trusted: bool
    covers_whole_file: bool
    signer: str
    signed_at: dt.datetime | None

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.trusted and self.covers_whole_file


_UNSIGNED = SignatureCheck(
    signed=False,
    intact=False,
    trusted=False,
    covers_whole_file=False,
    signer="",
    signed_at=None,
)


def _subject_name(cert: asn1_x509.Certificate) -> str:
    try:
        native = cert.subject.native
        return native.get("common_name") or cert.subject.human_friendly
    except Exception:  # malformed certificate in an untrusted file
        logger.debug("cannot read signer subject", exc_info=True)
        return ""


def check_pdf_signature(
    pdf: bytes, *, trust_pem: bytes | None = None
) -> SignatureCheck:
    """Validate the last signature in ``pdf`` against a single trust root.

    ``trust_pem`` (PEM or DER) defaults to our issuer certificate; the operating
    system's trust store is never consulted, and revocation is not checked (the
    root is self-signed and validation must work offline). Any malformed input
    (not a PDF, truncated, no signature) yields a result with ``signed=False``
    or ``intact=False`` instead of an exception. Raises
    :class:`SigningKeyMissing` only when the default trust root is missing,
    which is a configuration error, not bad input.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError(
            "check_pdf_signature() runs pyHanko's event loop; call it from "
            "synchronous code or via asgiref.sync.sync_to_async."
        )
    if trust_pem is None:
        trust_pem = issuer_certificate_pem()
    trust_roots = [
        asn1_x509.Certificate.load(der) for der in _certificates_der(trust_pem)
    ]

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_regular_signatures
    except Exception:  # garbage in: pyHanko raises many unrelated error types
        logger.debug("not a readable PDF", exc_info=True)
        return _UNSIGNED
    if not embedded:
        return _UNSIGNED
    sig = embedded[-1]

    context = ValidationContext(
        trust_roots=trust_roots, allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        status = validate_pdf_signature(sig, signer_validation_context=context)
    except Exception:  # a signature dictionary that cannot even be evaluated
        logger.debug("signature could not be validated", exc_info=True)
        try:
            signer = _subject_name(sig.signer_cert)
        except Exception:
            signer = ""
        return SignatureCheck(
            signed=True,
            intact=False,
            trusted=False,
            covers_whole_file=False,
            signer=signer,
            signed_at=None,
        )
    return SignatureCheck(
        signed=True,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=_subject_name(status.signing_cert),
        signed_at=(
            status.signer_reported_dt.astimezone(dt.UTC)
            if status.signer_reported_dt
            else None
        ),
    )


def _certificates_der(data: bytes) -> list[bytes]:
    """Every certificate in a PEM bundle, or the single DER certificate given."""
    if b"-----BEGIN" in data:
        certs = x509.load_pem_x509_certificates(data)
    else:
        certs = [x509.load_der_x509_certificate(data)]
    return [c.public_bytes(serialization.Encoding.DER) for c in certs]
