"""The report in three formats: plain text for a terminal, one CSV table, one HTML page.

Standard library only. Flow titles come from flow files, so every piece of text taken
from a `Report` is treated as untrusted: cleaned of control characters for the
terminal, guarded against spreadsheet formulas in the CSV, and HTML-escaped in the page.

The HTML page is self-contained (inline CSS and inline SVG charts; no scripts, fonts,
images or links to anywhere), so it can be emailed, printed or put in a funding bid.
Charts mark values with patterns and words, never colour alone, so they survive a
black-and-white printer.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from dfhelper.insights.model import FlowReport, Report

EMPTY_MESSAGE = "No usage recorded in this period."
"""What every format says for a period with no sessions."""

CSV_HEADER: tuple[str, ...] = ("section", "flow", "step", "name", "value")
"""The CSV table's columns (long form: one number per row)."""

LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "en@easyread": "English (Easy Read)",
    "ar": "Arabic",
    "bn": "Bengali",
    "es": "Spanish",
    "gu": "Gujarati",
    "it": "Italian",
    "pa": "Punjabi (Gurmukhi)",
    "pa_Arab": "Punjabi (Shahmukhi)",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "uk": "Ukrainian",
    "ur": "Urdu",
}
"""English names of the languages dfhelper ships; any other code is shown as it is."""

_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# Shared wording ------------------------------------------------------------------------------


def _clean(value: object) -> str:
    """One line of text with no control characters, escape sequences or bidi overrides."""
    return _UNSAFE.sub(" ", str(value)).strip()


def _words(code: str) -> str:
    """An id in words, for the page: "red_flag_chest_pain" → "Red flag chest pain"."""
    words = _clean(code.replace("_", " ")) or "(none)"
    return words[:1].upper() + words[1:]


def _plural(count: int, unit: str) -> str:
    """ "1 session", "2 sessions" (``unit`` is the plural)."""
    return f"{count} {unit[:-1] if count == 1 and unit.endswith('s') else unit}"


def _language(code: str) -> str:
    """ "pl" → "Polish (pl)"; an unknown code as it is."""
    name = LANGUAGE_NAMES.get(code)
    return f"{name} ({_clean(code)})" if name else _clean(code) or "(none)"


def _num(value: float) -> str:
    """A number as short text: 72.0 → "72", 72.5 → "72.5"."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(round(value, 1))
    return str(value)


def _duration(seconds: float | None) -> str:
    """Seconds in words: "45 s", "4 min 30 s", "1 h 5 min"; "not known" when None."""
    if seconds is None:
        return "not known"
    total = round(seconds)
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min" if secs == 0 else f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h" if minutes == 0 else f"{hours} h {minutes} min"


def _minutes(value: float | None) -> str:
    return "not known" if value is None else f"{_num(value)} min"


def _pct(part: int, whole: int) -> str:
    """ "67%", or "" when there is nothing to divide by."""
    return f"{round(100 * part / whole)}%" if whole else ""


def _when(moment: dt.datetime) -> str:
    """ "1 Mar 2025", with the time when it is not midnight: "1 Mar 2025 09:30"."""
    day = f"{moment.day} {moment:%b %Y}"
    return day if moment.time() == dt.time(0, 0) else f"{day} {moment:%H:%M}"


def _period(report: Report) -> str:
    """The period, with an exclusive midnight end shown as the last whole day ("1 to 30 Nov")."""
    until = report.until
    if until.time() == dt.time(0, 0) and until > report.since:
        until -= dt.timedelta(days=1)
    return f"{_when(report.since)} to {_when(until)}"


def _flow_titles(report: Report) -> dict[str, str]:
    return {flow.flow: flow.title for flow in report.flows}


def _reasons(report: Report) -> list[tuple[str, int]]:
    """Escalations summed by reason, most first."""
    totals: Counter[str] = Counter()
    for reason, _flow, _step, count in report.escalations:
        totals[reason] += count
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


# Plain text ----------------------------------------------------------------------------------


def _heading(title: str, underline: str = "-") -> list[str]:
    return ["", title, underline * len(title)]


def _pairs(rows: Sequence[tuple[str, str]], indent: str = "") -> list[str]:
    width = max((len(label) for label, _ in rows), default=0) + 1
    return [f"{indent}{label + ':':<{width}} {value}" for label, value in rows]


def _columns(
    header: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "", *, text_columns: int = 1
) -> list[str]:
    """A table: the first ``text_columns`` columns left-aligned, the others (numbers) right-aligned."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = [
            f"{cell:<{widths[i]}}" if i < text_columns else f"{cell:>{widths[i]}}"
            for i, cell in enumerate(row)
        ]
        return (indent + "  ".join(cells)).rstrip()

    return [line(header), *(line(row) for row in rows)]


