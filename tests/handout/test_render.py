"""The handout page: escaped, in the patient's language with English beneath, right to left where
the language is, large print on request, a QR code per page cited, nothing fetched."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest

from dfhelper.cli import load_library
from dfhelper.config import Config, PracticeConfig
from dfhelper.engine.text import EnglishTranslator, Shown
from dfhelper.flowlang.library import Library
from dfhelper.handout import strings as s
from dfhelper.handout.content import MAX_QR_CODES, build_handout, qr_svg
from dfhelper.handout.deliver import handout_for_flow
from dfhelper.handout.render import flow_html, to_html
from tests.handout.conftest import TODAY, shipped_translator

SHIPPED = "repeat-prescription"


class Elements(HTMLParser):
    """Every start tag and its attributes, and the text inside each element with a lang."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def parse(html: str) -> Elements:
    """The page's start tags."""
    parser = Elements()
    parser.feed(html)
    return parser


def english_handout(library: Library, config: Config, flow: str = "h", **facts: bool) -> str:
    """The English handout of ``flow``'s main route, as HTML."""
    handout = handout_for_flow(
        config, library, flow, translator=EnglishTranslator(), facts=facts, today=TODAY
    )
    return to_html(handout)


@pytest.fixture(scope="module")
def shipped() -> Library:
    return load_library(Config())


def test_flow_text_is_escaped_and_only_bold_and_italic_become_tags(library: Library, config: Config) -> None:
    html = english_handout(library, config)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; <strong>this</strong> matters." in html
    assert "<script" not in html.lower()
    assert str(flow_html("[i]a < b[/i] [b]&[/b] \\[x]")) == "<em>a &lt; b</em> <strong>&amp;</strong> [x]"


def test_a_practice_name_with_html_is_shown_as_text(library: Library, config: Config) -> None:
    config = dataclasses.replace(config, practice=PracticeConfig(name='<img src=x onerror="alert(1)">'))
    html = english_handout(library, config)
    assert "<img" not in html
    assert "All done at &lt;img src=x onerror=&#34;alert(1)&#34;&gt;." in html


def test_the_steps_are_numbered_in_route_order_with_the_answer_taken(
    library: Library, config: Config
) -> None:
    handout = handout_for_flow(config, library, "h", translator=EnglishTranslator(), today=TODAY)
    assert [(step.number, step.step) for step in handout.steps] == [
        (1, "intro"),
        (2, "ask"),
        (3, "try_it"),
        (4, "done"),
    ]
    ask = handout.steps[1]
    assert ask.answer is not None
    assert ask.answer.text == "Your answer: Online"
    assert handout.steps[2].text.text == "Open the page and log in."  # not "Did it open?"
    assert [point.text for point in handout.what_next] == ["Wait for a message."]
    html = to_html(handout)
    assert "Did it open?" not in html
    assert html.index("All done at Demo Surgery.") < html.index("Wait for a message.")


def test_facts_change_the_printed_steps(library: Library, config: Config) -> None:
    assert "instead of a phone" in english_handout(library, config, has_smartphone=False)
    assert "instead of a phone" not in english_handout(library, config, has_smartphone=True)


def test_english_has_no_english_beneath(library: Library, config: Config) -> None:
    html = english_handout(library, config)
    assert 'class="english' not in html
    assert '<html lang="en" dir="ltr"' in html


@pytest.mark.parametrize("lang", ["ur", "ar"])
def test_right_to_left_languages_are_laid_out_right_to_left(shipped: Library, lang: str) -> None:
    config = Config()
    handout = handout_for_flow(config, shipped, SHIPPED, translator=shipped_translator(lang), today=TODAY)
    html = to_html(handout)
    assert re.search(rf'<html lang="{lang}" dir="rtl"', html)
    tags = parse(html).tags
    patient = [a for t, a in tags if "patient" in a.get("class", "").split() and a.get("lang") == lang]
    assert patient
    assert all(a["dir"] == "rtl" for a in patient)


