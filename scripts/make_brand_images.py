#!/usr/bin/env python3
"""Generate the service's raster brand images (PNG and ICO), standard library only.

These replace GOV.UK Frontend's GOV.UK-branded raster images (the crown) with
a neutral mark: a white shield on the brand blue, carrying "DS" (Disclosure
Service) in blocky letters. The vector versions of the same mark are
hand-written SVGs in scss/brand/ and use the same geometry, on a 32-unit grid:

  - background: the whole square, brand blue #1d4f91;
  - shield: M8 6 H24 V16 A16 10 0 0 1 16 24.66 A16 10 0 0 1 8 16 Z
    (flat top, straight sides, two elliptical arcs meeting in a point);
  - letters: 3x5 cell glyphs, cells 1.6 wide and 1.8 high, "D" from x=10.4,
    "S" from x=16.8, both from y=8.8, in the brand blue.

Usage: make_brand_images.py OUTPUT_DIR

Writes favicon.ico (16, 32 and 48 px PNGs inside), govuk-icon-180.png,
govuk-icon-192.png, govuk-icon-512.png and govuk-opengraph-image.png.
The output is a pure function of this file: same bytes on every run.
"""

from __future__ import annotations

import math
import struct
import sys
import zlib
from pathlib import Path

BRAND = (0x1D, 0x4F, 0x91)
WHITE = (0xFF, 0xFF, 0xFF)

# Shield, in grid units (the icon is a 32 x 32 grid).
SHIELD_LEFT, SHIELD_RIGHT = 8.0, 24.0
SHIELD_TOP, SHIELD_SHOULDER = 6.0, 16.0
ARC_RX, ARC_RY = 16.0, 10.0  # each arc is centred on the opposite side's x
SHIELD_CX = (SHIELD_LEFT + SHIELD_RIGHT) / 2
SHIELD_BOTTOM = SHIELD_SHOULDER + ARC_RY * math.sqrt(1 - ((SHIELD_CX - SHIELD_LEFT) / ARC_RX) ** 2)

# Letters.
GLYPHS = {
    "D": ("110", "101", "101", "101", "110"),
    "S": ("111", "100", "111", "001", "111"),
}
CELL_W, CELL_H = 1.6, 1.8
LETTERS = (("D", 10.4, 8.8), ("S", 16.8, 8.8))

SUBROWS = 8  # vertical samples per pixel row; horizontal coverage is exact


def shield_span(y: float) -> tuple[float, float] | None:
    """The shield's [left, right] extent at height y (grid units), if any."""
    if y < SHIELD_TOP or y > SHIELD_BOTTOM:
        return None
    if y <= SHIELD_SHOULDER:
        return SHIELD_LEFT, SHIELD_RIGHT
    t = (y - SHIELD_SHOULDER) / ARC_RY
    reach = ARC_RX * math.sqrt(max(0.0, 1 - t * t))
    left, right = SHIELD_RIGHT - reach, SHIELD_LEFT + reach
    if right <= left:
        return None
    return left, right


def letter_spans(y: float) -> list[tuple[float, float]]:
    spans = []
    for char, x0, y0 in LETTERS:
        row = math.floor((y - y0) / CELL_H)
        if not 0 <= row < len(GLYPHS[char]):
            continue
        for col, bit in enumerate(GLYPHS[char][row]):
            if bit == "1":
                spans.append((x0 + col * CELL_W, x0 + (col + 1) * CELL_W))
    return spans


def add_span(row: list[float], a: float, b: float, weight: float) -> None:
    """Add weight x (exact horizontal overlap of [a, b]) to each pixel of row."""
    a, b = max(a, 0.0), min(b, float(len(row)))
    if b <= a:
        return
    first, last = math.floor(a), math.ceil(b) - 1
    if first == last:
        row[first] += weight * (b - a)
        return
    row[first] += weight * (first + 1 - a)
    for x in range(first + 1, last):
        row[x] += weight
    row[last] += weight * (b - (last))


def render(width: int, height: int, box: float, ox: float, oy: float) -> list[bytes]:
    """Render the mark: the 32-unit grid drawn as a box-pixel square at (ox, oy).

    Returns RGB rows. Everything outside the grid is brand blue.
    """
    scale = box / 32.0
    rows = []
    for py in range(height):
        cover = [0.0] * width
        for s in range(SUBROWS):
            y = ((py + (s + 0.5) / SUBROWS) - oy) / scale
            span = shield_span(y)
            if span is None:
                continue
            w = 1.0 / SUBROWS
            add_span(cover, ox + span[0] * scale, ox + span[1] * scale, w)
            for a, b in letter_spans(y):
                add_span(cover, ox + a * scale, ox + b * scale, -w)
        line = bytearray()
        for raw in cover:
            c = min(1.0, max(0.0, raw))
            line.extend(round(bg + (fg - bg) * c) for bg, fg in zip(BRAND, WHITE, strict=True))
        rows.append(bytes(line))
    return rows


def png(width: int, height: int, rgb_rows: list[bytes], alpha: bool = False) -> bytes:
    """Encode 8-bit RGB (or opaque RGBA) rows as a PNG, no ancillary chunks."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = bytearray()
    for row in rgb_rows:
        raw.append(0)  # filter type: None
        if alpha:
            for i in range(0, len(row), 3):
                raw.extend(row[i : i + 3])
                raw.append(0xFF)
        else:
            raw.extend(row)
    colour_type = 6 if alpha else 2
    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b"")
    )


def icon_png(size: int, alpha: bool = False) -> bytes:
    return png(size, size, render(size, size, size, 0.0, 0.0), alpha=alpha)


def ico(sizes: tuple[int, ...]) -> bytes:
    """A .ico holding one PNG per size (supported by every current browser)."""
    images = [icon_png(size, alpha=True) for size in sizes]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, data = b"", b""
    for size, image in zip(sizes, images, strict=True):
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
        data += image
    return header + entries + data


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {Path(argv[0]).name} OUTPUT_DIR", file=sys.stderr)
        return 2
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)

    (out / "favicon.ico").write_bytes(ico((16, 32, 48)))
    for size in (180, 192, 512):
        (out / f"govuk-icon-{size}.png").write_bytes(icon_png(size))

    # Open Graph card, 1200 x 630: the mark centred on brand blue.
    width, height, box = 1200, 630, 630.0
    rows = render(width, height, box, (width - box) / 2, (height - box) / 2)
    (out / "govuk-opengraph-image.png").write_bytes(png(width, height, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
