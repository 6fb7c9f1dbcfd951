"""PDF renderer: the optional logo and signature images.

Images are embedded as image XObjects (the signature's alpha as a soft mask), the
output stays deterministic, images never cover text, and bad image bytes raise a
clear :class:`CertificateLayoutError` before anything is drawn. Test images are
made here with Pillow (a Wagtail dependency). Pure: no database.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from certificates.pdf import (
    MAX_IMAGE_SIDE,
    CertificateLayoutError,
    render_certificate,
)
from tests.certificates.test_pdf import (
    LONG_NAME,
    VERIFY_URL,
    _tool,
    both_texts,
    make_snapshot,
    overlaps,
    word_boxes,
)

ROOT = Path(__file__).resolve().parents[2]


def png_logo() -> bytes:
    """400×400 RGBA: a ring and a triangle on a transparent background."""
    im = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    draw.ellipse((10, 10, 390, 390), fill=(31, 58, 104, 255))
    draw.ellipse((60, 60, 340, 340), fill=(255, 255, 255, 255))
    draw.polygon([(200, 80), (320, 300), (80, 300)], fill=(176, 141, 60, 255))
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def jpeg_logo(mode: str = "RGB") -> bytes:
    """800×240 (wider than the logo box allows at full height)."""
    im = Image.new("RGB", (800, 240), (255, 255, 255))
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 0, 240, 240), fill=(31, 58, 104))
    draw.rectangle((280, 60, 780, 110), fill=(176, 141, 60))
    out = io.BytesIO()
    im.convert(mode).save(out, "JPEG", quality=85)
    return out.getvalue()


def png_signature() -> bytes:
    """600×200 RGBA: blue strokes on a transparent background."""
    im = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    draw.line(
        [(30, 120), (120, 40), (200, 150), (300, 50), (420, 140), (560, 60)],
        fill=(20, 40, 120, 255),
        width=6,
    )
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def image_snapshot():
    """Used in-process and by the subprocess in the determinism test."""
    return make_snapshot(logo=png_logo(), signature_image=png_signature())


def image_xobjects(pdf: bytes, page: int = 0) -> dict:
    resources = PdfReader(io.BytesIO(pdf)).pages[page]["/Resources"]
    xobjects = resources.get("/XObject") or {}
    return {
        str(name): obj.get_object()
        for name, obj in xobjects.items()
        if obj.get_object()["/Subtype"] == "/Image"
    }


def image_rects(pdf: bytes) -> list[tuple[float, float, float, float]]:
    """(x0, y0, x1, y1) of every image drawn on page 1, in PDF points.

    reportlab draws an image as ``q 1 0 0 1 x y cm w 0 0 h 0 0 cm /Name Do Q``;
    the content stream is walked with a CTM stack so this does not depend on it."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    ops = page.get_contents().operations
    ctm, stack, rects = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), [], []
    for operands, op in ops:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop()
        elif op == b"cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            A, B, C, D, E, F = ctm
            ctm = (
                a * A + b * C,
                a * B + b * D,
                c * A + d * C,
                c * B + d * D,
                e * A + f * C + E,
                e * B + f * D + F,
            )
        elif op == b"Do":
            A, B, C, D, E, F = ctm
            rects.append((E, F, E + A + C, F + B + D))
    return rects


def test_logo_and_signature_are_embedded_images():
    pdf = render_certificate(image_snapshot())
    images = image_xobjects(pdf)
    # two images plus the signature's and the logo's alpha (soft masks)
    main = [img for img in images.values() if "/SMask" in img]
    assert len(main) == 2, images
    sizes = sorted((int(img["/Width"]), int(img["/Height"])) for img in main)
    assert sizes == [(400, 400), (600, 200)]
    assert len(image_rects(pdf)) == 2


def test_images_keep_aspect_and_size_limits():
    pdf = render_certificate(
        make_snapshot(logo=jpeg_logo(), signature_image=png_signature())
    )
    mm = 72 / 25.4
    rects = sorted(image_rects(pdf), key=lambda r: -r[1])  # logo (top) first
    logo, signature = rects
    for (x0, y0, x1, y1), (px_w, px_h), max_w, max_h in (
        (logo, (800, 240), 50 * mm, 22 * mm),
        (signature, (600, 200), 60 * mm, 16 * mm),
    ):
        w, h = x1 - x0, y1 - y0
        assert w <= max_w + 0.01 and h <= max_h + 0.01
        assert w / h == pytest.approx(px_w / px_h, rel=1e-6)
        assert w == pytest.approx(max_w) or h == pytest.approx(max_h)


def test_rgb_jpeg_is_embedded_as_it_is():
    data = jpeg_logo()
    pdf = render_certificate(make_snapshot(logo=data))
    (image,) = image_xobjects(pdf).values()
    filters = image["/Filter"]
    assert "/DCTDecode" in (filters if isinstance(filters, list) else [filters])
    assert image.get_data() == data  # the JPEG's own bytes, not re-encoded


def test_jpeg_exif_orientation_is_applied():
    """A phone photo stored sideways with EXIF orientation 6 (rotate 90°):
    PDF viewers ignore EXIF, so the renderer must turn the pixels itself."""
    im = Image.new("RGB", (300, 100), (255, 255, 255))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif)
    pdf = render_certificate(make_snapshot(signature_image=out.getvalue()))
    (image,) = image_xobjects(pdf).values()
    assert (int(image["/Width"]), int(image["/Height"])) == (100, 300)
    assert "/DCTDecode" not in str(image.get("/Filter"))


