"""Render a certificate snapshot to PDF bytes (pure: no database, no Django).

A4 landscape, DejaVu fonts shipped in ``certificates/fonts`` (embedded as subsets),
a vector QR code (segno matrix drawn as one reportlab path) and deterministic output:
the same snapshot always gives byte-identical PDFs (``invariant=1``).

Text is never dropped: every block is measured with ``Paragraph.wrap`` and drawn with
``drawOn`` at a computed position (no Frame that could silently discard it). Long names
shrink to a floor and then wrap; if the page still cannot hold the text, outcomes move
to an annex page, then sizes shrink further, and as a last resort
:class:`CertificateLayoutError` is raised — never a certificate with missing text.

Optional images (issuer logo, signature) must be PNG or JPEG. They are decoded and
checked before anything is drawn, so bad bytes raise :class:`CertificateLayoutError`
instead of failing half-way through a page. JPEGs without alpha are embedded as they
are; PNGs are embedded losslessly, with their alpha channel as a soft mask.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, Paragraph

from certificates.ukrainian import credits_and_hours, date_uk, period_uk

__all__ = [
    "CertificateColours",
    "CertificateLayoutError",
    "CertificateSnapshot",
    "render_certificate",
]

FONT_DIR = Path(__file__).resolve().parent / "fonts"
SERIF = "CertSerif"
SERIF_BOLD = "CertSerif-Bold"
SANS = "CertSans"
SANS_BOLD = "CertSans-Bold"
_FONT_FILES = {
    SERIF: "DejaVuSerif.ttf",
    SERIF_BOLD: "DejaVuSerif-Bold.ttf",
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
}
_fonts_lock = threading.Lock()
_fonts_ready = False

PAGE_W, PAGE_H = landscape(A4)
MARGIN = 20 * mm  # content margin (safe for home printers)
CONTENT_W = PAGE_W - 2 * MARGIN
TEXT_W = 190 * mm  # width of the central text column
INK = HexColor("#1d1d1f")
MUTED = HexColor("#55585e")


class CertificateLayoutError(ValueError):
    """The snapshot's text cannot be laid out without losing any of it."""


@dataclass(frozen=True)
class CertificateColours:
    primary: str = "#1f3a68"  # title, borders, programme title
    accent: str = "#b08d3c"  # thin rules and inner border

    def __post_init__(self) -> None:
        for value in (self.primary, self.accent):
            HexColor(value)  # raises ValueError on a bad colour


@dataclass(frozen=True)
class CertificateSnapshot:
    """Everything printed on the certificate, frozen at issue time."""

    full_name: str
    programme_title: str
    programme_kind: str  # "certificate" | "short"
    hours: int | Decimal
    ects: Decimal | None
    date_completed: dt.date
    date_issued: dt.date
    issuer_name: str
    issuer_code: str
    title_text: str
    wording: str
    signatory_name: str
    signatory_position: str
    registration_number: str
    code: str
    verify_url: str
    outcomes: tuple[str, ...] = field(default_factory=tuple)
    colours: CertificateColours = field(default_factory=CertificateColours)
    # When given, the facts line shows the period date_started..date_completed.
    date_started: dt.date | None = None
    # e.g. "професійна (сертифікатна) програма підвищення кваліфікації"; printed
    # as a caption under the programme title when not empty.
    programme_kind_label: str = ""
    form_of_study: str = ""  # e.g. "дистанційна"; in the facts line when not empty
    # PNG or JPEG bytes (empty bytes count as none); repr=False keeps reprs and
    # log lines short.
    logo: bytes | None = field(default=None, repr=False)
    signature_image: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.programme_kind not in {"certificate", "short"}:
            raise ValueError(f"unknown programme_kind {self.programme_kind!r}")
        object.__setattr__(self, "outcomes", tuple(self.outcomes))
        if self.ects is not None and not isinstance(self.ects, Decimal):
            object.__setattr__(self, "ects", Decimal(str(self.ects)))
        for name in ("full_name", "programme_title", "verify_url", "code"):
            if not str(getattr(self, name)).strip():
                raise ValueError(f"{name} must not be empty")
        if self.date_started is not None and self.date_started > self.date_completed:
            raise ValueError(
                f"date_started {self.date_started} is after "
                f"date_completed {self.date_completed}"
            )
        for name in ("logo", "signature_image"):
            value = getattr(self, name)
            if value is None:
                continue
            if not isinstance(value, bytes | bytearray | memoryview):
                raise TypeError(f"{name} must be bytes, not {type(value).__name__}")
            value = bytes(value) or None
            object.__setattr__(self, name, value)
            if value is not None and _image_format(value) is None:
                raise CertificateLayoutError(
                    f"{name} must be a PNG or JPEG image "
                    f"(the data starts with {value[:8]!r})"
                )


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
MAX_IMAGE_SIDE = 5000  # pixels; a larger image only bloats every PDF
_EXIF_ORIENTATION = 0x0112


