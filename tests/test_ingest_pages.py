"""Real-page ingest (issue 21): bounds that refuse only hostile HTML, outlet names, titles."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from corroborator.errors import InputError
from corroborator.ingest import parse_html, read_articles

BODY = (
    "<p>The harbour authority said on Tuesday that the ferry would resume service next "
    "week after repairs to its hull were finished by the shipyard crew.</p>"
    "<p>Passengers who had booked crossings will be refunded, the operator said.</p>"
)


def page(head: str = "", body: str = BODY) -> str:
    """A small news page with `head` inside <head> and `body` inside <article>."""
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>"


def refusal(html: str) -> str:
    """The problem of the one error reading `html` gives."""
    with pytest.raises(InputError) as caught:
        parse_html(html, source="page.html")
    return caught.value.problem


def test_a_13_kb_meta_content_of_words_is_accepted() -> None:
    words = " ".join(f"keyword{i % 50}" for i in range(1_400))
    assert len(words) > 13_000
    article = parse_html(page(f'<meta name="keywords" content="{words}"><title>Ferry</title>'))
    assert "ferry would resume service" in article.text


def test_an_element_with_too_many_attributes_names_the_bound_and_the_count() -> None:
    attributes = " ".join(f"a{i}=v" for i in range(5_000))
    started = time.process_time()
    problem = refusal(page(body=f"<div {attributes}>{BODY}</div>"))
    assert problem == "HTML refused: an element with 5000 attributes (the bound is 1000)"
    assert time.process_time() - started < 1.0


@pytest.mark.parametrize("opening", ['<div "', "<div = ", '<div x=">" '])
def test_stray_quotes_or_equals_signs_do_not_hide_attributes(opening: str) -> None:
    attributes = " ".join(f"a{i}=1" for i in range(3_000))
    assert "attributes (the bound is 1000)" in refusal(page(body=f"{opening}{attributes}>x</div>"))


def test_too_many_elements_are_counted_on_the_parsed_tree() -> None:
    problem = refusal(page(body=BODY + "<span>x</span>" * 31_000))
    assert problem.startswith("HTML refused: 310") and "(the bound is 30000)" in problem


def test_angle_brackets_inside_scripts_are_not_elements() -> None:
    script = "<script>" + "if (a<b) { x = 1 }\n" * 40_000 + "</script>"
    assert "ferry" in parse_html(page(head=script)).text


def test_a_refused_page_is_one_line_and_the_batch_goes_on(tmp_path: Path) -> None:
    attributes = " ".join(f"a{i}=v" for i in range(2_000))
    (tmp_path / "bad.html").write_text(page(body=f"<div {attributes}></div>"))
    (tmp_path / "good.html").write_text(page("<title>Ferry</title>"))
    results = list(read_articles([tmp_path]))
    errors = [r for r in results if isinstance(r, InputError)]
    assert len(results) == 2 and len(errors) == 1
    assert str(errors[0]).endswith("an element with 2000 attributes (the bound is 1000)")