@pytest.mark.parametrize("lang", ["pl", "ur"])
def test_each_step_has_the_english_beneath_it(shipped: Library, lang: str) -> None:
    config = Config()
    handout = handout_for_flow(config, shipped, SHIPPED, translator=shipped_translator(lang), today=TODAY)
    english = handout_for_flow(config, shipped, SHIPPED, translator=EnglishTranslator(), today=TODAY)
    assert [step.step for step in handout.steps] == [step.step for step in english.steps]
    for mine, theirs in zip(handout.steps, english.steps, strict=True):
        assert mine.text.lang == lang
        assert not mine.text.fallback
        assert mine.text.text != theirs.text.text
        assert mine.text.english == theirs.text.text
    html = to_html(handout)
    first = handout.steps[0]
    assert first.text.english is not None
    mine_at = html.index(str(flow_html(first.text.text)))
    english_at = html.index(f'<p class="english " lang="en" dir="ltr">{flow_html(first.text.english)}</p>')
    assert mine_at < english_at


def test_easy_read_shows_the_easy_read_text_with_plain_english_beneath(shipped: Library) -> None:
    config = Config()
    translator = shipped_translator("en@easyread")
    handout = handout_for_flow(config, shipped, SHIPPED, translator=translator, today=TODAY)
    html = to_html(handout)
    assert '<html lang="en" dir="ltr"' in html
    differs = [step for step in handout.steps if step.text.english is not None]
    assert differs, "Easy Read rewrites at least one step"
    for step in differs:
        assert step.text.text != step.text.english


def test_a_missing_translation_is_shown_in_english_marked_once(shipped: Library) -> None:
    translator = Translated("ur", {}, frozenset({s.YOUR_STEPS}))  # as before a translator got to it
    handout = handout_for_flow(Config(), shipped, SHIPPED, translator=translator, today=TODAY)
    untranslated = handout.labels["steps"]
    assert untranslated.fallback
    assert untranslated.text == s.YOUR_STEPS
    assert (untranslated.lang, untranslated.direction, untranslated.english) == ("en", "ltr", None)


def test_large_print_is_18pt_or_more(library: Library, config: Config) -> None:
    handout = handout_for_flow(
        config, library, "h", translator=EnglishTranslator(), large_print=True, today=TODAY
    )
    html = to_html(handout)
    assert 'class="large-print"' in html
    size = re.search(r"html\.large-print \{ font-size: (\d+)pt; \}", html)
    assert size is not None
    assert int(size.group(1)) >= 18
    standard = english_handout(library, config)
    assert 'class="standard-print"' in standard


def test_large_print_when_the_patient_asked_for_it_or_the_practice_prints_so(
    library: Library, config: Config
) -> None:
    asked = handout_for_flow(
        config, library, "h", translator=EnglishTranslator(), facts={"needs_large_print": True}
    )
    assert asked.large_print
    practice = dataclasses.replace(config, handout=dataclasses.replace(config.handout, large_print=True))
    assert handout_for_flow(practice, library, "h", translator=EnglishTranslator()).large_print
    assert not handout_for_flow(
        practice, library, "h", translator=EnglishTranslator(), large_print=False
    ).large_print


def test_a_qr_code_for_each_page_the_shown_steps_cite(library: Library, config: Config) -> None:
    without_phone = english_handout(library, config, has_smartphone=False)
    cited = ["https://www.nhs.uk/intro", "https://www.nhs.uk/no-phone", "https://www.nhs.uk/page"]
    assert without_phone.count("<svg") == len(cited)
    for url in cited:
        assert qr_svg(url) in without_phone
        assert f'<span class="url" lang="en" dir="ltr">{url}</span>' in without_phone
    with_phone = english_handout(library, config, has_smartphone=True)
    assert "https://www.nhs.uk/no-phone" not in with_phone  # that step is not on this handout
    assert with_phone.count("<svg") == 2
    assert ">The page</p>" in with_phone  # a link's name above its address


def test_at_most_six_qr_codes(shipped: Library) -> None:
    counts = []
    for info in shipped:
        handout = handout_for_flow(Config(), shipped, info.id, translator=EnglishTranslator(), today=TODAY)
        counts.append(len(handout.qr_codes))
        assert len({code.url for code in handout.qr_codes}) == len(handout.qr_codes)
    assert max(counts) <= MAX_QR_CODES