def _counts(header: str, unit: str, rows: Sequence[tuple[str, int]], total: int) -> list[str]:
    return _columns(
        [header, unit, "Share" if total else ""],
        [[label, str(count), _pct(count, total)] for label, count in rows],
        indent="  ",
    )


def to_text(report: Report) -> str:
    """The report as plain text for a terminal (no colour, no control characters from the data)."""
    lines = ["dfhelper usage report", "=" * len("dfhelper usage report")]
    lines += _pairs([("Period", _period(report)), ("Sessions", str(report.sessions))])
    if report.sessions == 0:
        lines += ["", EMPTY_MESSAGE]
    else:
        lines += _heading("Tasks")
        if not report.flows:
            lines.append("No task was started.")
        for flow in report.flows:
            lines += _text_flow(flow)
        lines += _heading("Escalations to staff, by reason")
        if report.escalations:
            lines += _columns(
                ["Reason", "Task", "Step", "Count"],
                [
                    [_clean(reason), _clean(flow), _clean(step) or "-", str(count)]
                    for reason, flow, step, count in report.escalations
                ],
                indent="  ",
                text_columns=3,
            )
        else:
            lines.append("  No escalations to staff.")
        lines += _heading("Languages")
        lines += _counts(
            "Language", "Sessions", [(_language(c), n) for c, n in report.languages], report.sessions
        )
        lines += _heading("Modes")
        lines += _counts("Mode", "Sessions", [(_clean(m), n) for m, n in report.modes], report.sessions)
        lines += _heading("Assisted outcomes")
        if report.outcomes:
            total = sum(count for _, count in report.outcomes)
            lines += _counts("Outcome", "Count", [(_clean(o), n) for o, n in report.outcomes], total)
        else:
            lines.append("  No assisted outcomes recorded.")
    lines += _heading("Help requests and staff time")
    lines += _pairs(
        [
            ("Help requests at the desk", str(report.help_requests)),
            ("Staff time in total", _minutes(report.staff_minutes_total)),
            ("Staff time per request (median)", _minutes(report.staff_minutes_median)),
        ],
        indent="  ",
    )
    return "\n".join(lines) + "\n"


def _text_flow(flow: FlowReport) -> list[str]:
    lines = ["", f"{_clean(flow.title)} ({_clean(flow.flow)})"]
    lines += _pairs(
        [
            ("Started", str(flow.started)),
            ("Finished", _with_pct(flow.finished, flow.started)),
            ("Finished with help", str(flow.finished_with_help)),
            ("Escalated to staff", _with_pct(flow.escalated, flow.started)),
            ("Abandoned", _with_pct(flow.abandoned, flow.started)),
            ("Median time to finish", _duration(flow.median_seconds)),
        ],
        indent="  ",
    )
    if flow.funnel:
        lines.append("")
        lines += _columns(
            ["Step", "Reached", "Stuck", "Left here"],
            [[_clean(s.step) or "-", str(s.reached), str(s.stuck), str(s.left_here)] for s in flow.funnel],
            indent="    ",
        )
    return lines


def _with_pct(part: int, whole: int) -> str:
    share = _pct(part, whole)
    return f"{part} ({share})" if share else str(part)


# CSV -----------------------------------------------------------------------------------------