def _image_format(data: bytes) -> str | None:
    if data.startswith(_PNG_SIGNATURE):
        return "PNG"
    if data.startswith(_JPEG_SIGNATURE):
        return "JPEG"
    return None


def _load_image(data: bytes, what: str) -> ImageReader:
    """Decode ``data`` fully (so that a truncated or corrupt file fails here, not
    while the page is being drawn) and return a reader for ``drawImage``.

    Plain RGB/grey JPEGs are embedded as they are (DCT); anything else is
    converted to 8-bit RGB, or RGBA when it has transparency, and embedded
    losslessly. An EXIF orientation (phone photos of a signature) is applied,
    because PDF viewers ignore it. Raises :class:`CertificateLayoutError` naming
    ``what`` ("logo", ...)."""
    from PIL import Image, ImageOps  # Pillow comes with Wagtail; images only

    expected = _image_format(data)
    if expected is None:
        raise CertificateLayoutError(
            f"{what} must be a PNG or JPEG image (the data starts with {data[:8]!r})"
        )
    try:
        with Image.open(io.BytesIO(data), formats=[expected]) as source:
            width, height = source.size
            if max(width, height) > MAX_IMAGE_SIDE:
                raise CertificateLayoutError(
                    f"{what} is {width}×{height} px; at most {MAX_IMAGE_SIDE} px "
                    "per side is accepted"
                )
            source.load()
            rotated = source.getexif().get(_EXIF_ORIENTATION, 1) not in {0, 1}
            if expected == "JPEG" and source.mode in {"RGB", "L"} and not rotated:
                return ImageReader(io.BytesIO(data))
            img = ImageOps.exif_transpose(source) if rotated else source
            has_alpha = img.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or (
                "transparency" in img.info
            )
            if img.mode == "I" or img.mode.startswith("I;16"):
                # 16-bit grey: scale to 8 bits (convert() would clip to white)
                img = img.convert("I").point(lambda v: v / 256).convert("L")
            converted = img.convert("RGBA" if has_alpha else "RGB")
    except CertificateLayoutError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise CertificateLayoutError(
            f"{what} is not a readable {expected} image: {exc}"
        ) from exc
    return ImageReader(converted)


def _image_box(reader: ImageReader, max_w: float, max_h: float) -> tuple[float, float]:
    """Size (points) of the image scaled to fit max_w × max_h, aspect kept."""
    px_w, px_h = reader.getSize()
    scale = min(max_w / px_w, max_h / px_h)
    return px_w * scale, px_h * scale


def _register_fonts() -> None:
    """Register the TTFs once per process (lazily, thread-safe)."""
    global _fonts_ready
    if _fonts_ready:
        return
    with _fonts_lock:
        if _fonts_ready:
            return
        for name, filename in _FONT_FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
        pdfmetrics.registerFontFamily(
            SERIF, normal=SERIF, bold=SERIF_BOLD, italic=SERIF, boldItalic=SERIF_BOLD
        )
        pdfmetrics.registerFontFamily(
            SANS, normal=SANS, bold=SANS_BOLD, italic=SANS, boldItalic=SANS_BOLD
        )
        _fonts_ready = True


