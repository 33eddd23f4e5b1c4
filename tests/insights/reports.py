"""Reports built by hand for the renderer's tests: a realistic month and an empty one."""

from __future__ import annotations

import datetime as dt

from dfhelper.insights.model import FlowReport, Report, StepCount

SINCE = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
UNTIL = dt.datetime(2025, 4, 1, tzinfo=dt.UTC)


def realistic_report() -> Report:
    """A month at a surgery: two flows with funnels, escalations, five languages, assisted outcomes."""
    prescription = FlowReport(
        flow="repeat-prescription",
        title="Order a repeat prescription",
        started=24,
        finished=15,
        finished_with_help=4,
        escalated=3,
        abandoned=6,
        median_seconds=272.5,
        funnel=(
            StepCount("intro", 24, 0, 0),
            StepCount("can_log_in", 22, 3, 2),
            StepCount("open_prescriptions", 18, 1, 1),
            StepCount("choose_medicines", 17, 2, 2),
            StepCount("has_pharmacy", 16, 0, 1),
            StepCount("send_request", 15, 0, 0),
            StepCount("done", 15, 0, 0),
        ),
    )
    register = FlowReport(
        flow="register-with-gp",
        title="Register with a GP surgery",
        started=13,
        finished=7,
        finished_with_help=2,
        escalated=2,
        abandoned=4,
        median_seconds=615.0,
        funnel=(
            StepCount("intro", 13, 0, 0),
            StepCount("choose_surgery", 12, 1, 1),
            StepCount("postcode", 11, 2, 2),
            StepCount("personal_details", 9, 1, 1),
            StepCount("submit", 7, 0, 0),
        ),
    )
    return Report(
        since=SINCE,
        until=UNTIL,
        sessions=40,
        flows=(prescription, register),
        escalations=(
            ("red_flag_chest_pain", "repeat-prescription", "can_log_in", 2),
            ("registration_help", "register-with-gp", "postcode", 2),
            ("prescription_not_sent", "repeat-prescription", "choose_medicines", 1),
        ),
        languages=(("en", 21), ("pl", 8), ("ar", 6), ("ur", 3), ("ro", 2)),
        modes=(("kiosk", 31), ("assist", 9)),
        outcomes=(("helped_at_kiosk", 5), ("booked_session", 3), ("referred", 1)),
        help_requests=11,
        staff_minutes_total=74.5,
        staff_minutes_median=6.0,
    )


def empty_report() -> Report:
    """A period in which nobody used the kiosk."""
    return Report(
        since=SINCE,
        until=UNTIL,
        sessions=0,
        flows=(),
        escalations=(),
        languages=(),
        modes=(),
        outcomes=(),
        help_requests=0,
        staff_minutes_total=0.0,
        staff_minutes_median=None,
    )
