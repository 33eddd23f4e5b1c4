"""What the desk shows about a request, without a screen: ages, names, needs, order, re-alerts."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from dfhelper.desk import view
from dfhelper.escalation.store import DeskRequest

NOW = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)


def request(minutes_ago: float = 3, **changes: object) -> DeskRequest:
    """A request made ``minutes_ago`` before `NOW`."""
    made = NOW - dt.timedelta(minutes=minutes_ago)
    base = DeskRequest(
        id="00000000-0000-4000-8000-000000000001",
        ticket="007",
        created_at=made,
        received_at=made + dt.timedelta(seconds=2),
        kiosk="Kiosk by the door",
        flow="repeat-prescription",
        step="can_log_in",
        lang="pl",
        reason="asked_for_help",
        priority=False,
        steps_tried=("repeat-prescription:intro", "repeat-prescription:can_log_in"),
        needs=("needs_interpreter",),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


TITLES = {"repeat-prescription": "Order a repeat prescription"}


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "under 1 min"),
        (59, "under 1 min"),
        (60, "1 min"),
        (3 * 60 + 30, "3 min"),
        (60 * 60, "1 h"),
        (65 * 60 + 59, "1 h 5 min"),
        (26 * 60 * 60 + 60, "26 h 1 min"),
        (-30, "under 1 min"),
    ],
)
def test_ages_read_at_a_glance(seconds: int, shown: str) -> None:
    assert view.format_age(dt.timedelta(seconds=seconds)) == shown


def test_a_row_has_the_age_from_the_given_clock_and_names_for_codes() -> None:
    row = view.make_row(request(65), NOW, titles=TITLES, realert_seconds=7200)
    assert row.ticket == "007"
    assert row.age == "1 h 5 min"
    assert row.kiosk == "Kiosk by the door"
    assert row.task == "Order a repeat prescription"
    assert row.step == "can_log_in"
    assert row.language == "Polish"
    assert row.needs == "Interpreter"
    assert row.state == "Waiting"
    assert row.flag == ""


def test_a_flow_missing_from_the_library_is_shown_by_its_id() -> None:
    row = view.make_row(request(flow="old-flow", step=None), NOW, titles=TITLES, realert_seconds=120)
    assert row.task == "old-flow"
    assert row.step == "-"
    assert view.make_row(request(flow=None), NOW, titles=TITLES, realert_seconds=120).task == "-"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("pl", "Polish"),
        ("ur", "Urdu"),
        ("pa_Arab", "Punjabi Shahmukhi"),
        ("en@easyread", "English (Easy Read)"),
    ],
)
def test_languages_are_named_in_english(code: str, name: str) -> None:
    assert view.language_name(code) == name


def test_an_unknown_language_code_is_shown_as_it_is() -> None:
    assert view.language_name("xx") == "xx"


def test_needs_have_plain_names_and_unknown_ones_are_title_cased() -> None:
    needs = ("needs_interpreter", "wants_easy_read", "needs_step_free_access")
    row = view.make_row(request(needs=needs), NOW, titles=TITLES, realert_seconds=120)
    assert row.needs == "Interpreter, Easy Read, Needs Step Free Access"
    assert view.make_row(request(needs=()), NOW, titles=TITLES, realert_seconds=120).needs == "-"


def test_urgent_and_claimed_requests_say_so() -> None:
    urgent = view.make_row(request(priority=True), NOW, titles=TITLES, realert_seconds=120)
    claimed = view.make_row(
        request(state="claimed", claimed_by="Back office"), NOW, titles=TITLES, realert_seconds=120
    )
    assert urgent.flag == "URGENT"
    assert claimed.state == "Claimed by Back office"
    assert claimed.claimed_by == "Back office"


def test_rows_keep_the_stores_order() -> None:
    requests = [request(1, id="a", priority=True), request(9, id="b"), request(2, id="c")]
    rows = view.make_rows(requests, NOW, titles=TITLES, realert_seconds=120)
    assert [r.id for r in rows] == ["a", "b", "c"]


def test_a_request_needs_a_realert_when_open_unclaimed_and_waiting_long_enough() -> None:
    assert not view.needs_realert(request(1.9), NOW, 120)
    assert view.needs_realert(request(2), NOW, 120)
    assert not view.needs_realert(request(30, state="claimed", claimed_by="Reception"), NOW, 120)
    assert not view.needs_realert(request(30, state="resolved"), NOW, 120)


def test_realert_rounds_count_each_period_waited() -> None:
    assert view.realert_round(request(1), NOW, 120) == 0
    assert view.realert_round(request(2), NOW, 120) == 1
    assert view.realert_round(request(5), NOW, 120) == 2
    assert view.realert_round(request(5, state="claimed", claimed_by="Reception"), NOW, 120) == 0


def test_a_row_needing_a_realert_says_so_in_words_not_only_colour() -> None:
    row = view.make_row(request(3), NOW, titles=TITLES, realert_seconds=120)
    assert row.realert
    assert row.state == view.TOO_LONG


def test_control_characters_escapes_and_bidi_overrides_never_reach_the_terminal() -> None:
    sneaky = request(kiosk="Front\x1b]8;;http://evil\x1b\\desk\u202e\x07", step="a\nb")
    row = view.make_row(sneaky, NOW, titles=TITLES, realert_seconds=120)
    for value in view.cells(row):
        assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F or ch == "\u202e" for ch in value)
    assert row.kiosk.startswith("Front")


def test_a_very_long_field_is_cut_short() -> None:
    assert len(view.clean("x" * 500)) == view.MAX_FIELD
    assert view.clean("x" * 500).endswith("…")


def test_text_table_lines_up_columns_under_a_heading() -> None:
    rows = view.make_rows(
        [request(1, id="a", priority=True, ticket="012"), request(65, id="b", kiosk="K2")],
        NOW,
        titles=TITLES,
        realert_seconds=7200,
    )
    heading, first, second = view.text_table(rows)
    assert heading.split() == [
        "Priority",
        "Ticket",
        "Waiting",
        "State",
        "Kiosk",
        "Language",
        "Needs",
        "Task",
        "Step",
    ]
    assert first.startswith("URGENT")
    assert "012" in first
    assert "1 h 5 min" in second
    assert heading.index("Ticket") == first.index("012") == second.index("007")
    assert heading.index("Task") == first.index("Order") == second.index("Order")


def test_text_table_with_nobody_waiting_says_so() -> None:
    assert view.text_table([]) == ["Nobody is waiting for help."]


def test_summary_counts_waiting_urgent_and_claimed() -> None:
    requests = [
        request(id="a", priority=True),
        request(id="b"),
        request(id="c", state="claimed", claimed_by="Reception"),
    ]
    assert view.summary(requests) == "2 waiting (1 urgent), 1 claimed"
    assert view.summary([]) == "0 waiting, 0 claimed"


def test_details_list_steps_tried_reason_and_times() -> None:
    claimed = request(
        12,
        state="claimed",
        claimed_by="Reception",
        claimed_at=NOW - dt.timedelta(minutes=2),
        reason="prescription_not_sent",
    )
    lines = dict(view.details(claimed, NOW, titles=TITLES, tz=dt.UTC))
    assert lines["Ticket"] == "007"
    assert lines["Reason"] == "Prescription not sent"
    assert lines["Asked at"] == "09:48"
    assert lines["Reached the desk at"] == "09:48"
    assert lines["Claimed at"] == "09:58"
    assert lines["Waiting"] == "12 min"
    assert lines["Language"] == "Polish (pl)"
    assert lines["Steps tried"] == "repeat-prescription:intro\nrepeat-prescription:can_log_in"
    assert "Outcome" not in lines


def test_details_of_a_long_walk_show_the_latest_steps() -> None:
    steps = tuple(f"flow:s{i}" for i in range(30))
    tried = dict(view.details(request(steps_tried=steps), NOW, titles=TITLES, tz=dt.UTC))["Steps tried"]
    assert tried.startswith("…\nflow:s18\n")
    assert tried.endswith("flow:s29")


def test_outcomes_are_shown_in_words() -> None:
    assert view.outcome_label("helped_at_desk") == "Helped at the desk"
    assert view.outcome_label(None) == "-"