def _cell(value: object) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return _num(value)
    text = _UNSAFE.sub(" ", str(value))
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(report: Report) -> str:
    """The report as one long-form CSV table: ``section,flow,step,name,value``, one value a row."""
    rows: list[tuple[str, str, str, str, object]] = [
        ("summary", "", "", "since", report.since.isoformat(timespec="seconds")),
        ("summary", "", "", "until", report.until.isoformat(timespec="seconds")),
        ("summary", "", "", "sessions", report.sessions),
        ("summary", "", "", "help_requests", report.help_requests),
        ("summary", "", "", "staff_minutes_total", report.staff_minutes_total),
        ("summary", "", "", "staff_minutes_median", report.staff_minutes_median),
    ]
    for flow in report.flows:
        rows += [
            ("flow", flow.flow, "", "title", flow.title),
            ("flow", flow.flow, "", "started", flow.started),
            ("flow", flow.flow, "", "finished", flow.finished),
            ("flow", flow.flow, "", "finished_with_help", flow.finished_with_help),
            ("flow", flow.flow, "", "escalated", flow.escalated),
            ("flow", flow.flow, "", "abandoned", flow.abandoned),
            ("flow", flow.flow, "", "median_seconds", flow.median_seconds),
        ]
        for step in flow.funnel:
            rows += [
                ("funnel", flow.flow, step.step, "reached", step.reached),
                ("funnel", flow.flow, step.step, "stuck", step.stuck),
                ("funnel", flow.flow, step.step, "left_here", step.left_here),
            ]
    rows += [("escalation", flow, step, reason, n) for reason, flow, step, n in report.escalations]
    rows += [("language", "", "", code, n) for code, n in report.languages]
    rows += [("mode", "", "", mode, n) for mode, n in report.modes]
    rows += [("outcome", "", "", outcome, n) for outcome, n in report.outcomes]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue()


# HTML ----------------------------------------------------------------------------------------

BLUE = "#005EB8"
DARK_BLUE = "#003087"
TEXT = "#212B32"
GREY = "#4C6272"
PALE_GREY = "#D8DDE0"
RED = "#D5281B"
GREEN = "#007F3B"

_CSS = f"""
*, *::before, *::after {{ box-sizing: border-box; }}
html {{ background: #F0F4F5; }}
body {{ margin: 0; color: {TEXT}; font: 16px/1.5 Arial, "Helvetica Neue", Helvetica, sans-serif; }}
header.masthead {{ background: {BLUE}; color: #fff; padding: 24px 0 20px; }}
.wrap {{ max-width: 960px; margin: 0 auto; padding: 0 24px; }}
header.masthead h1 {{ margin: 0 0 4px; font-size: 2rem; line-height: 1.2; }}
header.masthead p {{ margin: 0; font-size: 1.125rem; }}
main {{ padding: 8px 0 32px; }}
section {{ background: #fff; border: 1px solid {PALE_GREY}; border-radius: 4px; padding: 8px 24px 20px;
  margin: 24px 0; }}
h2 {{ font-size: 1.5rem; margin: 16px 0 12px; line-height: 1.25; }}
h3 {{ font-size: 1.2rem; margin: 24px 0 8px; line-height: 1.3; }}
p {{ margin: 0 0 12px; }}
.lede {{ color: {GREY}; }}
.empty {{ font-size: 1.25rem; font-weight: bold; border-left: 8px solid {BLUE}; padding: 16px 20px;
  margin: 24px 0; background: #fff; }}
.figures {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px;
  margin: 8px 0 16px; padding: 0; list-style: none; }}
.figures li {{ border: 1px solid {PALE_GREY}; border-top: 4px solid {BLUE}; padding: 8px 12px;
  background: #fff; }}
.figures .n {{ display: block; font-size: 1.75rem; font-weight: bold; line-height: 1.2; }}
.figures .what {{ display: block; color: {GREY}; font-size: 0.95rem; }}
table {{ border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 0.95rem; }}
caption {{ text-align: left; font-weight: bold; padding: 4px 0 8px; }}
th, td {{ border-bottom: 1px solid {PALE_GREY}; padding: 6px 8px; text-align: left; vertical-align: top; }}
thead th {{ border-bottom: 2px solid {TEXT}; }}
td.num, th.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.flow-id {{ color: {GREY}; font-weight: normal; font-size: 0.9rem; }}
.chart {{ margin: 8px 0 16px; }}
.chart svg {{ display: block; width: 100%; height: auto; max-width: 760px; }}
svg text {{ font-family: Arial, "Helvetica Neue", Helvetica, sans-serif; fill: {TEXT}; }}
svg .label {{ font-size: 14px; font-weight: bold; }}
svg .note {{ font-size: 13px; fill: {GREY}; }}
svg .value {{ font-size: 13px; }}
footer {{ color: {GREY}; font-size: 0.9rem; padding: 0 0 32px; }}
@media print {{
  @page {{ margin: 15mm; }}
  html, body {{ background: #fff; }}
  body {{ font-size: 11pt; }}
  * {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
  header.masthead {{ background: #fff; color: {TEXT}; border-bottom: 3px solid {TEXT}; padding: 0 0 8px; }}
  .wrap {{ max-width: none; padding: 0; }}
  section {{ border: 0; padding: 0; margin: 16px 0; }}
  .figures li {{ border: 1px solid {TEXT}; border-top-width: 3px; }}
  .chart, table, .figures, h3 {{ break-inside: avoid; page-break-inside: avoid; }}
  h2, h3 {{ break-after: avoid; page-break-after: avoid; }}
}}
"""

