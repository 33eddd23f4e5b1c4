"""The realistic report's HTML page, drawn by a real browser (headless Chromium): it must not be blank.

Skipped when Chromium is not installed, unless ``DFHELPER_REQUIRE_CHROMIUM=1`` (then it fails).
The screenshot is read with the standard library only (zlib and struct).
"""

from __future__ import annotations

import shutil
import struct
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from dfhelper.insights.render import to_html
from tests import chromium as browser
from tests.chromium import chromium_or_skip, run_headless
from tests.insights.reports import realistic_report

WIDTH, HEIGHT = 1200, 1600
NHS_BLUE = (0x00, 0x5E, 0xB8)
WHITE = (0xFF, 0xFF, 0xFF)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def screenshot(chromium: str, page: Path, workdir: Path) -> Path:
    """``page`` drawn by headless Chromium at WIDTH×HEIGHT, as a PNG file."""
    shot = workdir / "shot.png"
    result = run_headless(
        chromium,
        page,
        workdir,
        "--disable-quic",
        f"--window-size={WIDTH},{HEIGHT}",
        f"--screenshot={shot}",
        timeout=60,
    )
    assert shot.exists(), f"no screenshot (exit {result.returncode}): {result.stderr[-2000:]}"
    return shot


@dataclass(frozen=True)
class Image:
    """A decoded 8-bit RGB or RGBA PNG: its size and its pixels, row by row."""

    width: int
    height: int
    channels: int
    pixels: bytes

    def colours(self) -> Counter[tuple[int, ...]]:
        """How many pixels have each colour (alpha ignored)."""
        step = self.channels
        data = self.pixels
        return Counter(zip(data[0::step], data[1::step], data[2::step], strict=True))


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(kind: int, row: bytearray, prior: bytes, bpp: int) -> None:
    """Undo one scanline's PNG filter in place (PNG spec, section 9)."""
    size = len(row)
    if kind == 0:
        return
    if kind == 1:
        for i in range(bpp, size):
            row[i] = (row[i] + row[i - bpp]) & 0xFF
    elif kind == 2:
        row[:] = bytes((x + y) & 0xFF for x, y in zip(row, prior, strict=True))
    elif kind == 3:
        for i in range(size):
            left = row[i - bpp] if i >= bpp else 0
            row[i] = (row[i] + ((left + prior[i]) >> 1)) & 0xFF
    elif kind == 4:
        for i in range(size):
            left = row[i - bpp] if i >= bpp else 0
            upper_left = prior[i - bpp] if i >= bpp else 0
            row[i] = (row[i] + _paeth(left, prior[i], upper_left)) & 0xFF
    else:
        raise ValueError(f"unknown PNG filter {kind}")


def read_png(data: bytes) -> Image:
    """Decode a non-interlaced 8-bit RGB/RGBA PNG with zlib and struct only."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    offset, idat = 8, bytearray()
    header: tuple[int, ...] = ()
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r}"
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        offset += 12 + length
    width, height, depth, colour_type, _compression, _filter, interlace = header
    assert depth == 8, f"bit depth {depth}"
    assert interlace == 0, "interlaced"
    channels = {2: 3, 6: 4}[colour_type]
    raw = zlib.decompress(bytes(idat))
    stride = width * channels
    assert len(raw) == height * (stride + 1), "pixel data has the wrong size"
    pixels = bytearray()
    prior = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        row = bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(raw[start], row, prior, channels)
        pixels += row
        prior = bytes(row)
    return Image(width, height, channels, bytes(pixels))


def test_png_reader_decodes_every_filter() -> None:
    """A 3×5 RGB image with one row per filter type, built here with zlib and struct."""
    rows = [bytes([10 * y + x, 200 - x, 7 * y, 0, 255, 30, 99, 98, 97]) for y, x in enumerate(range(5))]

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    def filtered(kind: int, row: bytes, prior: bytes) -> bytes:
        out = bytearray()
        for i, value in enumerate(row):
            left = row[i - 3] if i >= 3 else 0
            up = prior[i]
            upper_left = prior[i - 3] if i >= 3 else 0
            guess = [0, left, up, (left + up) >> 1, _paeth(left, up, upper_left)][kind]
            out.append((value - guess) & 0xFF)
        return bytes([kind]) + bytes(out)

    prior = bytes(9)
    raw = b""
    for kind, row in enumerate(rows):
        raw += filtered(kind, row, prior)
        prior = row
    png = (
        PNG_SIGNATURE
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 3, 5, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    image = read_png(png)
    assert (image.width, image.height, image.channels) == (3, 5, 3)
    assert image.pixels == b"".join(rows)


@pytest.mark.slow
def test_realistic_report_renders_in_chromium(tmp_path: Path) -> None:
    chromium = chromium_or_skip()
    page = tmp_path / "report.html"
    page.write_text(to_html(realistic_report()), encoding="utf-8")
    shot = screenshot(chromium, page, tmp_path)
    image = read_png(shot.read_bytes())
    assert (image.width, image.height) == (WIDTH, HEIGHT)
    colours = image.colours()
    pixels = WIDTH * HEIGHT
    assert len(colours) > 50, "too few colours: a blank or broken page"
    not_white = pixels - colours[WHITE]
    assert not_white > pixels // 4, "mostly white: the page did not draw"
    assert colours[NHS_BLUE] > 50_000, "the blue masthead and bars are missing"
    assert max(colours.values()) < pixels * 0.9, "one colour fills the page"


def test_no_chromium_skips_unless_required(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    monkeypatch.setattr(browser, "DEBIAN_CHROMIUM", tmp_path / "chromium")
    monkeypatch.delenv("DFHELPER_REQUIRE_CHROMIUM", raising=False)
    with pytest.raises(pytest.skip.Exception):
        chromium_or_skip()
    monkeypatch.setenv("DFHELPER_REQUIRE_CHROMIUM", "1")
    with pytest.raises(pytest.fail.Exception, match="required"):
        chromium_or_skip()
