"""The report's three formats: plain text, one long-form CSV table, one self-contained HTML page."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from html.parser import HTMLParser

import pytest

from dfhelper.insights.model import FlowReport, Report, StepCount
from dfhelper.insights.render import CSV_HEADER, EMPTY_MESSAGE, FORMATS, to_csv, to_html, to_text
from tests.insights.reports import empty_report, realistic_report

HOSTILE_TITLE = 'Order <b>&"now"'

VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "area", "base", "source", "track"}


def _in_words(code: str) -> str:
    """How the page writes an id: "can_log_in" → "Can log in"."""
    return code.replace("_", " ").capitalize()


def _with_title(report: Report, title: str) -> Report:
    first = dataclasses.replace(report.flows[0], title=title)
    return dataclasses.replace(report, flows=(first, *report.flows[1:]))


def _hostile(report: Report) -> Report:
    """Markup in every piece of text the report carries."""
    flow = dataclasses.replace(
        report.flows[0],
        flow="x<i>flow</i>",
        title=HOSTILE_TITLE,
        funnel=(StepCount("<em>step</em>", 3, 1, 1),),
    )
    return dataclasses.replace(
        report,
        flows=(flow,),
        escalations=(("<u>reason</u>", "x<i>flow</i>", "<em>step</em>", 1),),
        languages=(("<s>xx</s>", 3),),
        modes=(("<kbd>mode</kbd>", 3),),
        outcomes=(("<mark>out</mark>", 1),),
    )


def _text_block(text: str, start: str, end: str | None) -> str:
    """The text from the line ``start`` up to the line ``end``."""
    lines = text.splitlines()
    first = lines.index(start)
    last = lines.index(end, first) if end is not None else len(lines)
    return "\n".join(lines[first:last])


def _csv_rows(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == CSV_HEADER
    return list(reader)


def _csv_values(text: str) -> dict[tuple[str, str, str, str], str]:
    rows = _csv_rows(text)
    values = {(r["section"], r["flow"], r["step"], r["name"]): r["value"] for r in rows}
    assert len(values) == len(rows), "each (section, flow, step, name) appears once"
    return values


class Page(HTMLParser):
    """An HTML page read strictly: every element closed in order, with its text, headings,
    tables' header cells and charts collected for the tests."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.headings: list[int] = []
        self.th_scopes: list[str | None] = []
        self.svgs: list[dict[str, str | None]] = []
        self.svg_titles: list[str] = []
        self.title = ""
        self.lang: str | None = None
        self.doctype = ""
        self.feed(source)
        self.close()
        if self.stack:
            self.errors.append(f"not closed: {self.stack}")

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "th":
            self.th_scopes.append(attributes.get("scope"))
        if tag == "svg":
            self.svgs.append(attributes)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "title":
            if "svg" in self.stack:
                self.svg_titles.append(data)
            else:
                self.title += data
        if "style" not in self.stack:
            self.text.append(data)

    @property
    def words(self) -> str:
        """All visible text, whitespace squeezed."""
        return re.sub(r"\s+", " ", " ".join(self.text))

    def chart_labels(self) -> list[str]:
        return [str(svg.get("aria-label") or "") for svg in self.svgs]


def _page(report: Report) -> Page:
    page = Page(to_html(report))
    assert page.errors == []
    return page


# Plain text ----------------------------------------------------------------------------------


def test_text_shows_period_sessions_and_each_flow_in_its_own_block() -> None:
    text = to_text(realistic_report())
    assert text.startswith("dfhelper usage report\n")
    assert re.search(r"^Period:\s+1 Mar 2025 to 31 Mar 2025$", text, re.M)
    assert re.search(r"^Sessions:\s+40$", text, re.M)
    prescription = _text_block(
        text,
        "Order a repeat prescription (repeat-prescription)",
        "Register with a GP surgery (register-with-gp)",
    )
    for pattern in (
        r"Started:\s+24$",
        r"Finished:\s+15 \(62%\)$",
        r"Finished with help:\s+4$",
        r"Escalated to staff:\s+3 \(12%\)$",
        r"Abandoned:\s+6 \(25%\)$",
        r"Median time to finish:\s+4 min 32 s$",
        r"Step\s+Reached\s+Stuck\s+Left here$",
        r"^\s+intro\s+24\s+0\s+0$",
        r"^\s+can_log_in\s+22\s+3\s+2$",
        r"^\s+has_pharmacy\s+16\s+0\s+1$",
        r"^\s+done\s+15\s+0\s+0$",
    ):
        assert re.search(pattern, prescription, re.M), pattern
    register = _text_block(
        text, "Register with a GP surgery (register-with-gp)", "Escalations to staff, by reason"
    )
    for pattern in (
        r"Started:\s+13$",
        r"Finished:\s+7 \(54%\)$",
        r"Finished with help:\s+2$",
        r"Escalated to staff:\s+2 \(15%\)$",
        r"Abandoned:\s+4 \(31%\)$",
        r"Median time to finish:\s+10 min 15 s$",
        r"^\s+postcode\s+11\s+2\s+2$",
        r"^\s+submit\s+7\s+0\s+0$",
    ):
        assert re.search(pattern, register, re.M), pattern
    assert "can_log_in" not in register


