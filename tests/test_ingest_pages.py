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


def news_page(url: str, head: str, title: str) -> tuple[str, str]:
    """A page at `url` whose <head> holds `head` and a <title>."""
    return page(f"<title>{title}</title>{head}"), url


def read(html: str, url: str) -> tuple[str | None, str]:
    """The outlet and title `parse_html` finds."""
    article = parse_html(html, source="page.html", url=url)
    return article.outlet, article.title


def test_json_ld_publisher_beats_a_section_name_in_og_site_name() -> None:
    jsonld = ('<script type="application/ld+json">{"@type": "NewsArticle", "publisher": '
              '{"@type": "Organization", "name": "Reuters"}}</script>')
    html, url = news_page("https://www.reuters.com/article/ferry-idUS1",
                          f'<meta property="og:site_name" content="U.S.">{jsonld}',
                          "Ferry resumes service | Reuters")
    assert read(html, url) == ("Reuters", "Ferry resumes service")


@pytest.mark.parametrize(("site_name", "url", "outlet"), [
    ("https://www.newsnation.in", "https://www.newsnation.in/india/x", "newsnation.in"),
    ("nj", "https://www.nj.com/news/x", "nj.com"),
    ("Wday_", "https://www.wday.com/news/x", "Wday"),
    ("WSVN 7News | Miami News, Weather, Sports", "https://wsvn.com/news/x", "WSVN 7News"),
])
def test_og_site_name_is_tidied(site_name: str, url: str, outlet: str) -> None:
    html, url = news_page(url, f'<meta property="og:site_name" content="{site_name}">', "Ferry")
    assert read(html, url)[0] == outlet


def test_without_a_site_name_the_title_part_or_the_registered_domain_names_the_outlet() -> None:
    assert read(*news_page("https://www.techcrunch.com/2024/x", "",
                           "Apple unveils a new laptop – TechCrunch")) == (
        "TechCrunch", "Apple unveils a new laptop")
    assert read(*news_page("https://www.linknaija.com/x", "",
                           "LinkNaija | Governor signs the budget into law")) == (
        "LinkNaija", "Governor signs the budget into law")
    assert read(*news_page("https://news.example.co.uk/x", "", "Ferry resumes"))[0] == (
        "example.co.uk")


def test_a_copyright_holder_names_the_outlet_only_when_the_page_gives_no_name() -> None:
    footer = "<footer><p>Copyright © 2020 Axios Media, Inc. All rights reserved.</p></footer>"
    html = f"<html><head><title>Axios Future</title></head><body><article>{BODY}</article>{footer}"
    assert read(html + "</body></html>", "https://www.axios.com/newsletters/x")[0] == "Axios"
    named = html.replace("<title>", '<meta property="og:site_name" content="Axios Newsletters">'
                                    "<title>")
    assert read(named, "https://www.axios.com/newsletters/x")[0] == "Axios Newsletters"
    other = "<footer><p>© 2019 Battery Media Group – All Rights Reserved.</p></footer>"
    assert read(page(body=BODY + other), "https://pawszilla.com/x")[0] == "pawszilla.com"


def test_a_title_loses_a_section_and_a_date_next_to_the_site_name() -> None:
    html, url = news_page("https://www.dw.com/en/x", '<meta property="og:site_name" content="DW">',
                          "Berlin confronts its colonial past with new plan | DW | 19.01.2020")
    assert read(html, url)[1] == "Berlin confronts its colonial past with new plan"
    from corroborator.ingest.outlets import strip_site_name

    title = "Thousands of academics treated as second-class | Education | The Guardian"
    assert strip_site_name(title, "the Guardian", "https://www.theguardian.com/x") == (
        "Thousands of academics treated as second-class")


def test_a_headline_that_mentions_the_site_keeps_it() -> None:
    html, url = news_page("https://www.python.org/x", "",
                          "Python 3.12 is out: what the new release changes for everyone")
    assert read(html, url)[1] == "Python 3.12 is out: what the new release changes for everyone"


def test_one_outlet_keeps_one_name_across_a_batch_and_the_store(tmp_path: Path) -> None:
    from corroborator.pipeline import ingest
    from corroborator.store import open_store

    bodies = ["The ferry resumed service on Monday after repairs to its hull were done.",
              "The council approved the harbour budget after a long debate on Tuesday.",
              "Rain is expected across the coast through the weekend, forecasters said."]
    rows = [
        {"text": bodies[0], "outlet": "Reuters", "url": "https://www.reuters.com/a"},
        {"text": bodies[1], "outlet": "REUTERS", "url": "https://reuters.com/b"},
        {"text": bodies[2], "url": "https://reuters.com/c"},
    ]
    import json

    store = open_store(tmp_path / "news.db")
    for number, row in enumerate(rows):
        path = tmp_path / f"batch{number}.jsonl"
        path.write_text(json.dumps(row) + "\n")
        ingest([path], store)
    outlets = [r["outlet"] for r in store.query("SELECT outlet FROM articles ORDER BY rowid")]
    assert outlets == ["Reuters", "Reuters", "Reuters"]


