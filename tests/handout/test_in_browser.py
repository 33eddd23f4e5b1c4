"""The issue's proof: the Urdu and the Polish handout of a shipped flow, printed to PDF by headless
Chromium, has the expected number of A4 pages, and its QR codes decode to the pages the flow cites.

Skipped when Chromium is not installed, unless ``DFHELPER_REQUIRE_CHROMIUM=1`` (then it fails).
The PDF's pages are drawn with pypdfium2 and the codes read with zxing-cpp.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from dfhelper.cli import load_library
from dfhelper.config import Config
from dfhelper.flowlang.library import Library
from dfhelper.handout.content import MAX_QR_CODES, SHOWN_KINDS
from dfhelper.handout.deliver import handout_for_flow
from dfhelper.handout.render import to_html
from dfhelper.handout.route import main_route
from tests.chromium import chromium_or_skip, run_headless
from tests.handout.conftest import TODAY, shipped_translator

FLOW = "repeat-prescription"

PAGES = {
    # The shipped flow's main route (7 steps, 3 "what happens next" points, 2 QR codes), laid out
    # by Debian's Chromium with DejaVu Sans (the fonts CI installs). Standard print (12pt): six
    # steps on page 1; the seventh, "what happens next" and the QR codes on page 2. Large print
    # (18pt): steps on pages 1-3, the QR codes (kept together) on page 4. If the flow's text
    # changes a lot, or other fonts are installed, look at the PDF and update these.
    ("ur", False): 2,
    ("pl", False): 2,
    ("ur", True): 4,
    ("pl", True): 4,
}

pytestmark = pytest.mark.slow


def print_to_pdf(chromium: str, page: Path, workdir: Path) -> Path:
    """``page`` printed to PDF by headless Chromium (A4, as the page's own CSS asks)."""
    pdf = workdir / (page.stem + ".pdf")
    result = run_headless(
        chromium, page, workdir, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", timeout=120
    )
    assert pdf.exists(), f"no PDF (exit {result.returncode}): {result.stderr[-2000:]}"
    return pdf


A4 = (595.3, 841.9)
"""An A4 page in PDF points."""


def pages(pdf: Path) -> list[tuple[tuple[float, float], Image.Image]]:
    """Each page's size in points, and the page drawn at 216 dpi (QR modules are then ~6 pixels)."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [(document[i].get_size(), document[i].render(scale=3).to_pil()) for i in range(len(document))]
    finally:
        document.close()


def cited_urls(library: Library, config: Config) -> list[str]:
    """What the handout must link to, worked out from the flow itself: the links and sources of
    the steps on the main route that a handout shows, in order, each once, at most six."""
    urls: list[str] = []
    for stop in main_route(library, FLOW, practice={}, settings=config.engine).stops:
        if stop.kind not in SHOWN_KINDS:
            continue
        step = library.flow(stop.flow).step(stop.step)
        for url in [link.url for link in step.links] + list(step.sources):
            if url not in urls:
                urls.append(url)
    return urls[:MAX_QR_CODES]


@pytest.fixture(scope="module")
def shipped() -> Library:
    return load_library(Config())


@pytest.mark.parametrize("large_print", [False, True], ids=["standard", "large-print"])
@pytest.mark.parametrize("lang", ["ur", "pl"])
def test_the_printed_handout_has_its_pages_and_qr_codes_that_open_the_cited_pages(
    shipped: Library, tmp_path: Path, lang: str, large_print: bool
) -> None:
    chromium = chromium_or_skip()
    config = Config()
    handout = handout_for_flow(
        config, shipped, FLOW, translator=shipped_translator(lang), large_print=large_print, today=TODAY
    )
    assert handout.direction == ("rtl" if lang == "ur" else "ltr")
    page = tmp_path / f"{FLOW}-{lang}.html"
    page.write_text(to_html(handout), encoding="utf-8")

    printed = pages(print_to_pdf(chromium, page, tmp_path))

    assert len(printed) == PAGES[lang, large_print]
    for size, _ in printed:
        assert size == pytest.approx(A4, abs=1.5)
    decoded: list[str] = []
    for _, image in printed:
        for code in zxingcpp.read_barcodes(image):
            assert code.format == zxingcpp.BarcodeFormat.QRCode
            decoded.append(code.text)
    expected = cited_urls(shipped, config)
    assert expected
    assert sorted(decoded) == sorted(expected)
    assert [code.url for code in handout.qr_codes] == expected