def test_text_shows_escalations_languages_modes_outcomes_and_staff_time() -> None:
    text = to_text(realistic_report())
    escalations = _text_block(text, "Escalations to staff, by reason", "Languages")
    assert re.search(r"^\s+red_flag_chest_pain\s+repeat-prescription\s+can_log_in\s+2$", escalations, re.M)
    assert re.search(r"^\s+registration_help\s+register-with-gp\s+postcode\s+2$", escalations, re.M)
    assert re.search(
        r"^\s+prescription_not_sent\s+repeat-prescription\s+choose_medicines\s+1$", escalations, re.M
    )
    languages = _text_block(text, "Languages", "Modes")
    assert re.search(r"^\s+English \(en\)\s+21\s+52%$", languages, re.M)
    assert re.search(r"^\s+Polish \(pl\)\s+8\s+20%$", languages, re.M)
    assert re.search(r"^\s+Romanian \(ro\)\s+2\s+5%$", languages, re.M)
    modes = _text_block(text, "Modes", "Assisted outcomes")
    assert re.search(r"^\s+kiosk\s+31\s+78%$", modes, re.M)
    assert re.search(r"^\s+assist\s+9\s+22%$", modes, re.M)
    outcomes = _text_block(text, "Assisted outcomes", "Help requests and staff time")
    assert re.search(r"^\s+helped_at_kiosk\s+5\s+56%$", outcomes, re.M)
    assert re.search(r"^\s+referred\s+1\s+11%$", outcomes, re.M)
    help_ = _text_block(text, "Help requests and staff time", None)
    assert re.search(r"Help requests at the desk:\s+11$", help_, re.M)
    assert re.search(r"Staff time in total:\s+74\.5 min$", help_, re.M)
    assert re.search(r"Staff time per request \(median\):\s+6 min$", help_, re.M)


def test_text_headings_come_in_order() -> None:
    text = to_text(realistic_report())
    headings = [
        "Tasks",
        "Escalations to staff, by reason",
        "Languages",
        "Modes",
        "Assisted outcomes",
        "Help requests and staff time",
    ]
    lines = text.splitlines()
    places = [lines.index(heading) for heading in headings]
    assert places == sorted(places)
    assert all(set(lines[place + 1]) == {"-"} for place in places)


def test_empty_report_as_text_says_so() -> None:
    text = to_text(empty_report())
    assert EMPTY_MESSAGE in text
    assert re.search(r"^Sessions:\s+0$", text, re.M)
    assert "Tasks" not in text.splitlines()
    assert re.search(r"Help requests at the desk:\s+0$", text, re.M)
    assert re.search(r"Staff time per request \(median\):\s+not known$", text, re.M)


def test_text_keeps_control_characters_from_flow_files_off_the_terminal() -> None:
    report = _with_title(realistic_report(), "Order\x1b[2J a repeat\u202e prescription")
    text = to_text(report)
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert "Order [2J a repeat  prescription (repeat-prescription)" in text


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(None, "not known"), (45.0, "45 s"), (60.0, "1 min"), (272.5, "4 min 32 s"), (3900.0, "1 h 5 min")],
)
def test_median_time_in_words(seconds: float | None, words: str) -> None:
    report = realistic_report()
    flow = dataclasses.replace(report.flows[0], median_seconds=seconds)
    report = dataclasses.replace(report, flows=(flow,))
    assert re.search(rf"Median time to finish:\s+{re.escape(words)}$", to_text(report), re.M)
    assert f"Median time to finish: {words}." in _page(report).words


def test_flow_with_no_steps_and_report_with_nothing_else() -> None:
    bare = FlowReport("bare", "Bare flow", 2, 0, 0, 0, 2, None, ())
    report = dataclasses.replace(realistic_report(), flows=(bare,), escalations=(), outcomes=())
    text = to_text(report)
    assert "No escalations to staff." in text
    assert "No assisted outcomes recorded." in text
    page = _page(report)
    assert "No steps recorded." in page.words
    assert "No escalations to staff in this period." in page.words
    assert "No assisted outcomes recorded in this period." in page.words
    assert len(page.svgs) == 1  # languages only


# CSV -----------------------------------------------------------------------------------------


