"""The safety net: redaction of anything identifying, and red flags in what patients type."""

from __future__ import annotations

import json
import logging

import pytest

from dfhelper.safety.redact import EMAIL, NHS_NUMBER, PHONE, POSTCODE, RedactingFilter, redact
from dfhelper.safety.redflags import KINDS, RedFlags, allowed_edits, words
from tests.unit.test_cli import run


@pytest.mark.parametrize(
    "text",
    [
        "my nhs no is 943 476 5919",
        "943-476-5919",
        "9434765919",
        "wrong checksum 943 476 5918",  # redaction never depends on a valid checksum
        "৯৪৩ ৪৭৬ ৫৯১৯",  # Bengali digits
        "٩٤٣٤٧٦٥٩١٩",  # Arabic-Indic digits
        "۹۴۳۴۷۶۵۹۱۹",  # Extended Arabic-Indic (Urdu) digits
        "９４３４７６５９１９",  # fullwidth digits
        "999.000.0018",
    ],
)
def test_nhs_numbers_in_every_digit_system_are_redacted(text: str) -> None:
    assert NHS_NUMBER in redact(text)
    assert not any(ch.isdigit() for ch in redact(text).replace(NHS_NUMBER, ""))


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("call me on 07700 900123", PHONE),
        ("+44 7700 900123", PHONE),
        ("0113 496 0000", PHONE),
        ("(0113) 496 0000", PHONE),
        ("+44 (0)20 7946 0018", PHONE),
        ("٠٧٧٠٠ ٩٠٠١٢٣", PHONE),
        ("a.b+c@example.co.uk", EMAIL),
        ("write to jan.kowalski@example.com please", EMAIL),
        ("I live at LS1 4AP", POSTCODE),
        ("EC1A 1BB", POSTCODE),
        ("ec1a1bb", POSTCODE),
        ("GIR 0AA", POSTCODE),
    ],
)
def test_phones_emails_and_postcodes_are_redacted(text: str, marker: str) -> None:
    assert marker in redact(text)


@pytest.mark.parametrize(
    "text",
    ["I take 2 tablets 3 times a day", "repeat prescription for 28 days", "appointment at 10:30", "Room 101"],
)
def test_ordinary_numbers_are_kept(text: str) -> None:
    assert redact(text) == text


def test_every_log_record_is_redacted_before_it_is_written(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("dfhelper.test.redaction")
    handler = logging.Handler()
    seen: list[str] = []
    handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    try:
        logger.warning("patient said %s", "my number is 943 476 5919, email a@b.co.uk")
    finally:
        logger.removeHandler(handler)
    assert seen == [f"patient said my number is {NHS_NUMBER}, email {EMAIL}"]


@pytest.fixture(scope="module")
def english() -> RedFlags:
    return RedFlags()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("chest pain going into my left arm and sweating", "chest_pain"),
        ("chest pian", "chest_pain"),  # a typo
        ("my chest is tight", "chest_pain"),
        ("I think it's a heart attack", "chest_pain"),
        ("I cant breath", "breathing"),
        ("struggling to breath", "breathing"),
        ("my dad's face is drooping", "stroke"),
        ("slured speech", "stroke"),
        ("the bleeding won't stop", "bleeding"),
        ("her lips are swelling", "allergy"),
        ("swollen tonge", "allergy"),
        ("my baby is floppy", "child_unwell"),
        ("rash won't fade under a glass", "child_unwell"),
        ("he collapsed", "collapse"),
        ("I want to die", "self_harm"),
        ("I want to kill myself.", "self_harm"),
        ("took an overdoes", "self_harm"),
    ],
)
def test_english_red_flags_are_found_with_typos(english: RedFlags, text: str, kind: str) -> None:
    hit = english.check(text)
    assert hit is not None, text
    assert hit.kind == kind
    assert 0 < hit.strength <= 100


@pytest.mark.parametrize(
    "text",
    [
        "prescription",
        "pain relief repeat",
        "repeat prescription for my inhaler",
        "I need my blood pressure tablets",
        "chest infection antibiotics",
        "my child needs a vaccine",
        "register my baby with a GP",
        "I had a stroke last year and need my tablets",
        "breathing test appointment",
        "allergy tablets",
        "sick note",
        "died",
        "it is hard to make an appointment",  # "make" is not "wake": a typo keeps the first letter
        "fill in my self referral form",
        "I want to make a follow up appointment",
    ],
)
def test_ordinary_requests_raise_no_red_flag(english: RedFlags, text: str) -> None:
    assert english.check(text) is None


def test_short_words_must_be_exact_and_long_words_allow_more_typos() -> None:
    assert [allowed_edits(w) for w in ("to", "die", "pain", "bleeding", "anaphylaxis")] == [0, 0, 1, 2, 2]


def test_words_stay_whole_in_every_script_and_lose_their_punctuation() -> None:
    assert words("সিনে ব্যথা, শ্বাস নিতে পারছি না।") == ("সিনে", "ব্যথা", "শ্বাস", "নিতে", "পারছি", "না")
    assert words("«chest pain!»") == ("chest", "pain")


def test_no_red_flag_list_has_a_lone_common_word() -> None:
    common = {"pain", "blood", "tablets", "child", "baby", "breathing", "chest", "prescription", "medicine"}
    for kind in KINDS:
        for phrase in kind.phrases.split("|"):
            assert words(phrase) not in {(w,) for w in common}, (kind.name, phrase)


def test_safety_check_says_which_red_flag_and_how_text_is_kept() -> None:
    code, out, _ = run(["safety", "check", "chest pian, ring 07700 900123"])
    assert code == 0
    assert "RED FLAG: chest_pain" in out
    assert "Kept as: chest pian, ring [phone]" in out
    code, out, _ = run(["safety", "check", "repeat prescription", "--format", "json"])
    assert json.loads(out) == {"red_flag": None, "redacted": "repeat prescription"}


def test_a_red_flag_typed_in_the_line_mode_stops_the_walk_and_calls_staff() -> None:
    code, out, _ = run(["walk", "repeat-prescription"], stdin="1\nmy chest pain is bad\n")
    assert code == 0
    assert "What you typed may mean you need urgent help." in out
    assert "call 999 now" in out
    assert "Help requested from staff (red_flag_chest_pain)" in out
    code, out, _ = run(["walk", "repeat-prescription", "--format", "jsonl"], stdin="1\ni want to die\n")
    records = [json.loads(line) for line in out.splitlines()]
    assert {
        "event": "red_flag",
        "flow": "repeat-prescription",
        "step": "can_log_in",
        "kind": "self_harm",
    } in records
