"""Certificate PDFs: one WeasyPrint document per certificate (naive) against batch rendering
(batched: layered rendering, stamping.py — the template laid out once, each certificate's value
lines laid out again and drawn over the shared background), in the same process.

    .venv/bin/python benchmarks/certificates.py [--quick] [--n N] [--chunk C]

The two modes run in alternating rounds over the same certificates, so a busy machine slows both
alike; each round of the batched mode is one batch (``render_in_chunks``), as a Celery task
renders it. Figures are wall-clock certificates per second and their ratio; CPU-time figures are
printed beside them (steadier on a shared machine). Peak memory is the resident set's high-water
mark of each mode, reset between modes. Sameness: every batched certificate of the last round
carries the same text as its naive twin, and a sample is rasterised (pypdfium2, 100 dpi) and
compared pixel for pixel. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from pypdf import PdfReader  # noqa: E402

from certificates.codes import format_code, new_code  # noqa: E402
from certificates.demo import DEFAULT_CSS, DEFAULT_HTML  # noqa: E402
from certificates.models import CertificateTemplate  # noqa: E402
from certificates.pdfpages import written_here  # noqa: E402
from certificates.preview import sample  # noqa: E402
from certificates.rendering import render_pdf  # noqa: E402
from certificates.stamping import render_in_chunks  # noqa: E402
from certificates.wording import verify_url  # noqa: E402

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程欧阳司马"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华建国玉兰志红文斌婷雪晨宇"
    + "浩然思远欣怡子涵梓萱一鸣佳琪俊杰"
)
LEVEL_NAMES = {1: ("知晓", "Aware"), 2: ("运用", "Use"), 3: ("应用", "Apply")}


def certificates(n: int, seed: int = 7):
    rng = random.Random(seed)
    base = sample()
    for i in range(n):
        code = new_code()
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
        yield replace(
            base,
            holder_name=name,
            level=rng.randint(1, 3),
            serial=f"SZ2025-{i + 1:07d}",
            code=format_code(code),
            verify_url=verify_url(code),
        )


def reset_peak() -> None:
    with contextlib.suppress(OSError):  # Linux: resets the VmHWM high-water mark
        Path("/proc/self/clear_refs").write_text("5")


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def naive(template, items):
    pdfs = []
    for i, item in enumerate(items):
        pdfs.append(render_pdf(template, item, LEVEL_NAMES))
        if i % 10 == 9:
            gc.collect()  # what a long-lived worker must do, or grow ~6 MB per document
    gc.collect()
    return pdfs


def batched(template, items, chunk):
    pdfs = []
    for _offset, chunk_pdfs in render_in_chunks(template, items, chunk, LEVEL_NAMES):
        pdfs.extend(chunk_pdfs)
    return pdfs


def text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def same_pixels(pairs) -> bool | None:
    """Whether each (naive, batched) pair rasterises to the same pixels (None: no pypdfium2)."""
    try:
        import pypdfium2
        from PIL import ImageChops
    except ImportError:
        return None

    def raster(pdf: bytes):
        return pypdfium2.PdfDocument(pdf)[0].render(scale=100 / 72).to_pil().convert("RGB")

    return all(ImageChops.difference(raster(a), raster(b)).getbbox() is None for a, b in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 certificates (default 1,000)")
    parser.add_argument("--n", type=int, help="number of certificates")
    parser.add_argument("--chunk", type=int, default=100, help="certificates per document")
    parser.add_argument(
        "--rounds", type=int, help="alternating rounds (default: one per 200 certificates, ≥ 2)"
    )
    args = parser.parse_args()
    n = args.n or (200 if args.quick else 1000)
    template = CertificateTemplate(name="benchmark", body_html=DEFAULT_HTML, css=DEFAULT_CSS)
    items = list(certificates(n))
    naive(template, items[:2])  # warm-up: fonts, caches
    batched(template, items[:2], args.chunk)

    modes = ("naive", "batched")
    totals = {mode: {"wall": 0.0, "cpu": 0.0, "peak": 0.0, "bytes": 0} for mode in modes}
    rounds = args.rounds or max(2, n // 200)
    size = -(-n // rounds)
    outputs = {}
    for start in range(0, n, size):
        part = items[start : start + size]
        for mode in modes:
            gc.collect()
            reset_peak()
            wall, cpu = time.perf_counter(), time.process_time()
            pdfs = naive(template, part) if mode == "naive" else batched(template, part, args.chunk)
            totals[mode]["wall"] += time.perf_counter() - wall
            totals[mode]["cpu"] += time.process_time() - cpu
            totals[mode]["peak"] = max(totals[mode]["peak"], peak_mb())
            totals[mode]["bytes"] += sum(len(p) for p in pdfs)
            outputs[mode] = pdfs
            del pdfs
        print(
            f"  round {start // size + 1}: naive {totals['naive']['wall']:.1f} s, "
            f"batched {totals['batched']['wall']:.1f} s so far",
            flush=True,
        )

    # Same result: each batched certificate carries the same text as its naive twin.
    last = items[start : start + size]
    same = all(
        text(a) == text(b) for a, b in zip(outputs["naive"], outputs["batched"], strict=True)
    )
    assert len(outputs["naive"]) == len(last) and same, "batched output differs from naive"
    pairs = list(zip(outputs["naive"], outputs["batched"], strict=True))
    sample = pairs[:: max(1, len(pairs) // 8)]
    pixels = same_pixels(sample)
    assert pixels is not False, "batched certificates do not rasterise like naive ones"

    naive_per_s = n / totals["naive"]["wall"]
    batched_per_s = n / totals["batched"]["wall"]
    result = {
        "benchmark": "certificates",
        "certificates": n,
        "chunk": args.chunk,
        "naive_per_s": round(naive_per_s, 2),
        "batched_per_s": round(batched_per_s, 2),
        "ratio": round(batched_per_s / naive_per_s, 1),
        "naive_ms_per_certificate": round(1000 * totals["naive"]["wall"] / n, 1),
        "batched_ms_per_certificate": round(1000 * totals["batched"]["wall"] / n, 1),
        "cpu_ratio": round(totals["naive"]["cpu"] / totals["batched"]["cpu"], 1),
        "naive_cpu_ms_per_certificate": round(1000 * totals["naive"]["cpu"] / n, 1),
        "batched_cpu_ms_per_certificate": round(1000 * totals["batched"]["cpu"] / n, 1),
        "peak_rss_mb_naive": round(totals["naive"]["peak"], 1),
        "peak_rss_mb_batched": round(totals["batched"]["peak"], 1),
        "pdf_kb_naive": round(totals["naive"]["bytes"] / n / 1024, 1),
        "pdf_kb_batched": round(totals["batched"]["bytes"] / n / 1024, 1),
        "same_text": same,
        "same_pixels": pixels,
        "pixels_compared": len(sample) if pixels is not None else 0,
        "stamped": sum(written_here(pdf) for pdf in outputs["batched"]),
        "stamped_of": len(outputs["batched"]),
        "targets": {"ratio": 20, "batched_per_s": 40},
    }
    for mode in modes:
        print(
            f"{mode + ':':9}{result[mode + '_per_s']:7.2f} certificates/s "
            f"({result[mode + '_ms_per_certificate']} ms each, "
            f"CPU {result[mode + '_cpu_ms_per_certificate']} ms, "
            f"peak RSS {result['peak_rss_mb_' + mode]} MB)"
        )
    print(f"ratio:   {result['ratio']} (CPU time: {result['cpu_ratio']})")
    print(
        f"same text: {same}; same pixels: {pixels} ({result['pixels_compared']} compared); "
        f"stamped {result['stamped']} of {result['stamped_of']} in the last round"
    )
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
