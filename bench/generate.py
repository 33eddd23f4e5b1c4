"""A deterministic generated library of flows and catalogs, for benchmarks.

``generate(root, flows=500, steps=40, locales=20)`` writes valid flows (every
step kind, conditions, templates, help and sources on every step) and a
gettext catalog per locale with one message per translatable flow text, under
``bench/.generated/<flows>x<steps>x<locales>/``. It is written once and reused
(a stamp file records the parameters).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

LOCALES = (
    "pl",
    "ro",
    "pa",
    "ur",
    "pt",
    "es",
    "ar",
    "bn",
    "gu",
    "it",
    "uk",
    "fr",
    "de",
    "tr",
    "so",
    "ti",
    "fa",
    "zh",
    "ru",
    "lt",
)

_PROSE = (
    "open the app and choose your surgery then look for the button near the top of the screen "
    "you can ask a member of staff at reception if anything is unclear this may take a few minutes "
    "your request goes to the practice team who will check it and reply within one working day "
    "tap next when you are ready and keep your phone close by while you wait for the code"
)
WORDS = tuple(_PROSE.split())

KINDS = ("say", "choice", "say", "check", "say", "circumstances", "choice", "text")


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
    return " ".join(words).capitalize() + "."


def _text(rng: random.Random, templated: bool = False) -> str:
    text = " ".join(_sentence(rng) for _ in range(rng.randint(1, 3)))
    return f"Welcome to {{{{ practice.name }}}}. {text}" if templated else text


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def flow_yaml(index: int, steps: int, seed: int) -> tuple[str, list[tuple[str, str]]]:
    """One flow's YAML and its translatable texts as (context, text)."""
    rng = random.Random(seed * 100_003 + index)
    fid = f"flow-{index:04d}"
    texts: list[tuple[str, str]] = []

    def t(step: str, field: str, text: str) -> str:
        texts.append((f"{fid}:{step}:{field}", text))
        return _q(text)

    lines = [
        f"id: {fid}",
        f"title: {t('', 'title', f'Generated task {index}')}",
        f"summary: {t('', 'summary', _sentence(rng))}",
        "keywords: [" + ", ".join(_q(rng.choice(WORDS) + " " + rng.choice(WORDS)) for _ in range(8)) + "]",
        'review_by: "2099-01-01"',
        'sources: ["https://www.nhs.uk/"]',
        "steps:",
    ]
    last_choice: str | None = None
    escalate, end = f"s{steps - 2}", f"s{steps - 1}"
    for i in range(steps - 2):
        sid = f"s{i}"
        kind = KINDS[i % len(KINDS)]
        after = f"s{i + 1}" if i + 1 < steps - 2 else end
        skip = f"s{min(i + 2, steps - 3)}" if i + 2 < steps - 2 else end
        lines += [
            f"  - id: {sid}",
            f"    kind: {kind}",
            f"    text: {t(sid, 'text', _text(rng, i % 10 == 2))}",
        ]
        lines.append(f"    help: {t(sid, 'help', _sentence(rng))}")
        lines.append('    sources: ["https://www.nhs.uk/"]')
        if kind == "say" and i % 10 == 4:
            lines.append('    when: "facts.has_smartphone"')
        elif kind == "say" and i % 10 == 6 and last_choice:
            lines.append(f"    when: \"answers.{last_choice} == 'a'\"")
        if kind == "say":
            lines.append(f"    next: {after}")
        elif kind == "choice":
            lines.append("    options:")
            for value, target in (("a", after), ("b", skip)):
                lines.append(f"      - value: {value}")
                lines.append(f"        text: {t(sid, f'option.{value}.text', _sentence(rng))}")
                lines.append(f"        next: {target}")
            last_choice = sid
        elif kind == "check":
            lines += [f"    next: {after}", f"    no: {escalate}"]
        elif kind == "circumstances":
            lines += ["    facts: [has_smartphone, has_own_email, has_photo_id]", f"    next: {after}"]
        elif kind == "text":
            lines.append("    options:")
            for value, target in (("a", after), ("b", skip)):
                lines.append(f"      - value: {value}")
                lines.append(f"        text: {t(sid, f'option.{value}.text', _sentence(rng))}")
                lines.append(f"        match: [{_q(rng.choice(WORDS))}, {_q(rng.choice(WORDS))}]")
                lines.append(f"        next: {target}")
            lines.append(f"    no_match: {escalate}")
    lines += [
        f"  - id: {escalate}",
        "    kind: escalate",
        "    reason: generated_problem",
        f"    text: {t(escalate, 'text', _sentence(rng))}",
        f"  - id: {end}",
        "    kind: end",
        f"    text: {t(end, 'text', _sentence(rng))}",
        f"    what_next: [{t(end, 'what_next.0', _sentence(rng))}]",
    ]
    return "\n".join(lines) + "\n", texts


def generate(root: Path, flows: int = 500, steps: int = 40, locales: int = 20, seed: int = 1) -> Path:
    """Write (once) a generated library; returns its folder (``flows/`` and ``locales/`` inside)."""
    target = root / f"{flows}x{steps}x{locales}"
    stamp = target / "stamp.json"
    wanted = {"flows": flows, "steps": steps, "locales": locales, "seed": seed, "format": 1}
    if stamp.is_file() and json.loads(stamp.read_text()) == wanted:
        return target
    (target / "flows").mkdir(parents=True, exist_ok=True)
    all_texts: list[tuple[str, str]] = []
    for index in range(flows):
        text, texts = flow_yaml(index, steps, seed)
        (target / "flows" / f"flow-{index:04d}.yaml").write_text(text, encoding="utf-8")
        all_texts.extend(texts)
    for code in LOCALES[:locales]:
        catalog = Catalog(
            locale=code,
            project="dfhelper-bench",
            fuzzy=False,
            header_comment="# Generated test data for benchmarks; not a translation.",
        )
        for context, text in all_texts:
            catalog.add(text, string=f"[{code}] " + " ".join(reversed(text.split())), context=context)
        folder = target / "locales" / code / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "flows.po").open("wb") as fh:
            write_po(fh, catalog, width=0)
        with (folder / "flows.mo").open("wb") as fh:
            write_mo(fh, catalog)
    stamp.write_text(json.dumps(wanted))
    return target
