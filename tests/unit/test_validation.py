"""Every validation check: what it finds, where, and what it says to do."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from textwrap import dedent

import pytest

from dfhelper.flowlang.library import Library
from tests.helpers import codes, flow_text, load, write

END = """\
- id: done
  kind: end
  text: Done.
"""


def _problems(tmp: Path, steps: str, extra: str = "") -> list[str]:
    _, problems = load(tmp, flow_text(steps, extra=extra))
    return codes(problems)


def test_unknown_next_suggests_the_closest_step(tmp_path: Path) -> None:
    _, problems = load(
        tmp_path,
        flow_text(
            """\
            - id: scan
              kind: say
              text: Scan your face.
              next: fnish
            - id: finish
              kind: end
              text: Done.
            """
        ),
    )
    (p,) = problems
    assert p.code == "unknown-next"
    assert (p.line, p.column) == (10, 11)
    assert p.step == "scan"
    assert "goes to 'fnish', which does not exist. Did you mean 'finish'?" in p.message


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    _, problems = load(tmp_path, flow_text("- id: a\n  kind: say\n  txet: Hi.\n" + END))
    assert "unknown-key" in codes(problems)
    assert any("Did you mean 'text'?" in p.message for p in problems)


def test_unknown_kind_lists_the_kinds(tmp_path: Path) -> None:
    _, problems = load(tmp_path, flow_text("- id: a\n  kind: sya\n  text: Hi.\n" + END))
    assert codes(problems) == ["unknown-kind"]
    assert "Did you mean 'say'?" in problems[0].message


def test_missing_required_fields_are_named(tmp_path: Path) -> None:
    assert _problems(tmp_path, "- id: a\n  kind: check\n  text: Try it.\n" + END) == ["missing-key"]
    assert _problems(tmp_path, "- id: a\n  kind: say\n" + END) == ["missing-key"]
    _, problems = load(tmp_path, "id: t\ntitle: T\nsteps: []\n")
    assert {p.message for p in problems} >= {"'summary' is required here.", "'review_by' is required here."}


def test_wrong_types_are_explained(tmp_path: Path) -> None:
    _, problems = load(tmp_path, flow_text("- id: a\n  kind: say\n  text: [Hi]\n" + END))
    assert codes(problems) == ["wrong-type"]
    assert "must be text, not a list" in problems[0].message
    _, problems = load(tmp_path, flow_text(END).replace('"2099-01-01"', "next year"))
    assert codes(problems) == ["wrong-type"]
    assert "2027-05-01" in problems[0].message


def test_unreachable_step_is_reported(tmp_path: Path) -> None:
    steps = "- id: a\n  kind: say\n  text: Hi.\n  next: done\n- id: lost\n  kind: say\n  text: Lost.\n" + END
    assert _problems(tmp_path, steps) == ["unreachable"]


def test_dead_end_at_the_last_step(tmp_path: Path) -> None:
    assert _problems(tmp_path, END + "- id: a\n  kind: say\n  text: Hi.\n") == ["dead-end"]


def test_conditional_last_step_is_a_dead_end(tmp_path: Path) -> None:
    steps = (
        dedent("""\
    - id: a
      kind: choice
      text: Which?
      options:
        - {value: one, text: One, next: done}
        - {value: two, text: Two, next: z}
    """)
        + END
        + "- id: z\n  kind: end\n  text: Bye.\n  when: facts.has_smartphone\n"
    )
    assert _problems(tmp_path, steps) == ["dead-end"]


def test_loop_with_no_way_out(tmp_path: Path) -> None:
    steps = (
        dedent("""\
    - id: a
      kind: choice
      text: Which?
      options:
        - {value: one, text: One, next: b}
        - {value: two, text: Two, next: done}
    - id: b
      kind: say
      text: B.
      next: c
    - id: c
      kind: say
      text: C.
      next: b
    """)
        + END
    )
    _, problems = load(tmp_path, flow_text(steps))
    assert codes(problems) == ["no-way-out", "no-way-out"]
    assert {p.step for p in problems} == {"b", "c"}


def test_loop_with_a_way_out_is_fine(tmp_path: Path) -> None:
    steps = (
        dedent("""\
    - id: try_it
      kind: check
      text: Try it.
      no: fix
      next: done
    - id: fix
      kind: say
      text: Fix it.
      next: try_it
    """)
        + END
    )
    assert _problems(tmp_path, steps) == []


def test_undefined_names_in_templates_and_conditions(tmp_path: Path) -> None:
    steps = (
        dedent("""\
    - id: a
      kind: say
      text: Hello {{ patient_nmae }} at {{ practice.nmae }}.
      when: facts.has_phto_id or answers.nowhere == 'x'
    """)
        + END
    )
    _, problems = load(tmp_path, flow_text(steps))
    messages = " ".join(p.message for p in problems)
    assert codes(problems).count("undefined-name") == 4
    assert "Did you mean 'name'?" in messages
    assert "Did you mean 'has_photo_id'?" in messages
    assert "'answers.nowhere'" in messages


def test_template_syntax_errors_are_found_with_a_line(tmp_path: Path) -> None:
    _, problems = load(tmp_path, flow_text("- id: a\n  kind: say\n  text: Hello {{ name \n" + END))
    assert codes(problems) == ["template-syntax"]
    assert problems[0].line == 9


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ practice.name|attr('format') }}",
        "{% include 'x' %}",
        "{% import 'x' as y %}",
        "{{ practice.name.upper() }}",
        "{{ practice['_x'] }}",
    ],
)
def test_sandbox_escapes_are_rejected_at_load_time(tmp_path: Path, template: str) -> None:
    steps = f'- id: a\n  kind: say\n  text: "Hi {template}"\n' + END
    _, problems = load(tmp_path, flow_text(steps))
    assert problems, template
    assert {p.code for p in problems} <= {"template-forbidden", "undefined-name", "template-syntax", "markup"}
    assert all(p.step == "a" for p in problems)


@pytest.mark.parametrize(
    "text",
    [
        "[@click=app.quit]Tap[/]",
        "[link=https://evil.example]NHS[/link]",
        "[b]open",
        "closed[/b]",
        "[/]",
        "a lone [ bracket",
        "[red]x[/red]",
    ],
)
def test_disallowed_markup_is_rejected(tmp_path: Path, text: str) -> None:
    steps = f"- id: a\n  kind: say\n  text: '{text}'\n" + END
    assert "markup" in _problems(tmp_path, steps)


def test_allowed_markup_and_escaped_brackets_are_fine(tmp_path: Path) -> None:
    steps = "- id: a\n  kind: say\n  text: '[b]Bold[/b], [i]it[/i] and \\[not a tag].'\n" + END
    assert _problems(tmp_path, steps) == []


def test_long_sentence_is_a_warning(tmp_path: Path) -> None:
    long = " ".join(["word"] * 21) + "."
    flow, problems = load(tmp_path, flow_text(f"- id: a\n  kind: say\n  text: {long}\n" + END))
    assert flow is not None  # warnings do not stop a flow
    assert codes(problems) == ["long-sentence"]
    assert not problems[0].is_error
    assert "21 words" in problems[0].message


def test_past_review_date_is_a_warning(tmp_path: Path) -> None:
    write(tmp_path, flow_text(END).replace("2099-01-01", "2020-01-01"))
    lib = Library.load([tmp_path], today=dt.date(2026, 1, 1))
    assert codes(lib.problems) == ["review-overdue"]
    assert lib.problems[0].line == 4
    assert "t" in lib


def test_unknown_facts_in_suits_sets_and_circumstances(tmp_path: Path) -> None:
    steps = (
        dedent("""\
    - id: a
      kind: circumstances
      text: Tick.
      facts: [has_smartfone]
    - id: b
      kind: choice
      text: Which?
      options:
        - {value: one, text: One, sets: ["not has_id"]}
        - {value: two, text: Two}
    """)
        + END
    )
    found = _problems(tmp_path, steps, extra='suits: ["not homeless"]\n')
    assert found == ["unknown-fact", "unknown-fact", "unknown-fact"]


def test_sources_and_links_must_be_https(tmp_path: Path) -> None:
    steps = (
        "- id: a\n  kind: say\n  text: Hi.\n  sources: ['http://nhs.uk']\n"
        "  links: [{url: 'javascript:x', text: X}]\n"
    )
    assert _problems(tmp_path, steps + END) == ["bad-url", "bad-url"]


def test_duplicate_step_ids_and_values(tmp_path: Path) -> None:
    steps = (
        dedent("""\
    - id: a
      kind: choice
      text: Which?
      options:
        - {value: one, text: One}
        - {value: one, text: Also one}
    - id: a
      kind: say
      text: Again.
    """)
        + END
    )
    assert set(_problems(tmp_path, steps)) >= {"duplicate-step", "duplicate-value"}


def test_bad_ids_are_reported(tmp_path: Path) -> None:
    steps = "- id: Step-One\n  kind: say\n  text: Hi.\n" + END
    assert _problems(tmp_path, steps) == ["bad-id"]


def test_flow_id_must_match_file_name(tmp_path: Path) -> None:
    _, problems = load(tmp_path, flow_text(END, flow_id="other"))
    assert codes(problems) == ["id-not-file-name"]


def test_calls_and_requires_must_name_flows(tmp_path: Path) -> None:
    caller = flow_text(
        "- id: c\n  kind: call\n  flow: nhs-logn\n" + END, flow_id="caller", extra="requires: [missing]\n"
    )
    write(tmp_path, caller, "caller")
    write(tmp_path, flow_text(END, flow_id="nhs-login"), "nhs-login")
    lib = Library.load([tmp_path])
    assert codes(lib.problems) == ["unknown-flow", "unknown-flow"]
    assert any("Did you mean 'nhs-login'?" in p.message for p in lib.problems)
    assert all(p.line is not None for p in lib.problems)


def test_flows_calling_each_other_in_a_circle(tmp_path: Path) -> None:
    write(tmp_path, flow_text("- id: c\n  kind: call\n  flow: b\n" + END, flow_id="a"), "a")
    write(tmp_path, flow_text("- id: c\n  kind: call\n  flow: a\n" + END, flow_id="b"), "b")
    lib = Library.load([tmp_path])
    assert codes(lib.problems) == ["flow-cycle"]
    assert "a → b → a" in lib.problems[0].message


def test_two_files_with_one_flow_id(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    write(tmp_path / "one", flow_text(END))
    write(tmp_path / "two", flow_text(END))
    lib = Library.load([tmp_path / "one", tmp_path / "two"])
    assert codes(lib.problems) == ["duplicate-flow"]
    assert len(lib) == 1


@pytest.mark.parametrize(
    ("field", "source"),
    [
        ("when", "not facts.has_phto_id"),
        ("when", "answers.nowhere == 'x'"),
        ("text", "Hi {{ practice.nmae }}."),
    ],
)
def test_simple_templates_and_conditions_are_checked_too(tmp_path: Path, field: str, source: str) -> None:
    steps = f'- id: a\n  kind: say\n  text: Hello.\n  {field}: "{source}"\n' + END
    _, problems = load(tmp_path, flow_text(steps.replace("  text: Hello.\n  text:", "  text:")))
    assert codes(problems) == ["undefined-name"]
