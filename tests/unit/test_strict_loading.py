"""Strict YAML loading: every surprise is an error with file:line:column."""

from __future__ import annotations

import time
from pathlib import Path

from dfhelper.flowlang import strictyaml
from dfhelper.flowlang.library import Library
from tests.helpers import codes, flow_text, load, write

GOOD = flow_text(
    """\
    - id: hello
      kind: say
      text: Hello.
    - id: done
      kind: end
      text: Done.
    """
)


def test_a_good_flow_loads_with_no_problems(tmp_path: Path) -> None:
    flow, problems = load(tmp_path, GOOD)
    assert problems == []
    assert flow is not None
    assert [s.id for s in flow.steps] == ["hello", "done"]


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    flow, problems = load(tmp_path, "id: t\nid: t\n" + GOOD.split("\n", 1)[1])
    assert flow is None
    (p,) = [p for p in problems if p.code == "duplicate-key"]
    assert (p.line, p.column) == (2, 1)
    assert "first at line 1" in p.message
    assert p.path.endswith("t.yaml")
    assert str(p).startswith(f"{p.path}:2:1: ")


def test_duplicate_translation_keys_inside_a_step_are_reported(tmp_path: Path) -> None:
    text = flow_text(
        """\
        - id: hello
          kind: say
          text: Hello.
          text: Hi.
        - id: done
          kind: end
          text: Done.
        """
    )
    _, problems = load(tmp_path, text)
    assert codes(problems) == ["duplicate-key"]
    assert problems[0].line == 10


def test_norway_and_octal_and_sexagesimal_stay_text(tmp_path: Path) -> None:
    text = flow_text(
        """\
        - id: q
          kind: choice
          text: "Pick 0123 or 12:30"
          options:
            - {value: no, text: no, next: done}
            - {value: yes_2, text: 12:30, next: done}
        - id: done
          kind: end
          text: 0123
        """
    )
    flow, problems = load(tmp_path, text)
    assert problems == []
    assert flow is not None
    options = flow.step("q").options  # type: ignore[attr-defined]
    assert options[0].value == "no"
    assert options[1].text == "12:30"
    assert flow.step("done").text == "0123"


def test_aliases_are_rejected_before_they_are_walked(tmp_path: Path) -> None:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for i in range(1, 9):
        bomb += (
            f"{chr(97 + i)}: &{chr(97 + i)} [*{chr(96 + i)},*{chr(96 + i)},*{chr(96 + i)},*{chr(96 + i)}]\n"
        )
    started = time.perf_counter()
    flow, problems = load(tmp_path, bomb)
    assert time.perf_counter() - started < 5  # a generous bound: walking the bomb would never finish
    assert flow is None
    assert codes(problems) == ["alias"]
    assert problems[0].line is not None


def test_python_tags_are_rejected_and_nothing_runs(tmp_path: Path) -> None:
    text = GOOD.replace("text: Hello.", "text: !!python/object/apply:os.system ['touch pwned']")
    flow, problems = load(tmp_path, text)
    assert flow is None
    assert codes(problems) == ["tag"]
    assert problems[0].line == 9
    assert "!!python/object/apply:os.system" in problems[0].message
    assert not Path("pwned").exists()


def test_explicit_int_tag_is_rejected(tmp_path: Path) -> None:
    _, problems = load(tmp_path, GOOD.replace("text: Hello.", "text: !!int 3"))
    assert codes(problems) == ["tag"]


def test_deep_nesting_is_a_clear_error(tmp_path: Path) -> None:
    flow, problems = load(tmp_path, "a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert flow is None
    assert len(problems) == 1
    assert problems[0].code in {"yaml-syntax", "too-deep"}
    assert "nested too deeply" in problems[0].message
    assert problems[0].line is not None


def test_moderate_nesting_beyond_the_cap_is_an_error(tmp_path: Path) -> None:
    _, problems = load(tmp_path, "a: " + "[" * 40 + "]" * 40 + "\n")
    assert codes(problems) == ["too-deep"]


def test_oversized_file_is_refused_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * (strictyaml.MAX_BYTES + 10) + b"\n")
    lib = Library.load([path])
    assert codes(lib.problems) == ["too-large"]


def test_non_utf8_is_reported_at_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(GOOD.encode().replace(b"Hello.", b"H\xe9llo."))
    lib = Library.load([path])
    (p,) = lib.problems
    assert p.code == "not-utf8"
    assert (p.line, p.column) == (9, 12)


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode())
    lib = Library.load([path])
    assert lib.problems == []
    assert "t" in lib


def test_syntax_error_has_a_position(tmp_path: Path) -> None:
    _, problems = load(tmp_path, GOOD.replace("text: Hello.", 'text: "Hello.'))
    assert codes(problems) == ["yaml-syntax"]
    assert problems[0].line is not None


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    _, problems = load(tmp_path, "# nothing here\n")
    assert codes(problems) == ["empty"]


def test_one_broken_file_does_not_stop_the_others(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "t")
    write(tmp_path, GOOD.replace("id: t", "id: broken").replace("text: Hello.", "text: [oops"), "broken")
    lib = Library.load([tmp_path])
    assert list(lib.infos) == ["t"]
    assert {p.flow for p in lib.errors} == {"broken"}
