"""Certificate benchmark: rendering and signing PDFs, per item and in bulk.

Measures in one process, after warming up fonts, QR encoder and signer:

1. **baseline** — a bare reportlab A4-landscape page with the same DejaVu fonts,
   the same vector QR (``certificates.pdf._draw_qr``) and a few text lines;
2. **render** — ``render_certificate`` of a realistic certificate-programme
   snapshot (period, kind label, form of study, three outcomes), unsigned;
   also the same with a PNG logo and a PNG signature image;
3. **render + sign** — plus ``certificates.signing.sign_pdf`` (PAdES, ECDSA
   P-256, throwaway key in a temporary directory); and signing alone;
4. **bulk** — N distinct certificates (different names, codes, numbers) rendered
   and written to a temporary directory, unsigned and signed: wall and CPU time,
   certificates/s, and the growth of the process's ``ru_maxrss`` high-water
   mark over the timed pass; then a separate pass over the first ``--mem-items``
   (default 100) under ``tracemalloc`` for the Python-heap peak and what stays
   allocated afterwards (separate because tracemalloc slows this code about
   eightfold: a full 1,000-certificate signed pass under it takes ~9 min).

Per item: median and p95 of wall time (``perf_counter``) and CPU time
(``process_time``), certificates/s, and the ratio to the baseline page. The
machine is shared, so the load average is printed at the start and the end;
trust CPU figures and ratios more than wall times.

Usage: ``python bench/certificates.py [--quick] [--items N] [--bulk N]
[--mem-items N] [--json PATH]``. ``--quick``: 30 items per row, 100 in bulk (default 200 and
1,000). No Django settings needed.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import io
import json
import math
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from certificates import pdf as certpdf  # noqa: E402
from certificates.pdf import CertificateSnapshot, render_certificate  # noqa: E402

VERIFY = "https://learn.example.gov.ua/certificates/verify/{code}/"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def code_for(i: int) -> str:
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
    n = (i * 2654435761 + 97) % (32**16)
    chars = [alphabet[(n >> (5 * k)) & 31] for k in range(16)]
    return "-".join("".join(chars[k : k + 4]) for k in range(0, 16, 4))


def snapshot(i: int = 0, **overrides) -> CertificateSnapshot:
    """A realistic certificate-programme snapshot; ``i`` varies name and codes."""
    surnames = ["Коваленко", "Шевчук", "Ґудзь-Їжакевич", "Бондаренко", "Марʼяненко"]
    names = ["Олександра Вікторівна", "Іван Миколайович", "Марʼяна Петрівна"]
    code = code_for(i)
    data = {
        "full_name": f"{surnames[i % 5]} {names[i % 3]}",
        "programme_title": (
            "Участь громадськості у формуванні місцевої політики: "
            "інструменти та практики"
        ),
        "programme_kind": "certificate",
        "programme_kind_label": (
            "професійна (сертифікатна) програма підвищення кваліфікації"
        ),
        "form_of_study": "дистанційна",
        "hours": 90,
        "ects": Decimal("3"),
        "date_started": dt.date(2026, 9, 1),
        "date_completed": dt.date(2026, 11, 20),
        "date_issued": dt.date(2026, 11, 27),
        "outcomes": (
            "аналізує потреби громади та визначає зацікавлені сторони;",
            "планує громадські консультації, слухання та бюджет участі;",
            "готує проєкти рішень з урахуванням пропозицій мешканців.",
        ),
        "issuer_name": "Громадська організація «Школа місцевої демократії»",
        "issuer_code": "12345678",
        "title_text": "СЕРТИФІКАТ",
        "wording": "успішно завершила навчання за програмою",
        "signatory_name": "Олена Іваненко",
        "signatory_position": "Голова правління",
        "registration_number": f"2026-{i + 1:06d}",
        "code": code,
        "verify_url": VERIFY.format(code=code),
    }
    data.update(overrides)
    return CertificateSnapshot(**data)


def images() -> tuple[bytes, bytes]:
    """A 400×400 RGBA logo and a 600×200 RGBA signature, made with Pillow."""
    from PIL import Image, ImageDraw

    logo = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    draw.ellipse((10, 10, 390, 390), fill=(31, 58, 104, 255))
    draw.ellipse((60, 60, 340, 340), fill=(255, 255, 255, 255))
    draw.polygon([(200, 80), (320, 300), (80, 300)], fill=(176, 141, 60, 255))
    sig = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    points = [(30 + t * 5.4, 110 + 55 * math.sin(t / 6)) for t in range(100)]
    ImageDraw.Draw(sig).line(points, fill=(20, 40, 120, 255), width=6)
    out = []
    for im in (logo, sig):
        buf = io.BytesIO()
        im.save(buf, "PNG")
        out.append(buf.getvalue())
    return out[0], out[1]


def baseline_page(s: CertificateSnapshot) -> bytes:
    """The floor: one reportlab page, same fonts and QR, text at fixed places."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(
        buf,
        pagesize=(certpdf.PAGE_W, certpdf.PAGE_H),
        invariant=1,
        pageCompression=1,
        initialFontName=certpdf.SANS,
        initialFontSize=10,
        initialLeading=12,
    )
    mid = certpdf.PAGE_W / 2
    c.setFont(certpdf.SANS_BOLD, 10)
    c.drawCentredString(mid, 520, s.issuer_name.upper())
    c.setFont(certpdf.SERIF_BOLD, 36)
    c.drawCentredString(mid, 460, s.title_text)
    c.setFont(certpdf.SERIF, 13)
    c.drawCentredString(mid, 400, "засвідчує, що")
    c.setFont(certpdf.SERIF_BOLD, 30)
    c.drawCentredString(mid, 360, s.full_name)
    c.setFont(certpdf.SERIF_BOLD, 16)
    c.drawCentredString(mid, 320, f"«{s.programme_title}»")
    c.setFont(certpdf.SANS, 10)
    c.drawCentredString(mid, 290, "Обсяг: 3 кредити ЄКТС (90 годин)")
    c.drawString(certpdf.MARGIN, certpdf.MARGIN + 10 * mm, s.signatory_name)
    c.drawRightString(certpdf.PAGE_W - 60 * mm, certpdf.MARGIN + 20 * mm, s.code)
    qr_x = certpdf.PAGE_W - certpdf.MARGIN - certpdf.QR_SIZE + 4 * mm
    certpdf._draw_qr(c, s.verify_url, qr_x, certpdf.MARGIN + 2 * mm, certpdf.QR_SIZE)
    c.showPage()
    c.save()
    return buf.getvalue()