def test_csv_is_one_long_table_with_the_report_numbers() -> None:
    values = _csv_values(to_csv(realistic_report()))
    assert values[("summary", "", "", "sessions")] == "40"
    assert values[("summary", "", "", "since")] == "2025-03-01T00:00:00+00:00"
    assert values[("summary", "", "", "until")] == "2025-04-01T00:00:00+00:00"
    assert values[("summary", "", "", "help_requests")] == "11"
    assert values[("summary", "", "", "staff_minutes_total")] == "74.5"
    assert values[("summary", "", "", "staff_minutes_median")] == "6"
    assert values[("flow", "repeat-prescription", "", "title")] == "Order a repeat prescription"
    assert values[("flow", "repeat-prescription", "", "started")] == "24"
    assert values[("flow", "repeat-prescription", "", "finished")] == "15"
    assert values[("flow", "repeat-prescription", "", "finished_with_help")] == "4"
    assert values[("flow", "repeat-prescription", "", "escalated")] == "3"
    assert values[("flow", "repeat-prescription", "", "abandoned")] == "6"
    assert values[("flow", "repeat-prescription", "", "median_seconds")] == "272.5"
    assert values[("flow", "register-with-gp", "", "median_seconds")] == "615"
    assert values[("funnel", "repeat-prescription", "can_log_in", "reached")] == "22"
    assert values[("funnel", "repeat-prescription", "can_log_in", "stuck")] == "3"
    assert values[("funnel", "repeat-prescription", "can_log_in", "left_here")] == "2"
    assert values[("funnel", "register-with-gp", "postcode", "reached")] == "11"
    assert values[("escalation", "repeat-prescription", "can_log_in", "red_flag_chest_pain")] == "2"
    assert values[("escalation", "register-with-gp", "postcode", "registration_help")] == "2"
    assert values[("escalation", "repeat-prescription", "choose_medicines", "prescription_not_sent")] == "1"
    assert values[("language", "", "", "pl")] == "8"
    assert values[("language", "", "", "en")] == "21"
    assert values[("mode", "", "", "assist")] == "9"
    assert values[("outcome", "", "", "referred")] == "1"


def test_csv_has_every_funnel_step_and_nothing_twice() -> None:
    report = realistic_report()
    rows = _csv_rows(to_csv(report))
    sections = [row["section"] for row in rows]
    assert set(sections) == {"summary", "flow", "funnel", "escalation", "language", "mode", "outcome"}
    for flow in report.flows:
        funnel = [row for row in rows if row["section"] == "funnel" and row["flow"] == flow.flow]
        assert [row["step"] for row in funnel[::3]] == [step.step for step in flow.funnel]
        assert [row["name"] for row in funnel] == ["reached", "stuck", "left_here"] * len(flow.funnel)
    assert sum(int(r["value"]) for r in rows if r["section"] == "language") == report.sessions
    assert to_csv(report).endswith("\r\n")


def test_empty_report_as_csv_has_only_the_summary() -> None:
    values = _csv_values(to_csv(empty_report()))
    assert {key[0] for key in values} == {"summary"}
    assert values[("summary", "", "", "sessions")] == "0"
    assert values[("summary", "", "", "staff_minutes_median")] == ""


def test_csv_quotes_titles_and_stops_spreadsheet_formulas() -> None:
    quoted = _csv_values(to_csv(_with_title(realistic_report(), 'Order, "quickly"\nnow')))
    assert quoted[("flow", "repeat-prescription", "", "title")] == 'Order, "quickly" now'
    formula = _csv_values(to_csv(_with_title(realistic_report(), '=HYPERLINK("x","y")')))
    assert formula[("flow", "repeat-prescription", "", "title")] == '\'=HYPERLINK("x","y")'


# HTML ----------------------------------------------------------------------------------------


def test_html_is_a_self_contained_accessible_page() -> None:
    source = to_html(realistic_report())
    page = _page(realistic_report())
    assert source.startswith("<!DOCTYPE html>")
    assert page.doctype.lower() == "doctype html"
    assert page.lang == "en"
    assert "usage report" in page.title
    assert "1 Mar 2025 to 31 Mar 2025" in page.title
    lowered = source.lower()
    for banned in ("<script", "http://", "https://", "<link", "<img", "<iframe", "@import", "src=", "href="):
        assert banned not in lowered, banned
    assert "@media print" in source
    assert "#005EB8" in source
    assert "#212B32" in source
    assert page.headings[0] == 1
    assert page.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
    assert page.th_scopes
    assert set(page.th_scopes) <= {"col", "row"}


def test_html_has_one_accessible_chart_per_funnel_and_per_breakdown() -> None:
    report = realistic_report()
    source = to_html(report)
    page = _page(report)
    assert source.count("<svg") == len(page.svgs) == len(report.flows) + 3
    assert all(svg.get("role") == "img" for svg in page.svgs)
    assert page.svg_titles == page.chart_labels()
    assert all(re.search(r"\d", label) for label in page.chart_labels())
    assert len({svg.get("aria-labelledby") for svg in page.svgs}) == len(page.svgs)


