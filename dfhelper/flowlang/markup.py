"""The little markup flow text may use, checked when a flow is loaded.

Front ends show flow text with Textual/Rich content markup. That markup can do
far more than bold: ``[@click=app.quit]`` runs an action and ``[link=...]``
opens a browser. So flow text may use only `ALLOWED_TAGS`, balanced; any other
square-bracket tag is an error at load time, never a crash or an escape at run
time. A literal ``[`` is written ``\\[``. Patient-typed text never goes through
markup at all (front ends show it as plain text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ALLOWED_TAGS = frozenset({"b", "i"})
"""Bold and italic. Nothing else."""

# A tag as Rich/Textual see it: "[" not preceded by a backslash, up to "]".
_TAG = re.compile(r"(?<!\\)\[([^\[\]\n]*)\]")
_OPEN_BRACKET = re.compile(r"(?<!\\)\[")


@dataclass(frozen=True, slots=True)
class MarkupIssue:
    """A markup problem in one piece of text."""

    message: str
    offset: int


def check(text: str) -> list[MarkupIssue]:
    """Problems with the markup in ``text`` (empty when it is fine)."""
    if "[" not in text:
        return []
    issues: list[MarkupIssue] = []
    open_tags: list[tuple[str, int]] = []
    covered: set[int] = set()
    for match in _TAG.finditer(text):
        covered.add(match.start())
        body = match.group(1).strip()
        closing = body.startswith("/")
        name = body[1:].strip() if closing else body
        if not closing and name not in ALLOWED_TAGS:
            issues.append(
                MarkupIssue(
                    f"The markup '[{body}]' is not allowed in flow text. "
                    "Only [b]bold[/b] and [i]italic[/i] are; write a literal bracket as \\[.",
                    match.start(),
                )
            )
            continue
        if closing:
            if name and name not in ALLOWED_TAGS:
                issues.append(
                    MarkupIssue(f"The markup '[{body}]' is not allowed in flow text.", match.start())
                )
            elif not open_tags:
                issues.append(MarkupIssue(f"'[{body}]' closes a tag that was never opened.", match.start()))
            elif name and open_tags[-1][0] != name:
                issues.append(
                    MarkupIssue(
                        f"'[{body}]' closes '[{open_tags[-1][0]}]' in the wrong order.", match.start()
                    )
                )
            else:
                open_tags.pop()
        else:
            open_tags.append((name, match.start()))
    for name, offset in open_tags:
        issues.append(MarkupIssue(f"'[{name}]' is never closed. Add '[/{name}]'.", offset))
    for match in _OPEN_BRACKET.finditer(text):
        if match.start() not in covered:
            issues.append(
                MarkupIssue("A lone '[' is not allowed; write a literal bracket as \\[.", match.start())
            )
    return issues


def to_plain(text: str) -> str:
    """The text with allowed tags removed and escapes undone (for line mode and speech)."""
    return _TAG.sub("", text).replace("\\[", "[")


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text and its style."""

    text: str
    bold: bool = False
    italic: bool = False


def spans(text: str) -> list[Span]:
    """The text as styled runs, for front ends to build their own rich text from.

    Only `ALLOWED_TAGS` style anything; every other bracket (including any a
    translation brings) stays literal text, so no markup parser ever sees it.
    """
    out: list[Span] = []
    bold = italic = 0
    position = 0
    for match in _TAG.finditer(text):
        body = match.group(1).strip()
        closing = body.startswith("/")
        name = body[1:].strip() if closing else body
        if name not in ALLOWED_TAGS and not (closing and not name):
            continue
        if match.start() > position:
            out.append(Span(text[position : match.start()].replace("\\[", "["), bold > 0, italic > 0))
        position = match.end()
        step = -1 if closing else 1
        if name == "b" or (closing and not name and bold):
            bold = max(bold + step, 0)
        elif name == "i" or (closing and not name):
            italic = max(italic + step, 0)
    if position < len(text):
        out.append(Span(text[position:].replace("\\[", "["), bold > 0, italic > 0))
    return out
