"""PDF renderer: text round-trips, long text is never dropped, QR decodes, fonts
are embedded, output is deterministic. Pure: no database.

Needs poppler-utils (pdftotext, pdftoppm) and zbar-tools (zbarimg); CI installs
them, so a missing tool is a failure, not a skip.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from pypdf import PdfReader

from certificates.pdf import (
    CertificateLayoutError,
    CertificateSnapshot,
    render_certificate,
)

VERIFY_URL = "https://learn.example.gov.ua/certificates/verify/K7Q2-9XHM-4TPA-WN3C/"
LONG_NAME = (
    "Олександра-Вікторія Коваленко-Шевчук-Григоренко-Неприщетська "
    "Святославівна-Марʼяна Ґудзь-Їжакевич"
)
LONG_TITLE = (
    "Громадські слухання, загальні збори мешканців та місцеві ініціативи: як "
    "організувати, провести, задокументувати та врахувати їхні результати в "
    "рішеннях місцевої ради, виконавчого комітету і старостинських округів громади"
)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"`{name}` is required for the certificate PDF tests; install "
            "poppler-utils and zbar-tools (apt-get install poppler-utils zbar-tools)"
        )
    return path


def make_snapshot(**overrides) -> CertificateSnapshot:
    data = {
        "full_name": "Марʼяна Ґудзь-Їжакевич",
        "programme_title": (
            "Участь громадськості у формуванні місцевої політики: "
            "інструменти та практики"
        ),
        "programme_kind": "certificate",
        "hours": 90,
        "ects": Decimal("3"),
        "date_completed": dt.date(2026, 11, 20),
        "date_issued": dt.date(2026, 11, 27),
        "outcomes": [
            "аналізує потреби громади та визначає зацікавлені сторони;",
            "планує громадські консультації, слухання та бюджет участі;",
            "Літери: ґ Ґ є Є і І ї Ї ʼ — «Марʼяна»",
        ],
        "issuer_name": "Громадська організація «Школа місцевої демократії»",
        "issuer_code": "12345678",
        "title_text": "СЕРТИФІКАТ",
        "wording": "успішно завершила навчання за програмою підвищення кваліфікації",
        "signatory_name": "Олена Іваненко",
        "signatory_position": "Голова правління",
        "registration_number": "2026-000123",
        "code": "K7Q2-9XHM-4TPA-WN3C",
        "verify_url": VERIFY_URL,
    }
    data.update(overrides)
    return CertificateSnapshot(**data)


def normalise(text: str) -> str:
    """Collapse line breaks/whitespace; rejoin words wrapped after a hyphen."""
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"-\s+", "-", text)


def pypdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return normalise(" ".join(page.extract_text() for page in reader.pages))


def pdftotext_text(pdf: bytes, tmp_path) -> str:
    exe = _tool("pdftotext")
    path = tmp_path / "cert.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(  # noqa: S603
        [exe, "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return normalise(out.stdout.decode("utf-8"))


def both_texts(pdf: bytes, tmp_path) -> list[str]:
    return [pypdf_text(pdf), pdftotext_text(pdf, tmp_path)]


def word_boxes(pdf: bytes, tmp_path) -> list[tuple[str, float, float, float, float]]:
    """Words on page 1 as (text, x0, y0, x1, y1) in PDF points (y up)."""
    path = tmp_path / "boxes.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(  # noqa: S603
        [_tool("pdftotext"), "-bbox", "-f", "1", "-l", "1", str(path), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout.decode("utf-8")
    page_h = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', out)[1])
    words = []
    for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
        r"(.*?)</word>",
        out,
    ):
        x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
        words.append((m[5], x0, page_h - y1, x1, page_h - y0))
    return words


def overlaps(a, b, tolerance: float = 0.5) -> bool:
    ax0, ay0, ax1, ay1 = a
    bx0, by0, bx1, by1 = b
    return (
        min(ax1, bx1) - max(ax0, bx0) > tolerance
        and min(ay1, by1) - max(ay0, by0) > tolerance
    )


def test_text_round_trips_with_cyrillic(tmp_path):
    snap = make_snapshot()
    pdf = render_certificate(snap)
    assert pdf.startswith(b"%PDF-")
    for text in both_texts(pdf, tmp_path):
        assert "Марʼяна Ґудзь-Їжакевич" in text
        assert snap.programme_title in text
        assert "3 кредити ЄКТС (90 годин)" in text
        assert "2026-000123" in text
        assert "K7Q2-9XHM-4TPA-WN3C" in text
        assert "СЕРТИФІКАТ" in text
        assert "засвідчує, що" in text
        assert "27 листопада 2026 року" in text
        assert "20 листопада 2026 року" in text
        assert VERIFY_URL in text
        assert "аналізує потреби громади" in text
        assert "Літери: ґ Ґ є Є і І ї Ї ʼ — «Марʼяна»" in text
    assert "ЄКТС" in pypdf_text(pdf)


def test_fractional_ects_and_short_programme(tmp_path):
    pdf = render_certificate(make_snapshot(ects=Decimal("1.5"), hours=45))
    for text in both_texts(pdf, tmp_path):
        assert "1,5 кредиту ЄКТС (45 годин)" in text
    short = make_snapshot(
        programme_kind="short",
        ects=None,
        hours=21,
        title_text="СЕРТИФІКАТ УЧАСНИКА",
    )
    for text in both_texts(render_certificate(short), tmp_path):
        assert "21 година" in text
        assert "ЄКТС" not in text
        assert "СЕРТИФІКАТ УЧАСНИКА" in text


def test_long_name_and_three_line_title_are_never_dropped(tmp_path):
    assert len(LONG_NAME) > 80
    snap = make_snapshot(full_name=LONG_NAME, programme_title=LONG_TITLE)
    pdf = render_certificate(snap)
    for text in both_texts(pdf, tmp_path):
        assert LONG_NAME in text
        assert LONG_TITLE in text
        assert "2026-000123" in text
        assert "K7Q2-9XHM-4TPA-WN3C" in text


def test_longest_texts_together_are_kept_without_overlap(tmp_path):
    """250-character title + kind label + 80+ character name + 8 outcomes +
    form of study + period: nothing dropped, no two words drawn over each other
    on page 1 (§7 items 8 and 9 of the certificates reference)."""
    title = (LONG_TITLE + " та їхніх виконавчих органів у громадах")[:250]
    assert len(title) == 250
    label = "професійна (сертифікатна) програма підвищення кваліфікації"
    outcomes = [
        f"Результат {i}: аналізує потреби громади, планує і проводить "
        "громадські консультації та звітує про їхні результати."
        for i in range(1, 9)
    ]
    snap = make_snapshot(
        full_name=LONG_NAME,
        programme_title=title,
        programme_kind_label=label,
        form_of_study="змішана (дистанційна та очна)",
        date_started=dt.date(2025, 12, 15),
        date_completed=dt.date(2026, 2, 20),
        outcomes=outcomes,
    )
    pdf = render_certificate(snap)
    for text in both_texts(pdf, tmp_path):
        for needle in (LONG_NAME, title, label, *outcomes):
            assert needle in text
        assert "Період навчання: з 15 грудня 2025 року по 20 лютого 2026 року" in text
        assert "Форма навчання: змішана (дистанційна та очна)" in text
        assert "K7Q2-9XHM-4TPA-WN3C" in text
    words = word_boxes(pdf, tmp_path)
    assert len(words) > 60
    for i, (word, *box) in enumerate(words):
        for other, *other_box in words[i + 1 :]:
            assert not overlaps(box, other_box), (word, other)


def test_default_page_has_no_overlapping_words(tmp_path):
    words = word_boxes(render_certificate(make_snapshot()), tmp_path)
    for i, (word, *box) in enumerate(words):
        for other, *other_box in words[i + 1 :]:
            assert not overlaps(box, other_box), (word, other)


def test_very_long_name_without_spaces_is_kept(tmp_path):
    name = "Ґ" + "ї" * 120
    pdf = render_certificate(make_snapshot(full_name=name))
    for text in both_texts(pdf, tmp_path):
        assert name in text.replace(" ", "")


def test_many_outcomes_move_to_annex_page(tmp_path):
    outcomes = [f"Результат навчання номер {i}: аналізує і планує." for i in range(40)]
    pdf = render_certificate(make_snapshot(outcomes=outcomes))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    for text in both_texts(pdf, tmp_path):
        for outcome in outcomes:
            assert outcome in text


def test_markup_in_text_prints_literally(tmp_path):
    name = '<font size=99>Іван</font> & "Петро" <b>'
    pdf = render_certificate(
        make_snapshot(full_name=name, programme_title="A < B & C > D")
    )
    for text in both_texts(pdf, tmp_path):
        assert name in text
        assert "A < B & C > D" in text


def test_same_snapshot_gives_identical_bytes():
    snap = make_snapshot()
    first = render_certificate(snap)
    assert render_certificate(snap) == first
    assert render_certificate(dataclasses.replace(snap)) == first
    assert render_certificate(dataclasses.replace(snap, code="OTHER-CODE")) != first


def test_fonts_embedded_and_no_standard_fonts():
    pdf = render_certificate(make_snapshot(full_name=LONG_NAME))
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    assert fonts, "no fonts found"
    for name, font in fonts.items():
        assert "Helvetica" not in name and "Times" not in name, name
        descendant = font
        if "/DescendantFonts" in font:
            descendant = font["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{name} is not embedded"
    assert any("DejaVuSerif" in n for n in fonts)
    assert b"Helvetica" not in pdf


def test_qr_decodes_to_verify_url(tmp_path):
    pdftoppm, zbarimg = _tool("pdftoppm"), _tool("zbarimg")
    path = tmp_path / "cert.pdf"
    path.write_bytes(render_certificate(make_snapshot(full_name=LONG_NAME)))
    subprocess.run(  # noqa: S603
        [
            pdftoppm,
            "-r",
            "200",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(path),
            str(tmp_path / "p"),
        ],
        check=True,
        timeout=120,
    )
    pngs = sorted(tmp_path.glob("p*.png"))
    assert pngs, "pdftoppm produced no image"
    out = subprocess.run(  # noqa: S603
        [zbarimg, "--raw", "-q", str(pngs[0])],
        capture_output=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr.decode()
    assert out.stdout.decode("utf-8").strip().splitlines() == [VERIFY_URL]


def test_qr_is_vector_not_raster():
    reader = PdfReader(io.BytesIO(render_certificate(make_snapshot())))
    resources = reader.pages[0]["/Resources"]
    assert "/XObject" not in resources or not resources["/XObject"]


def test_snapshot_validation():
    with pytest.raises(ValueError):
        make_snapshot(programme_kind="degree")
    with pytest.raises(ValueError):
        make_snapshot(full_name="  ")
    snap = make_snapshot(ects=2)
    assert snap.ects == Decimal("2")
    assert isinstance(snap.outcomes, tuple)


def test_absurd_text_raises_instead_of_dropping():
    with pytest.raises(CertificateLayoutError):
        render_certificate(make_snapshot(full_name="Ім'я Прізвище " * 400))