def test_html_funnels_give_every_step_in_words_and_marks_without_colour_alone() -> None:
    report = realistic_report()
    page = _page(report)
    labels = page.chart_labels()
    for flow, label in zip(report.flows, labels, strict=False):
        assert label.startswith(f"Steps of {flow.title}, {flow.started} started: ")
        for step in flow.funnel:
            counts = f"{step.reached} reached, {step.stuck} stuck, {step.left_here} left here"
            assert f"{_in_words(step.step)}: {counts}" in label
    source = to_html(report)
    assert source.count("<pattern") == 2 * len(report.flows)
    # the same numbers are written on the chart, not only coloured in
    assert "22 reached (92% of starts)" in page.words
    assert "3 stuck" in page.words
    assert "2 left here" in page.words
    assert "Stuck or escalated here" in page.words
    assert "Left here (abandoned)" in page.words


def test_html_shows_every_value() -> None:
    report = realistic_report()
    page = _page(report)
    words = page.words
    labels = " ".join(page.chart_labels())
    # summary and each task at a glance
    for figure in ("40 patient sessions", "37 tasks started", "22 tasks finished (59%)", "5 passed to staff"):
        assert figure in words, figure
    assert "11 help requests at the desk" in words
    assert "74.5 min staff time in total" in words
    assert "Order a repeat prescription 24 15 (62%) 4 3 6 4 min 32 s" in words
    assert "Register with a GP surgery 13 7 (54%) 2 2 4 10 min 15 s" in words
    assert "Kiosk 31 (78%)" in words
    assert "Assist 9 (22%)" in words
    for flow in report.flows:
        assert (
            f"{flow.started} started, {flow.finished} finished ({flow.finished_with_help} with help), "
            f"{flow.escalated} passed to staff, {flow.abandoned} abandoned." in words
        )
        for step in flow.funnel:
            assert f"{_in_words(step.step)} {step.reached} reached" in words
    # escalations: a chart by reason, a table by reason, task and step
    assert "Red flag chest pain, 2 escalations (40%)" in labels
    assert "Prescription not sent, 1 escalation (20%)" in labels
    assert "Red flag chest pain Order a repeat prescription Can log in 2" in words
    assert "Registration help Register with a GP surgery Postcode 2" in words
    assert "Prescription not sent Order a repeat prescription Choose medicines 1" in words
    for code, name in (
        ("en", "English"),
        ("pl", "Polish"),
        ("ar", "Arabic"),
        ("ur", "Urdu"),
        ("ro", "Romanian"),
    ):
        count = dict(report.languages)[code]
        assert f"{name} ({code}), {count} sessions" in labels
        assert f"{name} ({code}) {count} sessions" in words
    assert "Helped at kiosk, 5 sessions (56%)" in labels
    assert "Booked session 3 sessions (33%)" in words
    assert "Referred 1 session (11%)" in words
    assert "Help requests at the desk 11" in words
    assert "Staff time in total (claim to resolve) 74.5 min" in words
    assert "Staff time per request (median) 6 min" in words


def test_html_escapes_every_text_from_the_report() -> None:
    source = to_html(_hostile(realistic_report()))
    page = Page(source)
    assert page.errors == []
    assert "&lt;b&gt;&amp;&quot;now&quot;" in source
    assert "<b>" not in source
    assert not {"b", "i", "em", "u", "s", "kbd", "mark"} & set(page.tags)
    assert HOSTILE_TITLE in page.words
    assert HOSTILE_TITLE in page.chart_labels()[0]
    for text in ("<u>reason</u>", "<s>xx</s>", "<mark>out</mark>", "x<i>flow</i>"):
        assert text in page.words
    assert "<em>step</em>" in page.words


def test_html_title_with_markup_is_escaped_in_the_realistic_page() -> None:
    report = _with_title(realistic_report(), HOSTILE_TITLE)
    source = to_html(report)
    assert source.count("Order &lt;b&gt;&amp;&quot;now&quot;") >= 3  # heading, summary table, chart
    assert "<b>" not in source
    assert HOSTILE_TITLE in _page(report).words


def test_empty_report_as_html_says_no_usage() -> None:
    page = _page(empty_report())
    source = to_html(empty_report())
    assert "No usage recorded in this period" in page.words
    assert page.svgs == []
    assert "<svg" not in source
    assert page.headings == [1, 2]
    assert "Help requests at the desk 0" in page.words
    assert "<script" not in source.lower()


def test_formats_by_name() -> None:
    report = realistic_report()
    assert {name: render(report) for name, render in FORMATS.items()} == {
        "text": to_text(report),
        "csv": to_csv(report),
        "html": to_html(report),
    }