def _esc(text: str) -> str:
    """Escape text for reportlab Paragraph markup (& < > and quotes)."""
    return escape(str(text), {'"': "&quot;"})


def _style(name: str, font: str, size: float, **kw) -> ParagraphStyle:
    kw.setdefault("alignment", TA_CENTER)
    kw.setdefault("textColor", INK)
    return ParagraphStyle(
        name,
        fontName=font,
        fontSize=size,
        leading=kw.pop("leading", size * 1.22),
        bulletFontName=font,
        splitLongWords=1,
        **kw,
    )


@dataclass
class _Block:
    para: Paragraph
    height: float
    space_before: float


def _measure(text_markup: str, style: ParagraphStyle, width: float) -> _Block:
    para = Paragraph(text_markup, style)
    _, h = para.wrap(width, PAGE_H)
    return _Block(para, h, 0.0)


def _fit_single_line(
    text: str, font: str, max_size: float, min_size: float, width: float
) -> float:
    """Largest size in [min_size, max_size] (0.5 pt steps) that fits on one line,
    else min_size (the caller then wraps)."""
    size = max_size
    while size >= min_size:
        if pdfmetrics.stringWidth(text, font, size) <= width:
            return size
        size -= 0.5
    return min_size


def _break_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy line breaking at spaces; only when a space-separated word is wider
    than the line, also after hyphens (compound surnames such as
    "Коваленко-Шевчук" then break after the hyphen, never inside a part). A single
    part wider than the line is left to the Paragraph (``splitLongWords``).
    Breaking at spaces first also keeps text extraction exact: poppler joins
    words across a line that ends in a hyphen."""
    text = " ".join(text.split())
    words = text.split(" ")
    if all(pdfmetrics.stringWidth(w, font, size) <= width for w in words):
        pieces = [w + " " for w in words]
    else:
        pieces = re.findall(r"[^\s-]*-+|[^\s-]+\s*|\s+", text)
    lines: list[str] = []
    current = ""
    for piece in pieces:
        candidate = current + piece
        if current and pdfmetrics.stringWidth(candidate.rstrip(), font, size) > width:
            lines.append(current.rstrip())
            current = piece.lstrip()
        else:
            current = candidate
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _draw_border(c: Canvas, colours: CertificateColours) -> None:
    primary, accent = HexColor(colours.primary), HexColor(colours.accent)
    c.setStrokeColor(primary)
    c.setLineWidth(2.4)
    c.rect(7 * mm, 7 * mm, PAGE_W - 14 * mm, PAGE_H - 14 * mm)
    c.setStrokeColor(accent)
    c.setLineWidth(0.7)
    inset = 10 * mm
    c.rect(inset, inset, PAGE_W - 2 * inset, PAGE_H - 2 * inset)
    # small corner ornaments on the inner frame
    c.setFillColor(accent)
    for x, y in (
        (inset, inset),
        (PAGE_W - inset, inset),
        (inset, PAGE_H - inset),
        (PAGE_W - inset, PAGE_H - inset),
    ):
        c.saveState()
        c.translate(x, y)
        c.rotate(45)
        c.rect(-2.2, -2.2, 4.4, 4.4, stroke=0, fill=1)
        c.restoreState()


def _qr_matrix(url: str) -> list[list[bool]]:
    """QR modules (error level M) as rows of booleans, without the quiet zone.

    segno is the intended encoder; reportlab's own encoder is a fallback so that a
    virtualenv built before segno was added to the lock file still renders."""
    try:
        import segno
    except ImportError:  # pragma: no cover - exercised only without segno
        from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

        qr = QRCode(None, QRErrorCorrectLevel.M)
        qr.addData(url)
        qr.make()
        n = qr.getModuleCount()
        return [[bool(qr.isDark(r, c)) for c in range(n)] for r in range(n)]
    return [[bool(m) for m in row] for row in segno.make(url, error="m").matrix]


def _draw_qr(c: Canvas, url: str, x: float, y: float, size: float) -> None:
    """Draw ``url`` as a vector QR code (one filled path) in a ``size`` square at
    (x, y) including the 4-module quiet zone."""
    border = 4
    rows = _qr_matrix(url)
    n = len(rows)
    module = size / (n + 2 * border)
    c.setFillColor(HexColor("#ffffff"))
    c.rect(x, y, size, size, stroke=0, fill=1)
    path = c.beginPath()
    for r, row in enumerate(rows):
        top = y + size - (border + r) * module
        col = 0
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                path.rect(
                    x + (border + start) * module,
                    top - module,
                    (col - start) * module,
                    module,
                )
            else:
                col += 1
    c.setFillColor(HexColor("#000000"))
    c.drawPath(path, stroke=0, fill=1)


def _facts(s: CertificateSnapshot) -> list[tuple[str, str]]:
    """(label, value) pairs of the facts line, in reading order."""
    facts = [("Обсяг", credits_and_hours(s.ects, s.hours))]
    if s.form_of_study.strip():
        facts.append(("Форма навчання", s.form_of_study.strip()))
    if s.date_started is not None:
        facts.append(("Період навчання", period_uk(s.date_started, s.date_completed)))
    else:
        facts.append(("Дата завершення навчання", date_uk(s.date_completed)))
    return facts


_FACT_SEPARATOR = "\u00a0\u00a0·\u00a0\u00a0"


def _facts_markup(s: CertificateSnapshot, size: float, width: float) -> str:
    """The facts joined by " · ", with line breaks only *between* facts: a fact
    moves to the next line whole instead of being split after its label."""
    sep_w = pdfmetrics.stringWidth(_FACT_SEPARATOR, SANS, size)
    lines: list[list[str]] = []
    line_w = 0.0
    for label, value in _facts(s):
        fact_w = pdfmetrics.stringWidth(f"{label}: ", SANS, size)
        fact_w += pdfmetrics.stringWidth(value, SANS_BOLD, size)
        markup = f"{_esc(label)}: <b>{_esc(value)}</b>"
        if lines and line_w + sep_w + fact_w <= width - 1:
            lines[-1].append(markup)
            line_w += sep_w + fact_w
        else:
            lines.append([markup])
            line_w = fact_w
    return "<br/>".join(_FACT_SEPARATOR.join(line) for line in lines)


def _main_blocks(
    s: CertificateSnapshot, scale: float, with_outcomes: bool
) -> list[_Block]:
    primary = HexColor(s.colours.primary)
    blocks: list[_Block] = []

    def add(block: _Block, before: float) -> None:
        block.space_before = before
        blocks.append(block)

    add(
        _measure(
            _esc("засвідчує, що"), _style("lead", SERIF, 13, textColor=MUTED), TEXT_W
        ),
        0,
    )
    name_max, name_min = 30 * scale, max(20 * scale, 12)
    name_size = _fit_single_line(s.full_name, SERIF_BOLD, name_max, name_min, TEXT_W)
    name_lines = _break_lines(s.full_name, SERIF_BOLD, name_size, TEXT_W)
    add(
        _measure(
            "<br/>".join(_esc(line) for line in name_lines),
            _style("name", SERIF_BOLD, name_size, leading=name_size * 1.18),
            TEXT_W,
        ),
        8,
    )
    add(
        _measure(
            _esc(s.wording), _style("wording", SERIF, 12.5 * min(scale, 1)), TEXT_W
        ),
        12,
    )
    title_size = max(16 * scale, 11)
    add(
        _measure(
            f"«{_esc(s.programme_title)}»",
            _style(
                "programme",
                SERIF_BOLD,
                title_size,
                textColor=primary,
                leading=title_size * 1.25,
            ),
            TEXT_W,
        ),
        6,
    )
    if s.programme_kind_label.strip():
        label_size = max(10 * min(scale, 1), 8.5)
        add(
            _measure(
                _esc(s.programme_kind_label),
                _style("kind", SANS, label_size, textColor=MUTED),
                TEXT_W,
            ),
            4,
        )
    add(
        _measure(
            _facts_markup(s, 10, TEXT_W),
            _style("facts", SANS, 10, textColor=MUTED, leading=14),
            TEXT_W,
        ),
        12,
    )
    if with_outcomes and s.outcomes:
        add(
            _measure(
                "Результати навчання",
                _style("oh", SANS_BOLD, 8.5, textColor=primary),
                TEXT_W,
            ),
            12,
        )
        items = "<br/>".join(f"•&nbsp;{_esc(o)}" for o in s.outcomes)
        add(
            _measure(
                items,
                _style("outcomes", SANS, 8, textColor=MUTED, leading=10.5),
                TEXT_W,
            ),
            3,
        )
    return blocks


def _stack_height(blocks: list[_Block]) -> float:
    return sum(b.height + b.space_before for b in blocks)


LEFT_COLUMN_X = MARGIN + 4 * mm  # logo and signatory block share this left edge
LOGO_MAX_H = 22 * mm
LOGO_MAX_W = 50 * mm
LOGO_GAP = 6 * mm  # between the logo and the centred header text


def _draw_header(c: Canvas, s: CertificateSnapshot, logo: ImageReader | None) -> float:
    """Logo (top left), issuer line, title and number; returns the y below the
    header. Header lines level with the logo are narrowed symmetrically so that
    they stay centred on the page and clear of the logo."""
    primary, accent = HexColor(s.colours.primary), HexColor(s.colours.accent)
    top = PAGE_H - MARGIN
    logo_bottom = top
    side = 0.0  # extra indent on both sides for lines level with the logo
    if logo is not None:
        logo_w, logo_h = _image_box(logo, LOGO_MAX_W, LOGO_MAX_H)
        logo_bottom = top - logo_h
        # left edge in line with the signatory block below
        c.drawImage(logo, LEFT_COLUMN_X, logo_bottom, logo_w, logo_h, mask="auto")
        side = LEFT_COLUMN_X - MARGIN + logo_w + LOGO_GAP

    def width_at(y: float, full: float) -> float:
        return min(full, CONTENT_W - 2 * side) if y > logo_bottom else full

    def draw_centred(block: _Block, y: float) -> None:
        block.para.drawOn(c, (PAGE_W - block.para.width) / 2, y - block.height)

    y = top - 6
    issuer = _measure(
        _esc(s.issuer_name.upper()),
        _style("issuer", SANS_BOLD, 10, textColor=primary, leading=12.5),
        width_at(y, CONTENT_W - 40 * mm),
    )
    draw_centred(issuer, y)
    y -= issuer.height
    if s.issuer_code:
        y -= 2
        code = _measure(
            _esc(f"Код ЄДРПОУ {s.issuer_code}"),
            _style("issuer_code", SANS, 8, textColor=MUTED),
            width_at(y, CONTENT_W),
        )
        draw_centred(code, y)
        y -= code.height
    y -= 9
    c.setStrokeColor(accent)
    c.setLineWidth(0.8)
    c.line(PAGE_W / 2 - 30 * mm, y, PAGE_W / 2 + 30 * mm, y)
    y -= 12
    title_w = width_at(y, CONTENT_W)
    title_size = _fit_single_line(
        s.title_text, SERIF_BOLD, 36, 22, min(title_w, CONTENT_W - 60)
    )
    title = _measure(
        _esc(s.title_text),
        _style(
            "title",
            SERIF_BOLD,
            title_size,
            textColor=primary,
            leading=title_size * 1.15,
        ),
        title_w,
    )
    draw_centred(title, y)
    y -= title.height + 2
    number = _measure(
        _esc(f"№ {s.registration_number}"),
        _style("number", SANS, 10, textColor=MUTED),
        width_at(y, CONTENT_W),
    )
    draw_centred(number, y)
    return min(y - number.height, logo_bottom)


FOOTER_TOP = MARGIN + 40 * mm  # y above which the main stack must stay
QR_SIZE = 33 * mm  # including the quiet zone; dark area about 27 mm


SIGNATURE_MAX_H = 16 * mm
SIGNATURE_MAX_W = 60 * mm


def _draw_footer(
    c: Canvas, s: CertificateSnapshot, signature: ImageReader | None
) -> None:
    accent = HexColor(s.colours.accent)
    # signatory (left)
    sig_w = 78 * mm
    sig_x = LEFT_COLUMN_X
    line_y = MARGIN + 19 * mm
    if signature is not None:
        # drawn before the line so the line stays crisp where ink touches it;
        # the image's lower edge sits just on the line, like a real signature
        img_w, img_h = _image_box(signature, SIGNATURE_MAX_W, SIGNATURE_MAX_H)
        c.drawImage(
            signature,
            sig_x + (sig_w - img_w) / 2,
            line_y - 1 * mm,
            img_w,
            img_h,
            mask="auto",
        )
    c.setStrokeColor(INK)
    c.setLineWidth(0.6)
    c.line(sig_x, line_y, sig_x + sig_w, line_y)
    name = _measure(
        _esc(s.signatory_name),
        _style("sig", SERIF_BOLD, 11, alignment=TA_LEFT),
        sig_w,
    )
    name.para.drawOn(c, sig_x, line_y - 3 - name.height)
    pos = _measure(
        _esc(s.signatory_position),
        _style("pos", SANS, 8, alignment=TA_LEFT, textColor=MUTED, leading=9.8),
        sig_w,
    )
    pos.para.drawOn(c, sig_x, line_y - 4 - name.height - pos.height)
    # issue date (centre)
    centre_w = 70 * mm
    issued = _measure(
        f"Дата видачі<br/><font name='{SERIF_BOLD}' size='11' color='#1d1d1f'>"
        f"{_esc(date_uk(s.date_issued))}</font>",
        _style("issued", SANS, 8, textColor=MUTED, leading=14),
        centre_w,
    )
    issued.para.drawOn(c, (PAGE_W - centre_w) / 2, line_y - 3 - issued.height + 12)
    c.setStrokeColor(accent)
    c.line(PAGE_W / 2 - 20 * mm, line_y + 14, PAGE_W / 2 + 20 * mm, line_y + 14)
    # QR and codes (right)
    qr_x = PAGE_W - MARGIN - QR_SIZE + 4 * mm
    qr_y = MARGIN + 2 * mm
    _draw_qr(c, s.verify_url, qr_x, qr_y, QR_SIZE)
    info_w = 62 * mm
    info = _measure(
        "Перевірка справжності:<br/>скануйте QR-код<br/>або введіть код<br/>"
        f"<font name='{SANS_BOLD}' size='10' color='#1d1d1f'>{_esc(s.code)}</font>",
        _style("info", SANS, 7.5, alignment=TA_RIGHT, textColor=MUTED, leading=12.5),
        info_w,
    )
    info.para.drawOn(c, qr_x + 1 * mm - info_w, qr_y + (QR_SIZE - info.height) / 2 + 2)
    url_w = info_w + QR_SIZE - 4 * mm
    url_size = _fit_single_line(s.verify_url, SANS, 7.5, 5.5, url_w)
    url = _measure(
        _esc(s.verify_url),
        _style("url", SANS, url_size, alignment=TA_RIGHT, textColor=MUTED),
        url_w,
    )
    url.para.drawOn(c, qr_x + QR_SIZE - 4 * mm - url_w, qr_y - url.height + 3 * mm)


def _draw_outcomes_annex(c: Canvas, s: CertificateSnapshot) -> None:
    """Learning outcomes on following page(s), when page 1 has no room."""
    primary = HexColor(s.colours.primary)
    story = [
        Paragraph(
            _esc(f"Додаток до сертифіката № {s.registration_number}"),
            _style("ah", SANS, 9, textColor=MUTED),
        ),
        Paragraph(
            "Результати навчання",
            _style("at", SERIF_BOLD, 18, textColor=primary, spaceBefore=6),
        ),
        Paragraph(
            f"«{_esc(s.programme_title)}» — {_esc(s.full_name)}",
            _style("ap", SERIF, 11, textColor=MUTED, spaceBefore=4, spaceAfter=14),
        ),
    ]
    item = _style("ai", SANS, 10, alignment=TA_LEFT, leftIndent=14, spaceAfter=5)
    story += [Paragraph(_esc(o), item, bulletText="•") for o in s.outcomes]
    while story:
        c.showPage()
        c.setFont(SANS, 10)
        _draw_border(c, s.colours)
        frame = Frame(
            MARGIN + 10 * mm,
            MARGIN,
            CONTENT_W - 20 * mm,
            PAGE_H - 2 * MARGIN,
            showBoundary=0,
        )
        before = len(story)
        frame.addFromList(story, c)
        if len(story) == before:
            raise CertificateLayoutError("an outcome does not fit on an annex page")


def render_certificate(snapshot: CertificateSnapshot) -> bytes:
    """Render ``snapshot`` to PDF bytes (deterministic for the same snapshot).

    Raises :class:`CertificateLayoutError` when the text cannot be laid out
    without losing any of it, or when the logo or signature image is not a
    readable PNG/JPEG."""
    _register_fonts()
    s = snapshot
    # decode images before drawing anything: bad bytes fail here, cleanly
    logo = _load_image(s.logo, "logo") if s.logo else None
    signature = (
        _load_image(s.signature_image, "signature_image") if s.signature_image else None
    )
    buf = io.BytesIO()
    c = Canvas(
        buf,
        pagesize=(PAGE_W, PAGE_H),
        invariant=1,
        pageCompression=1,
        initialFontName=SANS,  # no Helvetica reference in the PDF
        initialFontSize=10,
        initialLeading=12,
    )
    c.setTitle(f"{s.title_text} № {s.registration_number} — {s.full_name}")
    c.setAuthor(s.issuer_name)
    c.setSubject(s.programme_title)
    c.setCreator("certificates.pdf")
    c.setProducer("reportlab")

    _draw_border(c, s.colours)
    header_bottom = _draw_header(c, s, logo)
    available = header_bottom - 8 - FOOTER_TOP

    outcomes_on_page = bool(s.outcomes)
    blocks = None
    for with_outcomes in (True, False) if outcomes_on_page else (False,):
        for scale in (1.0, 0.9, 0.8, 0.7, 0.6):
            candidate = _main_blocks(s, scale, with_outcomes)
            if _stack_height(candidate) <= available:
                blocks = candidate
                outcomes_on_page = with_outcomes
                break
        if blocks is not None:
            break
    if blocks is None:
        raise CertificateLayoutError("certificate text does not fit on the page")

    # centre the stack vertically in the free band, slightly above the middle
    slack = available - _stack_height(blocks)
    y = header_bottom - 8 - slack * 0.45
    for block in blocks:
        y -= block.space_before + block.height
        block.para.drawOn(c, (PAGE_W - TEXT_W) / 2, y)

    _draw_footer(c, s, signature)
    if s.outcomes and not outcomes_on_page:
        _draw_outcomes_annex(c, s)
    c.showPage()
    c.save()
    return buf.getvalue()
