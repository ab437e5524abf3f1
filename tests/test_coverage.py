"""Languages said out loud (issue 21): skipped articles by reason and language."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from types import SimpleNamespace

from click.testing import CliRunner

from corroborator.cli import main
from corroborator.coverage import count_skipped, describe_skipped

PORTUGUESE = (
    "O governo anunciou nesta terça-feira um novo plano para reduzir o preço dos alimentos "
    "nas cidades do interior, depois de semanas de protestos dos agricultores e de reuniões "
    "com os prefeitos das regiões mais afetadas pela seca deste ano, segundo o ministério."
)
GERMAN = (
    "Die Regierung hat am Dienstag einen neuen Plan vorgestellt, mit dem die Preise für "
    "Lebensmittel in den Städten gesenkt werden sollen, nachdem die Bauern wochenlang "
    "protestiert hatten und die Bürgermeister der betroffenen Regionen zusammengekommen waren."
)


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_skip_reasons_are_counted_by_kind_and_language() -> None:
    skipped = count_skipped(["non-English (pt)", "non-English (de)", "non-English (pt)",
                             "too short (3 words < 40)", "empty text"])
    assert skipped == {"total": 5, "reasons": {"not English": 3, "too short": 1, "empty": 1},
                       "languages": {"pt": 2, "de": 1}}
    assert describe_skipped(skipped) == "5 skipped: not English (pt 2, de 1), empty 1, too short 1"
    assert describe_skipped(count_skipped([])) == "0 skipped"


def foreign_db(tmp_path: Path) -> tuple[Path, str]:
    """A database of one Portuguese and one German article, analyzed; and what analyze said."""
    rows = [{"title": "Plano", "text": PORTUGUESE}, {"title": "Plan", "text": GERMAN}]
    (tmp_path / "foreign.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    db = tmp_path / "news.db"
    assert run("ingest", tmp_path / "foreign.jsonl", "--db", db).exit_code == 0
    result = run("analyze", "--db", db, "--workers", 1)
    assert result.exit_code == 0, result.output
    return db, result.stdout


def test_analyze_says_which_articles_it_skipped_and_why(tmp_path: Path) -> None:
    db, said = foreign_db(tmp_path)
    result = SimpleNamespace(stdout=said)
    assert "2 skipped: not English (pt 1, de 1)" in result.stdout or (
        "2 skipped: not English (de 1, pt 1)" in result.stdout)
    data = json.loads(run("stories", "--db", db, "--format", "json").stdout)
    assert data["skipped"]["total"] == 2 and data["skipped"]["languages"] == {"pt": 1, "de": 1}
    shown = run("stories", "--db", db)
    assert "in no story: 2 skipped: not English" in shown.output


def test_stories_json_and_the_report_count_the_skipped_example(examples_db: Path,
                                                               tmp_path: Path) -> None:
    data = json.loads(run("stories", "--db", examples_db, "--format", "json").stdout)
    expected = {"total": 1, "reasons": {"not English": 1}, "languages": {"es": 1}}
    assert data["skipped"] == expected
    out = tmp_path / "report.json"
    assert run("report", "--db", examples_db, "--format", "json", "-o", out).exit_code == 0
    assert json.loads(out.read_text())["skipped"] == expected


def shown_text(page: Path) -> str:
    """What a reader sees of an HTML page: its text, tags dropped, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page.read_text())).split())


def test_the_html_report_says_what_analyze_said_of_the_skipped(tmp_path: Path) -> None:
    db, said = foreign_db(tmp_path)
    line = re.search(r"\d+ skipped: [^\n]*", said).group(0)
    assert line == "2 skipped: not English (de 1, pt 1)"
    out = tmp_path / "report.html"
    result = run("report", "--db", db, "-o", out)
    assert result.exit_code == 0, result.output
    assert f"In no story: {line}" in shown_text(out)


def test_the_report_of_the_examples_names_their_spanish_article(examples_db: Path,
                                                                tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert run("report", "--db", examples_db, "-o", out).exit_code == 0
    assert "In no story: 1 skipped: not English (es 1)" in shown_text(out)