def test_nothing_is_fetched_from_anywhere(shipped: Library) -> None:
    handout = handout_for_flow(Config(), shipped, SHIPPED, translator=shipped_translator("pl"), today=TODAY)
    html = to_html(handout)
    for tag, attrs in parse(html).tags:
        assert tag not in {"script", "link", "img", "iframe", "object", "embed"}
        assert not {"src", "href"} & set(attrs), (tag, attrs)
    assert "url(" not in html
    assert "@import" not in html


class Translated:
    """A shipped translator plus translations of some handout sentences (as a translator adds them),
    less those in ``missing`` (as before a translator got to them)."""

    def __init__(self, lang: str, extra: dict[str, str], missing: frozenset[str] = frozenset()) -> None:
        self.inner = shipped_translator(lang)
        self.extra = extra
        self.missing = missing

    @property
    def locale(self) -> str:
        return self.inner.locale

    def flow_text(self, flow: str, step: str | None, field: str, english: str) -> Shown:
        return self.inner.flow_text(flow, step, field, english)

    def ui(self, english: str) -> Shown:
        if english in self.extra:
            return Shown(self.extra[english], self.locale)
        if english in self.missing:
            return Shown(english, "en", True)
        return self.inner.ui(english)

    def ngettext(self, singular: str, plural: str, n: int) -> Shown:
        return self.inner.ngettext(singular, plural, n)


def test_the_practices_details_are_on_it_with_hours_in_the_patients_language(shipped: Library) -> None:
    practice = PracticeConfig(
        name="Riverside Surgery",
        phone="01632 960123",
        opening_hours="Mon-Fri 08:00-18:30",
        website="https://riverside.example.nhs.uk",
    )
    config = dataclasses.replace(Config(), practice=practice)
    polish = Translated(
        "pl",
        {
            s.OPENING_HOURS: "Godziny otwarcia: {hours}",
            s.MADE_BY: "Przygotowane przez dfhelper w {practice}, {date}.",
        },
    )
    handout = handout_for_flow(config, shipped, SHIPPED, translator=polish, today=TODAY)
    html = to_html(handout)
    assert "Riverside Surgery" in html
    assert "01632 960123" in html
    assert "https://riverside.example.nhs.uk" in html
    assert (
        '<p class="patient " lang="pl" dir="ltr">Godziny otwarcia: poniedziałek–piątek 08:00–18:30</p>'
        in html
    )
    assert '<p class="english " lang="en" dir="ltr">Opening hours: Monday–Friday 08:00–18:30</p>' in html
    assert "Przygotowane przez dfhelper w Riverside Surgery, 12 maja 2026." in html
    assert "Made by dfhelper at Riverside Surgery on 12 May 2026." in html


def test_an_answer_is_in_the_patients_language_before_its_sentence_is_translated(shipped: Library) -> None:
    english = handout_for_flow(Config(), shipped, SHIPPED, translator=EnglishTranslator(), today=TODAY)
    missing = frozenset({s.YOUR_ANSWER})
    untranslated = handout_for_flow(
        Config(), shipped, SHIPPED, translator=Translated("pl", {}, missing), today=TODAY
    )
    translated = handout_for_flow(
        Config(),
        shipped,
        SHIPPED,
        translator=Translated("pl", {s.YOUR_ANSWER: "Twoja odpowiedź: {answer}"}),
        today=TODAY,
    )
    asked = [i for i, step in enumerate(english.steps) if step.answer is not None]
    assert asked
    for i in asked:
        in_english = english.steps[i].answer
        before, after = untranslated.steps[i].answer, translated.steps[i].answer
        assert in_english is not None
        assert before is not None
        assert after is not None
        assert before.lang == after.lang == "pl"
        assert before.english == after.english == in_english.text
        assert after.text == "Twoja odpowiedź: " + before.text


def test_a_session_handout_shows_what_was_shown(library: Library, config: Config) -> None:
    from dfhelper.engine.session import Session
    from dfhelper.handout.route import session_route

    session = Session(library, "h", practice={"name": "Demo Surgery"})
    session.answer()
    session.answer("online")
    session.answer("no")
    session.answer()
    session.answer("yes")
    handout = build_handout(
        session_route(session), library, translator=EnglishTranslator(), practice=config.practice, today=TODAY
    )
    assert [step.step for step in handout.steps] == ["intro", "ask", "try_it", "fix", "done"]