@dataclasses.dataclass
class Row:
    name: str
    n: int
    wall_ms: list[float]
    cpu_ms: list[float]
    total_wall_s: float
    size: int

    @staticmethod
    def _p95(values: list[float]) -> float:
        ordered = sorted(values)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    def summary(self) -> dict:
        return {
            "name": self.name,
            "n": self.n,
            "wall_median_ms": statistics.median(self.wall_ms),
            "wall_p95_ms": self._p95(self.wall_ms),
            "cpu_median_ms": statistics.median(self.cpu_ms),
            "cpu_p95_ms": self._p95(self.cpu_ms),
            "per_s": self.n / self.total_wall_s,
            "bytes": self.size,
        }


def time_items(name: str, n: int, fn: Callable[[int], bytes]) -> Row:
    walls, cpus, size = [], [], 0
    start = time.perf_counter()
    for i in range(n):
        w0, c0 = time.perf_counter(), time.process_time()
        size = len(fn(i))
        cpus.append((time.process_time() - c0) * 1000)
        walls.append((time.perf_counter() - w0) * 1000)
    return Row(name, n, walls, cpus, time.perf_counter() - start, size)


def bulk(
    name: str, snaps: list[CertificateSnapshot], sign, out_dir: Path, mem_items: int
) -> dict:
    """Render (and sign) every snapshot and write it to ``out_dir``; then the
    first ``mem_items`` again under tracemalloc for the Python-heap peak."""

    def one(i: int, s: CertificateSnapshot) -> int:
        data = render_certificate(s)
        if sign is not None:
            data = sign(data)
        (out_dir / f"{name}-{i:05d}.pdf").write_bytes(data)
        return len(data)

    rss_before = maxrss_mib()
    w0, c0 = time.perf_counter(), time.process_time()
    total = sum(one(i, s) for i, s in enumerate(snaps))
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    rss_after = maxrss_mib()
    for path in out_dir.glob(f"{name}-*.pdf"):
        path.unlink()

    sample = snaps[:mem_items]
    gc.collect()
    tracemalloc.start()
    m0 = time.perf_counter()
    start_current, _ = tracemalloc.get_traced_memory()
    for i, s in enumerate(sample):
        one(i, s)
    gc.collect()  # reportlab documents are reference cycles; count only what stays
    end_current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    traced_wall = time.perf_counter() - m0
    for path in out_dir.glob(f"{name}-*.pdf"):
        path.unlink()
    return {
        "name": name,
        "n": len(snaps),
        "wall_s": wall,
        "cpu_s": cpu,
        "per_s_wall": len(snaps) / wall,
        "per_s_cpu": len(snaps) / cpu,
        "total_mib": total / 2**20,
        "tracemalloc_items": len(sample),
        "tracemalloc_peak_mib": peak / 2**20,
        "tracemalloc_retained_kib": (end_current - start_current) / 1024,
        "tracemalloc_pass_wall_s": traced_wall,
        "maxrss_before_mib": rss_before,
        "maxrss_delta_mib": rss_after - rss_before,
        "load_after": load(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 items, 100 bulk")
    parser.add_argument("--items", type=int, help="timed items per row")
    parser.add_argument("--bulk", type=int, help="certificates per bulk run")
    parser.add_argument(
        "--mem-items", type=int, default=100, help="items traced by tracemalloc"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    n_items = args.items or (30 if args.quick else 200)
    n_bulk = args.bulk or (100 if args.quick else 1000)

    import pypdf  # noqa: F401  (only for the version line)
    import reportlab

    print(f"certificates benchmark {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"python {platform.python_version()}, reportlab {reportlab.Version}, "
        f"{os.cpu_count()} CPUs; items/row {n_items}, bulk {n_bulk}"
    )
    load_start = load()
    print(f"load average at start: {load_start}")

    results: dict = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_start": load_start,
        "items": n_items,
        "bulk": n_bulk,
    }

    # warm-up: font registration (~0.3 s once per process), QR encoder, layout
    c0 = time.process_time()
    certpdf._register_fonts()
    results["font_registration_cpu_ms"] = (time.process_time() - c0) * 1000
    logo, signature = images()
    base_snap = snapshot()
    image_snap = dataclasses.replace(base_snap, logo=logo, signature_image=signature)
    for _ in range(3):
        baseline_page(base_snap)
        render_certificate(base_snap)
        render_certificate(image_snap)

    sign = None
    sign_note = ""
    tmp = tempfile.TemporaryDirectory(prefix="cert-bench-")
    tmp_path = Path(tmp.name)
    try:
        from certificates import signing

        key_dir = tmp_path / "keys"
        signing.generate_keys(
            key_dir, organisation="Bench", common_name="Bench certificate issuer"
        )
        signer = signing.load_signer(key_dir)

        def sign(data: bytes) -> bytes:
            return signing.sign_pdf(data, signer=signer)

        for _ in range(3):
            sign(render_certificate(base_snap))
    except ImportError as exc:
        sign_note = f"signing skipped: certificates.signing unavailable ({exc})"
        print(sign_note)

    snaps = [snapshot(i) for i in range(n_items)]
    rows = [
        time_items("baseline page", n_items, lambda i: baseline_page(snaps[i])),
        time_items("render", n_items, lambda i: render_certificate(snaps[i])),
        time_items(
            "render + logo + signature image",
            n_items,
            lambda i: render_certificate(
                dataclasses.replace(snaps[i], logo=logo, signature_image=signature)
            ),
        ),
    ]
    if sign is not None:
        rendered = [render_certificate(s) for s in snaps]
        rows.append(time_items("sign only", n_items, lambda i: sign(rendered[i])))
        rows.append(
            time_items(
                "render + sign", n_items, lambda i: sign(render_certificate(snaps[i]))
            )
        )
    summaries = [r.summary() for r in rows]
    base = summaries[0]
    print(
        f"\n{'per item':32} {'wall med':>9} {'p95':>7} {'CPU med':>8} {'p95':>7}"
        f" {'cert/s':>7} {'KiB':>6} {'CPU ×base':>9} {'wall ×base':>10}"
    )
    for s in summaries:
        s["cpu_ratio"] = s["cpu_median_ms"] / base["cpu_median_ms"]
        s["wall_ratio"] = s["wall_median_ms"] / base["wall_median_ms"]
        print(
            f"{s['name']:32} {s['wall_median_ms']:9.1f} {s['wall_p95_ms']:7.1f}"
            f" {s['cpu_median_ms']:8.1f} {s['cpu_p95_ms']:7.1f} {s['per_s']:7.1f}"
            f" {s['bytes'] / 1024:6.1f} {s['cpu_ratio']:8.2f}x {s['wall_ratio']:9.2f}x"
        )
    by_name = {s["name"]: s for s in summaries}
    print(
        f"certificate/baseline CPU ratio {by_name['render']['cpu_ratio']:.2f}x"
        + (
            f"; signed certificate/baseline CPU ratio "
            f"{by_name['render + sign']['cpu_ratio']:.2f}x"
            if "render + sign" in by_name
            else ""
        )
    )
    results["per_item"] = summaries
    print(f"load average after per-item rows: {load()}")

    bulk_snaps = [snapshot(i) for i in range(n_bulk)]
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    bulks = [bulk("unsigned", bulk_snaps, None, out_dir, args.mem_items)]
    if sign is not None:
        bulks.append(bulk("signed", bulk_snaps, sign, out_dir, args.mem_items))
    print(
        f"\n{'bulk':9} {'n':>5} {'wall s':>7} {'CPU s':>6} {'cert/s':>7}"
        f" {'cert/CPU-s':>10} {'MiB out':>7} {'maxrss Δ':>9} {'(maxrss)':>9}"
        f" {'tracemalloc peak':>16} {'retained':>9}"
    )
    for b in bulks:
        print(
            f"{b['name']:9} {b['n']:5d} {b['wall_s']:7.1f} {b['cpu_s']:6.1f}"
            f" {b['per_s_wall']:7.1f} {b['per_s_cpu']:10.1f} {b['total_mib']:7.1f}"
            f" {b['maxrss_delta_mib']:5.1f} MiB {b['maxrss_before_mib']:5.0f} MiB"
            f" {b['tracemalloc_peak_mib']:12.1f} MiB"
            f" {b['tracemalloc_retained_kib']:5.0f} KiB"
        )
    print(
        f"(tracemalloc over the first {bulks[0]['tracemalloc_items']} of each run;"
        " maxrss Δ = growth of the process high-water mark over the timed pass)"
    )
    results["bulk_runs"] = bulks
    results["load_end"] = load()
    if sign_note:
        results["note"] = sign_note
    print(f"\nload average at end: {results['load_end']}")
    tmp.cleanup()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