WIRE_ITEM = (
    "WASHINGTON (Reuters) - The U.S. Senate on Tuesday approved a bill to fund the "
    "government through March, averting a shutdown hours before a midnight deadline, "
    "after leaders of both parties agreed to drop a dispute over border spending. The "
    "measure now goes to the House, which is expected to pass it on Wednesday."
)


def test_a_one_paragraph_txt_is_an_article_without_a_headline(tmp_path: Path) -> None:
    (tmp_path / "wire.txt").write_text(WIRE_ITEM + "\n")
    wrapped = WIRE_ITEM[:70] + "\n" + WIRE_ITEM[70:150] + "\n" + WIRE_ITEM[150:] + "\n"
    (tmp_path / "wrapped.txt").write_text(wrapped)
    results = list(read_articles([tmp_path / "wire.txt", tmp_path / "wrapped.txt"]))
    assert [type(r).__name__ for r in results] == ["Article", "Article"]
    assert all(r.title == "" and r.text.startswith("WASHINGTON (Reuters)") for r in results)


def test_a_headline_line_before_one_paragraph_is_the_headline(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text("Senate averts a shutdown\n" + WIRE_ITEM + "\n")
    article = next(iter(read_articles([tmp_path / "story.txt"])))
    assert article.title == "Senate averts a shutdown" and article.text == WIRE_ITEM


def test_a_lone_headline_is_still_refused(tmp_path: Path) -> None:
    (tmp_path / "head.txt").write_text("Senate averts a shutdown\n")
    (error,) = list(read_articles([tmp_path / "head.txt"]))
    assert isinstance(error, InputError) and "only a headline" in error.problem


def test_csv_and_jsonl_fields_can_be_named(tmp_path: Path) -> None:
    import json

    from corroborator.ingest import IngestOptions

    (tmp_path / "export.csv").write_text(
        "headline,articleBody,datePublished,publisherName,link\n"
        f'Senate averts a shutdown,"{WIRE_ITEM}",2024-03-01,Reuters,https://r.example/a\n')
    row = {"heading": "Shutdown averted", "story": WIRE_ITEM, "when": "2024-03-02",
           "paper": "The Ledger", "address": "https://ledger.example/b"}
    (tmp_path / "export.jsonl").write_text(json.dumps(row) + "\n")
    csv_options = IngestOptions(fields={"text": "articleBody", "title": "headline",
                                        "date": "datePublished", "outlet": "publisherName",
                                        "url": "link"})
    (article,) = list(read_articles([tmp_path / "export.csv"], options=csv_options))
    assert (article.title, article.outlet, article.url) == (
        "Senate averts a shutdown", "Reuters", "https://r.example/a")
    assert article.published.startswith("2024-03-01") and article.text == WIRE_ITEM
    jsonl_options = IngestOptions(fields={"text": "story", "title": "heading", "date": "when",
                                          "outlet": "paper", "url": "address"})
    (article,) = list(read_articles([tmp_path / "export.jsonl"], options=jsonl_options))
    assert (article.title, article.outlet, article.url) == (
        "Shutdown averted", "The Ledger", "https://ledger.example/b")


def test_a_named_text_column_that_is_missing_is_one_clear_line(tmp_path: Path) -> None:
    from corroborator.ingest import IngestOptions

    (tmp_path / "export.csv").write_text(f'title,text\nA,"{WIRE_ITEM}"\n')
    options = IngestOptions(fields={"text": "articleBody"})
    (error,) = list(read_articles([tmp_path / "export.csv"], options=options))
    assert error.problem == "no text column (looked for articleBody); columns found: title, text"


def test_ingest_cli_takes_field_options(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from corroborator.cli import main

    (tmp_path / "export.csv").write_text(f'headline,articleBody\nShutdown,"{WIRE_ITEM}"\n')
    db = str(tmp_path / "news.db")
    runner = CliRunner()
    refused = runner.invoke(main, ["ingest", str(tmp_path / "export.csv"), "--db", db])
    assert refused.exit_code == 1 and "no text column" in refused.output
    result = runner.invoke(main, ["ingest", str(tmp_path / "export.csv"), "--db", db,
                                  "--text-field", "articleBody", "--title-field", "headline"])
    assert result.exit_code == 0 and "1 added" in result.output
    empty = runner.invoke(main, ["ingest", str(tmp_path / "export.csv"), "--db", db,
                                 "--text-field", " "])
    assert empty.exit_code == 2 and "empty column name for the text field" in empty.output
