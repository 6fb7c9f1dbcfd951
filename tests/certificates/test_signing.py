"""PDF signatures: a rendered certificate signed with our key validates (pyHanko and
poppler's pdfsig), only against our certificate, and any change is detected.

Pure: no database. Keys are throwaway, generated once per module in a temp dir.
Needs poppler-utils (pdfsig); CI installs it, so a missing tool is a failure.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from certificates import conf
from certificates.pdf import render_certificate
from certificates.signing import (
    SIGNATURE_FIELD,
    SignatureCheck,
    SigningKeyMissing,
    check_pdf_signature,
    generate_keys,
    issuer_certificate_der,
    issuer_certificate_pem,
    load_signer,
    sign_pdf,
)
from tests.certificates.test_pdf import make_snapshot

ORGANISATION = "Тестова громада"
COMMON_NAME = "Тестова громада — сертифікати"


def _keys(directory: Path) -> Path:
    generate_keys(directory, organisation=ORGANISATION, common_name=COMMON_NAME)
    return directory


@pytest.fixture(scope="module")
def key_dir(tmp_path_factory) -> Path:
    return _keys(tmp_path_factory.mktemp("keys") / "ours")


@pytest.fixture(scope="module")
def other_key_dir(tmp_path_factory) -> Path:
    return _keys(tmp_path_factory.mktemp("keys") / "theirs")


@pytest.fixture(scope="module")
def unsigned_pdf() -> bytes:
    return render_certificate(make_snapshot())


@pytest.fixture(scope="module")
def signed_pdf(key_dir, unsigned_pdf) -> bytes:
    return sign_pdf(unsigned_pdf, signer=load_signer(key_dir))


def _trust(directory: Path) -> bytes:
    return issuer_certificate_pem(directory)


def _signature_dict(pdf: bytes):
    fields = PdfReader(io.BytesIO(pdf)).get_fields()
    return fields[SIGNATURE_FIELD]["/V"].get_object()


def _flip_byte_in_signed_stream(pdf: bytes) -> bytes:
    """Flip one byte of the first content stream inside the signed range.

    Stream data (not the xref or the /Contents hex) keeps the file parseable, so
    the failure we see is the digest, not a parser error.
    """
    start, length = (int(n) for n in _signature_dict(pdf)["/ByteRange"][:2])
    for match in re.finditer(rb"stream\r?\n", pdf):
        pos = match.end() + 16
        if start <= pos < start + length:
            tampered = bytearray(pdf)
            tampered[pos] ^= 0x01
            return bytes(tampered)
    raise AssertionError("no stream inside the first signed range")


def _pdfsig(pdf: bytes, tmp_path: Path) -> str:
    exe = shutil.which("pdfsig")
    if exe is None:
        pytest.fail("`pdfsig` is required; install poppler-utils")
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(  # noqa: S603 - fixed tool, our own temp file
        [exe, str(path)], capture_output=True, timeout=60, check=False
    )
    return out.stdout.decode("utf-8", "replace") + out.stderr.decode("utf-8", "replace")


class TestSignPdf:
    def test_signed_certificate_is_intact_trusted_and_covers_file(
        self, signed_pdf, key_dir
    ):
        check = check_pdf_signature(signed_pdf, trust_pem=_trust(key_dir))
        assert check.ok
        assert check == SignatureCheck(
            signed=True,
            intact=True,
            trusted=True,
            covers_whole_file=True,
            signer=COMMON_NAME,
            signed_at=check.signed_at,
        )
        assert check.signed_at is not None
        now = dt.datetime.now(dt.UTC)
        assert now - dt.timedelta(minutes=10) < check.signed_at <= now

    def test_pyhanko_directly_reports_trusted_entire_file(self, signed_pdf, key_dir):
        # Independent of check_pdf_signature: pyHanko's own API, our root only.
        root = load_cert_from_pemder(str(key_dir / conf.SIGNING_CERT_FILE))
        reader = PdfFileReader(io.BytesIO(signed_pdf))
        (sig,) = reader.embedded_signatures
        assert sig.field_name == SIGNATURE_FIELD
        status = validate_pdf_signature(
            sig, ValidationContext(trust_roots=[root], allow_fetching=False)
        )
        assert status.intact and status.valid and status.trusted
        assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        assert status.md_algorithm == "sha256"
        assert status.bottom_line

    def test_pades_subfilter_invisible_field_reason_location(self, signed_pdf):
        sig = _signature_dict(signed_pdf)
        assert sig["/SubFilter"] == "/ETSI.CAdES.detached"
        assert sig["/Reason"] == "Сертифікат про навчання"
        assert sig["/Location"] == "Україна"
        field = PdfReader(io.BytesIO(signed_pdf)).get_fields()[SIGNATURE_FIELD]
        assert field["/FT"] == "/Sig"
        widget = field.indirect_reference.get_object()
        assert [float(x) for x in widget.get("/Rect", [0, 0, 0, 0])] == [0, 0, 0, 0]

    def test_original_bytes_are_a_prefix_and_text_unchanged(
        self, signed_pdf, unsigned_pdf
    ):
        assert signed_pdf.startswith(unsigned_pdf)
        text = " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(signed_pdf)).pages
        )
        assert "Ґудзь-Їжакевич" in text

    def test_pdfsig_reports_valid_signature(self, signed_pdf, tmp_path):
        report = _pdfsig(signed_pdf, tmp_path)
        assert "Signature is Valid" in report, report
        assert "Total document signed" in report, report
        assert "ETSI.CAdES.detached" in report, report
        assert COMMON_NAME in report, report

    def test_default_signer_and_trust_root_come_from_settings(
        self, settings, key_dir, unsigned_pdf
    ):
        settings.LMS_CERTIFICATES_KEY_DIR = str(key_dir)
        signed = sign_pdf(unsigned_pdf)
        assert check_pdf_signature(signed).ok

    def test_concurrent_signing_with_one_cached_signer(self, key_dir, unsigned_pdf):
        signer = load_signer(key_dir)
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(
                pool.map(lambda _: sign_pdf(unsigned_pdf, signer=signer), range(6))
            )
        trust = _trust(key_dir)
        assert all(check_pdf_signature(pdf, trust_pem=trust).ok for pdf in results)

    def test_non_pdf_input_raises_pdf_read_error(self, key_dir):
        with pytest.raises(PdfReadError):
            sign_pdf(b"not a pdf", signer=load_signer(key_dir))


class TestCheckPdfSignature:
    def test_refuses_to_run_inside_an_event_loop(self, signed_pdf, key_dir):
        async def inside_loop():
            return check_pdf_signature(signed_pdf, trust_pem=_trust(key_dir))

        with pytest.raises(RuntimeError, match="sync_to_async"):
            asyncio.run(inside_loop())

    def test_other_root_is_intact_but_not_trusted(self, signed_pdf, other_key_dir):
        check = check_pdf_signature(signed_pdf, trust_pem=_trust(other_key_dir))
        assert check.signed and check.intact and check.covers_whole_file
        assert not check.trusted
        assert not check.ok

    def test_der_trust_root_is_accepted(self, signed_pdf, key_dir):
        assert check_pdf_signature(
            signed_pdf, trust_pem=issuer_certificate_der(key_dir)
        ).ok

    def test_one_flipped_byte_in_signed_range_breaks_it(
        self, signed_pdf, key_dir, tmp_path
    ):
        tampered = _flip_byte_in_signed_stream(signed_pdf)
        assert sum(a != b for a, b in zip(tampered, signed_pdf, strict=True)) == 1
        check = check_pdf_signature(tampered, trust_pem=_trust(key_dir))
        assert check.signed
        assert not check.intact
        assert not check.ok
        report = _pdfsig(tampered, tmp_path)
        assert "Signature is Valid" not in report, report

    def test_incremental_update_after_signing_is_not_whole_file(
        self, signed_pdf, key_dir
    ):
        # What an editor saving the file would do: append a new revision.
        writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
        writer.root["/Lang"] = generic.TextStringObject("en")
        writer.update_root()
        out = io.BytesIO()
        writer.write(out)
        check = check_pdf_signature(out.getvalue(), trust_pem=_trust(key_dir))
        assert check.signed and check.intact and check.trusted
        assert not check.covers_whole_file
        assert not check.ok

    @pytest.mark.parametrize(
        "data",
        [
            b"",
            b"not a pdf at all",
            b"%PDF-1.7\n%garbage\n" + bytes(range(256)) * 4,
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF",
        ],
        ids=["empty", "text", "binary", "broken-trailer"],
    )
    def test_garbage_is_unsigned_not_an_exception(self, data, key_dir):
        check = check_pdf_signature(data, trust_pem=_trust(key_dir))
        assert not check.signed
        assert not check.ok
        assert check.signer == ""
        assert check.signed_at is None

    def test_unsigned_certificate_is_unsigned(self, unsigned_pdf, key_dir):
        check = check_pdf_signature(unsigned_pdf, trust_pem=_trust(key_dir))
        assert not check.signed and not check.ok

    @pytest.mark.parametrize("fraction", [0.3, 0.9, 0.999])
    def test_truncated_signed_pdf_never_passes(self, signed_pdf, key_dir, fraction):
        data = signed_pdf[: int(len(signed_pdf) * fraction)]
        check = check_pdf_signature(data, trust_pem=_trust(key_dir))
        assert not check.ok


class TestLoadSigner:
    def test_cached_until_the_files_change(self, tmp_path, unsigned_pdf):
        directory = _keys(tmp_path / "rotating")
        first = load_signer(directory)
        assert load_signer(directory) is first
        old_root = _trust(directory)

        generate_keys(
            directory,
            organisation=ORGANISATION,
            common_name=COMMON_NAME,
            overwrite=True,
        )
        second = load_signer(directory)
        assert second is not first
        signed = sign_pdf(unsigned_pdf, signer=second)
        assert check_pdf_signature(signed, trust_pem=_trust(directory)).ok
        assert not check_pdf_signature(signed, trust_pem=old_root).trusted

    def test_missing_keys_raise_with_instructions(self, tmp_path):
        with pytest.raises(SigningKeyMissing) as excinfo:
            load_signer(tmp_path)
        message = str(excinfo.value)
        assert str(tmp_path) in message
        assert "certificates_keygen" in message

    def test_corrupt_or_mismatched_keys_raise(self, tmp_path, other_key_dir):
        directory = _keys(tmp_path / "bad")
        key = directory / conf.SIGNING_KEY_FILE
        key.write_bytes(
            b"-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n"
        )
        with pytest.raises(SigningKeyMissing, match="cannot parse"):
            load_signer(directory)
        key.write_bytes((other_key_dir / conf.SIGNING_KEY_FILE).read_bytes())
        with pytest.raises(SigningKeyMissing, match="does not belong"):
            load_signer(directory)

    def test_missing_default_trust_root_is_a_configuration_error(
        self, settings, tmp_path, signed_pdf
    ):
        settings.LMS_CERTIFICATES_KEY_DIR = str(tmp_path)
        with pytest.raises(SigningKeyMissing):
            check_pdf_signature(signed_pdf)
