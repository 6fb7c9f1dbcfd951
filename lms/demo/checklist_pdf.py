"""The demo library's one attached document: a printable checklist as a PDF.

Written by the programme itself (``public_content.CHECKLIST``), so the demo
never ships a made-up copy of somebody else's publication. DejaVu fonts (from
the certificates app) cover Cyrillic; ``invariant`` makes the bytes repeatable.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from certificates.pdf import FONT_DIR

SANS = "DemoChecklistSans"
SANS_BOLD = "DemoChecklistSans-Bold"
INK = HexColor("#1b1f24")
BLUE = HexColor("#16407a")
MUTED = HexColor("#4a5360")


def _fonts() -> None:
    registered = pdfmetrics.getRegisteredFontNames()
    if SANS not in registered:
        pdfmetrics.registerFont(TTFont(SANS, str(FONT_DIR / "DejaVuSans.ttf")))
    if SANS_BOLD not in registered:
        pdfmetrics.registerFont(
            TTFont(SANS_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        )


def checklist_pdf(spec: dict) -> bytes:
    """A4 PDF of ``spec``: title, intro, sections of tick boxes, footer line."""
    _fonts()
    title = ParagraphStyle(
        "title",
        fontName=SANS_BOLD,
        fontSize=17,
        leading=22,
        textColor=BLUE,
        spaceAfter=6 * mm,
    )
    intro = ParagraphStyle(
        "intro",
        fontName=SANS,
        fontSize=10.5,
        leading=15,
        textColor=INK,
        spaceAfter=4 * mm,
    )
    heading = ParagraphStyle(
        "heading",
        fontName=SANS_BOLD,
        fontSize=12.5,
        leading=17,
        textColor=BLUE,
        spaceBefore=4 * mm,
        spaceAfter=2 * mm,
    )
    item = ParagraphStyle(
        "item",
        fontName=SANS,
        fontSize=10.5,
        leading=15,
        textColor=INK,
        leftIndent=7 * mm,
        firstLineIndent=-7 * mm,
        spaceAfter=2 * mm,
    )
    footer = ParagraphStyle(
        "footer", fontName=SANS, fontSize=8.5, leading=12, textColor=MUTED
    )

    flow = [
        Paragraph(escape(spec["title"]), title),
        Paragraph(escape(spec["intro"]), intro),
    ]
    for section_title, items in spec["sections"]:
        flow.append(Paragraph(escape(section_title), heading))
        flow.extend(
            Paragraph(f"\u2610\u00a0\u00a0{escape(text)}", item) for text in items
        )
    flow += [Spacer(1, 6 * mm), Paragraph(escape(spec["footer"]), footer)]

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=spec["title"],
        author="Школа місцевої демократії",
        lang="uk",
        invariant=True,
    )
    document.build(flow)
    return buffer.getvalue()