@pytest.mark.parametrize("mode", ["CMYK", "L"])
def test_other_jpeg_modes_render(mode):
    pdf = render_certificate(make_snapshot(logo=jpeg_logo(mode)))
    assert len(image_xobjects(pdf)) == 1


@pytest.mark.parametrize("mode", ["RGB", "L", "P", "LA", "I;16", "1"])
def test_png_modes_render(mode):
    im = Image.new("RGBA", (120, 60), (0, 0, 0, 0))
    ImageDraw.Draw(im).rectangle((10, 10, 110, 50), fill=(200, 30, 30, 255))
    im = im.convert(mode) if mode != "P" else im.convert("RGB").convert("P")
    out = io.BytesIO()
    im.save(out, "PNG")
    pdf = render_certificate(make_snapshot(signature_image=out.getvalue()))
    assert image_xobjects(pdf)


def test_images_never_cover_text(tmp_path):
    snap = make_snapshot(
        full_name=LONG_NAME,
        issuer_name=(
            "Громадська організація «Школа місцевої демократії та участі "
            "громадськості у врядуванні територіальних громад України»"
        ),
        title_text="СВІДОЦТВО ПРО ПІДВИЩЕННЯ КВАЛІФІКАЦІЇ",
        signatory_name="Олександра-Вікторія Коваленко-Шевчук",
        signatory_position="Голова правління громадської організації",
        logo=jpeg_logo(),
        signature_image=png_signature(),
    )
    pdf = render_certificate(snap)
    rects = image_rects(pdf)
    assert len(rects) == 2
    for word, *box in word_boxes(pdf, tmp_path):
        for rect in rects:
            assert not overlaps(box, rect), (word, box, rect)
    for text in both_texts(pdf, tmp_path):
        assert snap.issuer_name.upper() in text
        assert "СВІДОЦТВО ПРО ПІДВИЩЕННЯ КВАЛІФІКАЦІЇ" in text


def test_qr_still_decodes_with_images(tmp_path):
    path = tmp_path / "cert.pdf"
    path.write_bytes(render_certificate(image_snapshot()))
    subprocess.run(  # noqa: S603
        [_tool("pdftoppm"), "-r", "150", "-png", "-f", "1", "-l", "1", str(path)]
        + [str(tmp_path / "p")],
        check=True,
        timeout=120,
    )
    (png,) = tmp_path.glob("p*.png")
    out = subprocess.run(  # noqa: S603
        [_tool("zbarimg"), "--raw", "-q", str(png)], capture_output=True, timeout=120
    )
    assert out.stdout.decode("utf-8").strip().splitlines() == [VERIFY_URL]


def test_render_with_images_is_deterministic():
    snap = image_snapshot()
    first = render_certificate(snap)
    assert render_certificate(snap) == first
    assert render_certificate(image_snapshot()) == first
    # another process with another hash seed gives the same bytes
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from certificates.pdf import render_certificate\n"
            "from tests.certificates.test_pdf_images import image_snapshot\n"
            "sys.stdout.buffer.write(render_certificate(image_snapshot()))\n",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        capture_output=True,
        check=True,
        timeout=120,
    )
    assert child.stdout == first
    other = render_certificate(make_snapshot(logo=png_logo()))
    assert other != first


def test_snapshot_with_images_is_hashable_and_short_in_repr():
    a, b = image_snapshot(), image_snapshot()
    assert a == b and hash(a) == hash(b)
    assert len(repr(a)) < 2000
    assert "logo=" not in repr(a)


def test_empty_image_bytes_mean_no_image():
    snap = make_snapshot(logo=b"", signature_image=bytearray())
    assert snap.logo is None and snap.signature_image is None
    assert not image_xobjects(render_certificate(snap))


@pytest.mark.parametrize(
    "data",
    [
        b"not an image at all",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    ],
)
def test_non_png_jpeg_bytes_are_rejected_at_snapshot_creation(data):
    with pytest.raises(CertificateLayoutError, match=r"logo must be a PNG or JPEG"):
        make_snapshot(logo=data)


@pytest.mark.parametrize("field", ["logo", "signature_image"])
def test_corrupt_image_raises_clear_error_at_render(field):
    truncated = png_signature()[:200]  # valid PNG signature, data cut short
    snap = make_snapshot(**{field: truncated})
    with pytest.raises(
        CertificateLayoutError, match=rf"^{field} is not a readable PNG image"
    ):
        render_certificate(snap)
    broken_jpeg = jpeg_logo()[:40] + b"\x00" * 40
    with pytest.raises(CertificateLayoutError, match=rf"^{field} .*JPEG"):
        render_certificate(make_snapshot(**{field: broken_jpeg}))


def test_oversized_image_is_rejected():
    out = io.BytesIO()
    Image.new("L", (MAX_IMAGE_SIDE + 1, 1)).save(out, "PNG")
    with pytest.raises(CertificateLayoutError, match=r"at most 5000 px"):
        render_certificate(make_snapshot(logo=out.getvalue()))


def test_image_of_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="logo must be bytes"):
        make_snapshot(logo="logo.png")
