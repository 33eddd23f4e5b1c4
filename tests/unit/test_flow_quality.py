"""What validate says about sources and reading age, and the rules behind it."""

from __future__ import annotations

from pathlib import Path

import pytest

from dfhelper.flowlang.readability import MAX_READING_AGE, measure, syllables
from dfhelper.flowlang.sources import source_owner
from tests.helpers import codes, flow_text, load


@pytest.mark.parametrize(
    "url",
    [
        "https://www.nhs.uk/nhs-app/",
        "https://nhsbsa.nhs.uk/nhs-low-income-scheme",
        "https://help.login.nhs.uk/error-messages-support",
        "https://www.quintonpractice.nhs.uk/2025/09/10/accessing-the-practice",
        "https://www.gov.uk/register-with-a-gp",
        "https://assets.publishing.service.gov.uk/x.pdf",
        "https://www.doctorsoftheworld.org.uk/translated-health-information/",
        "https://gypsy-traveller.org/general-practice",
    ],
)
def test_nhs_govuk_and_listed_charity_pages_are_allowed_sources(url: str) -> None:
    assert source_owner(url) is not None


@pytest.mark.parametrize(
    "url",
    [
        "https://www.bma.org.uk/advice",
        "https://pharmaceutical-journal.com/article",
        "https://nhs-digital.zendesk.com/hc/en-gb/articles/1",
        "https://nhs.uk.example.com/fake",
        "https://fakenhs.uk/page",
        "https://evilgov.uk/",
        "http://www.nhs.uk/not-https",
        "not a url",
    ],
)
def test_other_sites_and_lookalikes_are_not_allowed_sources(url: str) -> None:
    assert source_owner(url) is None


def test_validate_warns_about_a_source_that_is_not_official(tmp_path: Path) -> None:
    text = flow_text(
        """
        - id: a
          kind: end
          text: Done.
          sources: ["https://www.pulsetoday.co.uk/news"]
        """,
        extra='sources: ["https://www.pulsetoday.co.uk/news"]\n',
    ).replace('sources: ["https://www.nhs.uk/"]\n', "", 1)
    flow, problems = load(tmp_path, text)
    assert flow is not None
    assert codes(problems).count("unofficial-source") == 2


def test_validate_warns_when_a_step_source_is_missing_from_the_flow_list(tmp_path: Path) -> None:
    flow, problems = load(
        tmp_path,
        flow_text(
            """
            - id: a
              kind: end
              text: Done.
              sources: ["https://www.nhs.uk/nhs-app/"]
            """
        ),
    )
    assert flow is not None
    assert codes(problems) == ["source-not-listed"]


def test_syllables_are_counted_from_vowel_groups() -> None:
    assert [syllables(w) for w in ("the", "medicine", "surgery", "registered", "table", "NHS")] == [
        1,
        3,
        3,
        3,
        2,
        1,
    ]


def test_template_code_reads_as_a_short_word() -> None:
    plain = measure(["Call it now."])
    templated = measure(["Call {{ practice.phone }} now.{% if practice.website %}{% endif %}"])
    assert plain == templated


def test_validate_warns_when_a_flow_is_hard_to_read(tmp_path: Path) -> None:
    hard = (
        "Authorisation necessitates comprehensive pharmacological reconciliation. "
        "Organisational considerations notwithstanding, administrative verification remains obligatory. "
    )
    flow, problems = load(
        tmp_path,
        flow_text(
            f"""
            - id: a
              kind: end
              text: "{hard * 10}"
            """
        ),
    )
    assert flow is not None
    assert measure([hard * 10]).reading_age > MAX_READING_AGE
    assert "reading-age" in codes(problems)


def test_validate_does_not_judge_the_reading_age_of_a_few_words(tmp_path: Path) -> None:
    flow, problems = load(
        tmp_path, flow_text('- {id: a, kind: end, text: "Authorisation necessitates reconciliation."}')
    )
    assert flow is not None
    assert "reading-age" not in codes(problems)
