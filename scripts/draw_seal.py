"""Draw the platform's neutral seal (certificates/static/certificates/seal-neutral.png).

A neutral design on purpose: no national emblem, no five-pointed star, no real body's name.
It is a raster image because WeasyPrint embeds a raster image once per document and reuses it
on every page, where an SVG is drawn again on each page (batch speed, see docs/certificates.md).
Run: .venv/bin/python scripts/draw_seal.py
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"  # index 2: Simplified Chinese
OUT = Path(__file__).resolve().parents[1] / "certificates/static/certificates/seal-neutral.png"
SIZE, INK = 800, (176, 48, 42, 230)
RING_TEXT = "数智干部数字素养培训认证"


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, size, index=2)


def main() -> None:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    c = SIZE / 2
    draw.ellipse((12, 12, SIZE - 12, SIZE - 12), outline=INK, width=20)
    draw.ellipse((46, 46, SIZE - 46, SIZE - 46), outline=INK, width=6)
    for i in range(72):  # a dotted inner ring
        a = math.radians(i * 5)
        x, y = c + 190 * math.cos(a), c + 190 * math.sin(a)
        draw.ellipse((x - 4, y - 4, x + 4, y + 4), fill=INK)
    ring, span, radius = font(74), 250.0, 285
    for i, char in enumerate(RING_TEXT):
        angle = -90 - span / 2 + span * (i + 0.5) / len(RING_TEXT)
        glyph = Image.new("RGBA", (110, 110), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((55, 55), char, font=ring, fill=INK, anchor="mm")
        glyph = glyph.rotate(-(angle + 90), resample=Image.Resampling.BICUBIC)
        x = c + radius * math.cos(math.radians(angle))
        y = c + radius * math.sin(math.radians(angle))
        image.alpha_composite(glyph, (int(x - 55), int(y - 55)))
    draw.text((c, c - 10), "数智", font=font(150), fill=INK, anchor="mm")
    draw.text((c, c + 118), "SHUZHI", font=font(44), fill=INK, anchor="mm")
    image.save(OUT, optimize=True)


if __name__ == "__main__":
    main()
