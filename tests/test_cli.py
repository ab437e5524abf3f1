"""The command line, through click's test runner, on the bundled examples."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborator import __version__
from corroborator.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
COMMANDS = ["ingest", "analyze", "compare", "extract", "search", "stories", "story", "report",
            "serve"]


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output and "corroborator " + command in result.output


def test_eval_subcommands_have_examples():
    for sub in ("clusters", "stance"):
        result = run("eval", sub, "--help")
        assert result.exit_code == 0 and "Example" in result.output


def test_extract_json_has_the_documented_keys():
    result = run("extract", EXAMPLES / "txt" / "cpa-calloway-redfern-memo.txt", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"sentences", "quotes", "entities", "numbers", "dates"} <= set(data)
    sentence = data["sentences"][0]
    assert {"text", "type", "checkworthiness", "attribution"} <= set(sentence)
    assert {"kind", "source"} <= set(sentence["attribution"])
    assert any(q["direct"] and q["speaker"] for q in data["quotes"])


def test_compare_two_example_files_uses_index_metadata():
    result = run("compare", EXAMPLES / "txt" / "cpa-calloway-redfern-memo.txt",
                 EXAMPLES / "html" / "harbor-ledger-redfern-smelter.html", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {a["outlet"] for a in data["articles"]} == {"Continental Press Agency",
                                                       "The Harbor Ledger"}
    assert len(data["shared"]) >= 5
    assert set(data) >= {"articles", "shared", "unique", "quotes", "entities", "discrepancies"}
    wire, copy = data["articles"]
    assert copy["duplicate_of"] == wire["id"] and wire["duplicate_of"] is None


def test_compare_needs_two_articles():
    result = run("compare", EXAMPLES / "txt" / "cpa-calloway-redfern-memo.txt")
    assert result.exit_code != 0 and "at least two" in result.output


def test_compare_missing_file_is_one_line_naming_it(tmp_path):
    result = run("compare", tmp_path / "nope.txt", EXAMPLES / "txt" / "cpa-calloway-redfern-memo.txt")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "nope.txt" in lines[0]


def test_ingest_reports_and_is_idempotent(db_path):
    first = run("ingest", EXAMPLES / "txt", "--db", db_path)
    assert first.exit_code == 0, first.output
    assert "7 added, 0 already stored, 0 failed" in first.output
    second = run("ingest", EXAMPLES / "txt", "--db", db_path)
    assert "0 added, 7 already stored, 0 failed" in second.output


def test_bad_inputs_fail_one_line_each_and_keep_the_good_ones(db_path, tmp_path):
    run("ingest", EXAMPLES / "txt" / "cpa-calloway-redfern-memo.txt", "--db", db_path)
    before = sqlite3.connect(db_path).execute("SELECT id, text FROM articles").fetchall()
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 20)
    bad_jsonl = tmp_path / "bad.jsonl"
    bad_jsonl.write_text('{"title": "Fine", "text": "A perfectly fine article body here."}\n'
                         "{not json\n")
    result = run("ingest", tmp_path / "missing.txt", empty, binary, bad_jsonl,
                 EXAMPLES / "txt" / "coastline-gazette-lighthouse.txt", "--db", db_path)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 4
    assert any("missing.txt" in e for e in errors) and any("bad.jsonl:2" in e for e in errors)
    assert "2 added" in result.output
    conn = sqlite3.connect(db_path)
    after = dict(conn.execute("SELECT id, text FROM articles").fetchall())
    assert all(after[i] == text for i, text in before)


def test_search_finds_ingested_words(db_path):
    run("ingest", EXAMPLES / "txt", "--db", db_path)
    result = run("search", "lighthouse", "--db", db_path, "--format", "json")
    assert result.exit_code == 0
    assert any("Marrow Point" in r["title"] for r in json.loads(result.stdout)["articles"])


def test_search_on_missing_database_is_a_clear_error(tmp_path):
    result = run("search", "x", "--db", tmp_path / "none.db")
    assert result.exit_code == 1 and "none.db" in result.output


def test_eval_clusters_and_stance_from_the_cli(tmp_path):
    gold = tmp_path / "gold.jsonl"
    rows = [("a", "The harbour bridge in Riverton collapsed on Tuesday morning after days of "
                  "heavy rain, engineers said, and rescue teams searched the river for hours."),
            ("a", "Rescue teams searched the river in Riverton for hours after the harbour bridge "
                  "collapsed on Tuesday following days of heavy rain, engineers said."),
            ("b", "The city council approved a new budget for schools and libraries on Monday "
                  "evening after a long debate about property taxes and teacher salaries.")]
    gold.write_text("\n".join(json.dumps({"title": "", "text": t, "story": s}) for s, t in rows))
    result = run("eval", "clusters", gold, "--format", "json")
    assert result.exit_code == 0, result.output
    assert {"bcubed_f1", "pairwise_f1", "n_pred", "n_gold"} <= set(json.loads(result.stdout))
    fixtures = Path(__file__).parent / "fixtures"
    result = run("eval", "stance", fixtures / "fnc_tiny_stances.csv",
                 fixtures / "fnc_tiny_bodies.csv", "--format", "json")
    assert result.exit_code == 0, result.output
    assert {"fnc_score", "macro_f1", "per_class_f1", "confusion"} <= set(json.loads(result.stdout))


def test_eval_on_a_missing_file_is_one_line(tmp_path):
    result = run("eval", "clusters", tmp_path / "none.jsonl")
    assert result.exit_code == 1 and "none.jsonl" in result.output
