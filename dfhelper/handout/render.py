"""A `Handout` as one self-contained, printable HTML page.

Jinja with ``autoescape=True`` and `StrictUndefined`: every value is escaped. Flow text
may carry the flow format's own markup (``[b]``, ``[i]``); `flow_html` turns it into
``<strong>`` and ``<em>`` around escaped runs of text, so no flow or translation can add a
tag, an attribute or a script. The page fetches nothing: inline CSS, QR codes as inline
SVG, system fonts only. ``<html lang dir>`` follow the patient's language, so a browser
lays Urdu and Arabic out right to left; the English beneath each step is marked
``lang="en" dir="ltr"``.
"""

from __future__ import annotations

import functools
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from dfhelper.flowlang import markup
from dfhelper.handout.content import Handout

TEMPLATE = "handout.html.j2"


def flow_html(text: str) -> Markup:
    """Flow text as safe HTML: each run escaped, ``[b]``/``[i]`` as ``<strong>``/``<em>``."""
    parts: list[Markup] = []
    for span in markup.spans(text):
        piece = escape(span.text)
        if span.italic:
            piece = Markup("<em>%s</em>") % piece
        if span.bold:
            piece = Markup("<strong>%s</strong>") % piece
        parts.append(piece)
    return Markup("").join(parts)


@functools.cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(Path(__file__).resolve().parent),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.filters["flow"] = flow_html
    env.filters["plain"] = markup.to_plain
    return env


def to_html(handout: Handout) -> str:
    """The handout as a complete HTML document."""
    return _environment().get_template(TEMPLATE).render(h=handout) + "\n"
