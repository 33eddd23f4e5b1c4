"""Checks on one translation against its English: what would break the screen or change meaning.

A translation that fails a check is left out when compiling (like a fuzzy one), so
the patient sees the English, marked as English, never a broken or altered text:

- markup: only the flow markup that English may use ([b], [i]), balanced;
- template code (``{{ ... }}``, ``{% ... %}``) exactly as in the English, no more, no less;
- ``{name}`` placeholders in dfhelper's own sentences exactly as in the English;
- every plural form filled in when any is.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from dfhelper.flowlang import markup

_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


@dataclass(frozen=True, slots=True)
class TranslationIssue:
    """Why one translation cannot be used."""

    message: str


def _template_parts(text: str) -> list[str]:
    return sorted(" ".join(part.split()) for part in _TEMPLATE.findall(text))


def _fields(text: str) -> list[str] | None:
    """``{name}`` placeholders in a str.format sentence (None: the braces are broken)."""
    try:
        return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)
    except ValueError:
        return None


def _is_flow_text(context: str | None) -> bool:
    return context is not None and context.count(":") >= 2


def check_one(english: str, translated: str, *, flow_text: bool) -> Iterator[TranslationIssue]:
    """Problems with one translated string (nothing when it is fine)."""
    if not markup.check(english):
        for issue in markup.check(translated):
            yield TranslationIssue(f"markup: {issue.message}")
    if flow_text:
        want, got = _template_parts(english), _template_parts(translated)
        if want != got:
            yield TranslationIssue(
                "template code must be copied exactly from the English: "
                f"expected {want or 'none'}, found {got or 'none'}"
            )
    else:
        want_fields, got_fields = _fields(english), _fields(translated)
        if want_fields is not None and got_fields != want_fields:
            shown = "broken braces" if got_fields is None else (got_fields or "none")
            yield TranslationIssue(
                f"placeholders must match the English: expected {want_fields or 'none'}, found {shown}"
            )


def check_message(
    msgid: str | Sequence[str], msgstr: str | Sequence[str], context: str | None
) -> list[TranslationIssue]:
    """Problems with one catalog message (singular or plural); nothing when untranslated."""
    ids = [msgid] if isinstance(msgid, str) else list(msgid)
    strs = [msgstr] if isinstance(msgstr, str) else list(msgstr)
    if not any(strs):
        return []
    issues: list[TranslationIssue] = []
    if len(ids) > 1 and not all(strs):
        issues.append(TranslationIssue("every plural form must be translated when one is"))
    flow_text = _is_flow_text(context)
    if len(ids) == 1:
        issues.extend(check_one(ids[0], strs[0], flow_text=flow_text))
        return issues
    allowed = {field for english in ids for field in _fields(english) or []}
    for text in filter(None, strs):  # a form may leave out {n} ("one file"), but add nothing
        if not markup.check(ids[0]):
            issues.extend(TranslationIssue(f"markup: {m.message}") for m in markup.check(text))
        found = _fields(text)
        if found is None or not set(found) <= allowed:
            shown = "broken braces" if found is None else found
            issues.append(
                TranslationIssue(f"placeholders must come from the English {sorted(allowed)}: found {shown}")
            )
    return issues