_WIDTH = 720
"""The charts' drawing width (they scale to the page)."""
_VALUE_ROOM = 210
"""Room right of the longest bar for its number."""


def _e(value: object) -> str:
    """Text from the report, ready for HTML (content and attributes alike)."""
    return html.escape(_clean(value), quote=True)


class _Ids:
    """Unique ids for the charts of one page."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return f"chart-{self.count}"


def _svg(chart_id: str, label: str, height: int, body: Iterable[str], defs: str = "") -> str:
    """One accessible chart: role="img", its numbers in words as its name and as its <title>."""
    words = _e(label)
    return (
        f'<div class="chart"><svg role="img" aria-labelledby="{chart_id}-title" aria-label="{words}" '
        f'viewBox="0 0 {_WIDTH} {height}" width="{_WIDTH}" height="{height}" '
        f'preserveAspectRatio="xMinYMin meet">'
        f'<title id="{chart_id}-title">{words}</title>'
        + (f"<defs>{defs}</defs>" if defs else "")
        + "".join(body)
        + "</svg></div>"
    )


def _bar_width(value: int, biggest: int) -> float:
    if value <= 0 or biggest <= 0:
        return 0.0
    return max(round(value / biggest * (_WIDTH - _VALUE_ROOM), 1), 3.0)


def _bar_chart(
    chart_id: str, what: str, bars: Sequence[tuple[str, int]], *, unit: str, total: int, colour: str
) -> str:
    """A horizontal bar chart: a label above each bar, the number (and its share) after it."""
    biggest = max((value for _, value in bars), default=0)
    body: list[str] = []
    y = 4
    for label, value in bars:
        width = _bar_width(value, biggest)
        share = _pct(value, total)
        body.append(f'<text class="label" x="0" y="{y + 14}">{_e(label)}</text>')
        body.append(
            f'<rect x="0" y="{y + 21}" width="{width}" height="20" fill="{colour}" stroke="{TEXT}" '
            f'stroke-width="0.5"/>'
        )
        body.append(
            f'<text class="value" x="{width + 8}" y="{y + 36}">{_e(_plural(value, unit))}'
            + (f" ({share})" if share else "")
            + "</text>"
        )
        y += 52
    words = f"{what}: " + "; ".join(
        f"{label}, {_plural(value, unit)}" + (f" ({_pct(value, total)})" if total else "")
        for label, value in bars
    )
    return _svg(chart_id, words, y + 2, body)


def _legend_swatch(x: int, fill: str, stroke: str, text: str) -> str:
    return (
        f'<rect x="{x}" y="4" width="18" height="14" fill="{fill}" stroke="{stroke}"/>'
        f'<text class="value" x="{x + 24}" y="16">{_e(text)}</text>'
    )


def _funnel_chart(chart_id: str, flow: FlowReport) -> str:
    """A flow's funnel: a bar for the sessions that reached each step, and under it hatched and
    dotted bars for the stuck signals and the sessions that left there, each with its number in words."""
    hatch, dots = f"{chart_id}-hatch", f"{chart_id}-dots"
    defs = (
        f'<pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<rect width="3" height="6" fill="{RED}"/></pattern>'
        f'<pattern id="{dots}" width="5" height="5" patternUnits="userSpaceOnUse">'
        f'<rect width="5" height="5" fill="#fff"/><circle cx="2.5" cy="2.5" r="1.5" fill="{TEXT}"/></pattern>'
    )
    body = [
        _legend_swatch(0, BLUE, TEXT, "Reached the step"),
        _legend_swatch(170, f"url(#{hatch})", RED, "Stuck or escalated here"),
        _legend_swatch(390, f"url(#{dots})", TEXT, "Left here (abandoned)"),
    ]
    biggest = max((max(s.reached, s.stuck, s.left_here) for s in flow.funnel), default=0)
    y = 32
    for step in flow.funnel:
        body.append(f'<text class="label" x="0" y="{y + 14}">{_e(_words(step.step))}</text>')
        width = _bar_width(step.reached, biggest)
        share = _pct(step.reached, flow.started)
        body.append(
            f'<rect x="0" y="{y + 21}" width="{width}" height="18" fill="{BLUE}" stroke="{TEXT}" '
            f'stroke-width="0.5"/>'
        )
        body.append(
            f'<text class="value" x="{width + 8}" y="{y + 35}">{step.reached} reached'
            + (f" ({share} of starts)" if share else "")
            + "</text>"
        )
        y += 42
        for count, fill, stroke, word in (
            (step.stuck, f"url(#{hatch})", RED, "stuck"),
            (step.left_here, f"url(#{dots})", TEXT, "left here"),
        ):
            if count:
                width = _bar_width(count, biggest)
                body.append(
                    f'<rect x="0" y="{y}" width="{width}" height="11" fill="{fill}" stroke="{stroke}"/>'
                )
                body.append(f'<text class="note" x="{width + 8}" y="{y + 10}">{count} {word}</text>')
                y += 16
        y += 12
    words = f"Steps of {flow.title}, {flow.started} started: " + "; ".join(
        f"{_words(s.step)}: {s.reached} reached, {s.stuck} stuck, {s.left_here} left here"
        for s in flow.funnel
    )
    return _svg(chart_id, words, y, body, defs)


def _table(
    caption: str, header: Sequence[str], rows: Sequence[Sequence[str]], *, numeric_from: int = 1
) -> str:
    """A table with column headers, and the first cell of each row as its row header."""

    def cls(i: int) -> str:
        return ' class="num"' if i >= numeric_from else ""

    head = "".join(f'<th scope="col"{cls(i)}>{_e(cell)}</th>' for i, cell in enumerate(header))
    body = "".join(
        "<tr>"
        + f'<th scope="row">{_e(row[0])}</th>'
        + "".join(f"<td{cls(i)}>{_e(cell)}</td>" for i, cell in enumerate(row) if i)
        + "</tr>"
        for row in rows
    )
    return (
        f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _figures(report: Report) -> str:
    started = sum(flow.started for flow in report.flows)
    finished = sum(flow.finished for flow in report.flows)
    escalated = sum(flow.escalated for flow in report.flows)
    items = [
        (str(report.sessions), "patient sessions"),
        (str(started), "tasks started"),
        (str(finished), f"tasks finished ({_pct(finished, started)})" if started else "tasks finished"),
        (str(escalated), "passed to staff"),
        (str(report.help_requests), "help requests at the desk"),
        (_minutes(report.staff_minutes_total), "staff time in total"),
    ]
    return (
        '<ul class="figures">'
        + "".join(
            f'<li><span class="n">{_e(n)}</span> <span class="what">{_e(w)}</span></li>' for n, w in items
        )
        + "</ul>"
    )


def _help_section(report: Report) -> str:
    return (
        '<section aria-labelledby="help"><h2 id="help">Help requests and staff time</h2>'
        + _table(
            "Help requests received at the desk and the staff time they took",
            ["Measure", "Value"],
            [
                ["Help requests at the desk", str(report.help_requests)],
                ["Staff time in total (claim to resolve)", _minutes(report.staff_minutes_total)],
                ["Staff time per request (median)", _minutes(report.staff_minutes_median)],
            ],
        )
        + "</section>"
    )


def to_html(report: Report) -> str:
    """The report as one self-contained HTML5 page (inline CSS and SVG; no scripts or links)."""
    ids = _Ids()
    period = _period(report)
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>dfhelper usage report, {_e(period)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        '<header class="masthead"><div class="wrap"><h1>dfhelper usage report</h1>'
        f"<p>{_e(period)}</p></div></header>\n"
        '<main class="wrap">\n'
    ]
    if report.sessions == 0:
        parts.append(f'<p class="empty">{_e(EMPTY_MESSAGE)}</p>')
    else:
        parts.append(_summary_section(report))
        parts.append(_flows_section(report, ids))
        parts.append(_escalations_section(report, ids))
        parts.append(_languages_section(report, ids))
        parts.append(_outcomes_section(report, ids))
    parts.append(_help_section(report))
    parts.append(
        '\n</main>\n<footer class="wrap"><p>Made by dfhelper\'s <code>report</code> command. Counts are of '
        "anonymous sessions: dfhelper records no names, NHS numbers or anything a patient types.</p>"
        "</footer>\n</body>\n</html>\n"
    )
    return "\n".join(parts)


def _summary_section(report: Report) -> str:
    rows = [
        [
            flow.title,
            str(flow.started),
            _with_pct(flow.finished, flow.started),
            str(flow.finished_with_help),
            str(flow.escalated),
            str(flow.abandoned),
            _duration(flow.median_seconds),
        ]
        for flow in report.flows
    ]
    return (
        '<section aria-labelledby="summary"><h2 id="summary">Summary</h2>'
        f'<p class="lede">{report.sessions} patient sessions from {_e(_period(report))}.</p>'
        + _figures(report)
        + (
            _table(
                "Each task at a glance",
                ["Task", "Started", "Finished", "With help", "Passed to staff", "Abandoned", "Median time"],
                rows,
            )
            if rows
            else "<p>No task was started.</p>"
        )
        + _table(
            "How patients used dfhelper",
            ["Mode", "Sessions"],
            [[_words(mode), _with_pct(n, report.sessions)] for mode, n in report.modes],
        )
        + "</section>"
    )


def _flows_section(report: Report, ids: Callable[[], str]) -> str:
    parts = [
        '<section aria-labelledby="tasks"><h2 id="tasks">Where patients got to in each task</h2>'
        '<p class="lede">Each bar is the number of sessions that reached a step. Hatched bars are stuck '
        "signals and escalations at the step; dotted bars are sessions that ended there unfinished.</p>"
    ]
    for flow in report.flows:
        parts.append(
            f'<h3>{_e(flow.title)} <span class="flow-id">({_e(flow.flow)})</span></h3>'
            f"<p>{flow.started} started, {flow.finished} finished ({flow.finished_with_help} with help), "
            f"{flow.escalated} passed to staff, {flow.abandoned} abandoned. "
            f"Median time to finish: {_e(_duration(flow.median_seconds))}.</p>"
        )
        parts.append(_funnel_chart(ids(), flow) if flow.funnel else "<p>No steps recorded.</p>")
    parts.append("</section>")
    return "".join(parts)


def _escalations_section(report: Report, ids: Callable[[], str]) -> str:
    head = '<section aria-labelledby="escalations"><h2 id="escalations">Escalations to staff, by reason</h2>'
    if not report.escalations:
        return head + "<p>No escalations to staff in this period.</p></section>"
    reasons = _reasons(report)
    total = sum(n for _, n in reasons)
    titles = _flow_titles(report)
    return (
        head
        + _bar_chart(
            ids(),
            "Escalations by reason",
            [(_words(r), n) for r, n in reasons],
            unit="escalations",
            total=total,
            colour=DARK_BLUE,
        )
        + _table(
            "Escalations by reason, task and step",
            ["Reason", "Task", "Step", "Escalations"],
            [
                [_words(reason), titles.get(flow, flow), _words(step), str(n)]
                for reason, flow, step, n in report.escalations
            ],
            numeric_from=3,
        )
        + "</section>"
    )


def _languages_section(report: Report, ids: Callable[[], str]) -> str:
    head = '<section aria-labelledby="languages"><h2 id="languages">Languages</h2>'
    if not report.languages:
        return head + "<p>No languages recorded.</p></section>"
    bars = [(_language(code), n) for code, n in report.languages]
    return (
        head
        + _bar_chart(ids(), "Sessions by language", bars, unit="sessions", total=report.sessions, colour=BLUE)
        + "</section>"
    )


def _outcomes_section(report: Report, ids: Callable[[], str]) -> str:
    head = '<section aria-labelledby="outcomes"><h2 id="outcomes">Assisted outcomes</h2>'
    if not report.outcomes:
        return head + "<p>No assisted outcomes recorded in this period.</p></section>"
    total = sum(n for _, n in report.outcomes)
    bars = [(_words(outcome), n) for outcome, n in report.outcomes]
    return (
        head
        + _bar_chart(ids(), "Assisted outcomes", bars, unit="sessions", total=total, colour=GREEN)
        + "</section>"
    )


FORMATS: dict[str, Callable[[Report], str]] = {"text": to_text, "csv": to_csv, "html": to_html}
"""Each format's name and its renderer (for ``dfhelper report --format``)."""
