"""`corroborator check` and `corroborator eval nli` through the CLI runner, and the
bundled inference model loading offline from the installed package."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborator.cli import main
from corroborator.corroboration.inference import MODEL_DIR, get_nli_model

REPORT = ("Harbour Board closes the east pier\n\n"
          "The Harbour Board closed the east pier on Monday after inspectors found cracks "
          "in its pilings, a board spokeswoman said. Ferries will dock at the west pier "
          "until repairs are finished.\n")
DENIAL = ("Harbour Board says east pier stays open\n\n"
          "The Harbour Board denied on Tuesday that it had closed the east pier. Reports "
          "that the pier was shut are false, the board said, and ferries kept docking there "
          "all week.\n")
UNRELATED = ("Library extends opening hours\n\n"
             "The city library will open until 9 pm on weekdays from March, the council "
             "said. Librarians welcomed the change.\n")


@pytest.fixture()
def articles(tmp_path: Path) -> list[str]:
    paths = []
    for name, text in (("report.txt", REPORT), ("denial.txt", DENIAL),
                       ("library.txt", UNRELATED)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def test_model_loads_from_the_package_without_network() -> None:
    assert (MODEL_DIR / "model.onnx").stat().st_size < 35_000_000
    probs = get_nli_model().predict([("A dog runs in the park.", "An animal is outside.")])
    assert probs.shape == (1, 3) and abs(float(probs.sum()) - 1.0) < 1e-4


def test_check_gives_each_article_a_stance_with_evidence(articles) -> None:
    result = CliRunner().invoke(main, ["check", "The Harbour Board closed the east pier.",
                                       *articles, "--format", "json", "--all"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["claim"] == "The Harbour Board closed the east pier."
    assert data["schema_version"] >= 1 and data["checked"] == 3 and data["hidden"] == 0
    stances = {Path(a["id"]).name: a for a in data["articles"]}
    assert len(data["articles"]) == 3
    assert data["articles"][-1]["stance"] == "unrelated"     # ranked: unrelated last
    by_label = {a["stance"] for a in data["articles"]}
    assert by_label <= {"agree", "disagree", "discuss", "unrelated"}
    for article in data["articles"]:
        assert 0.0 <= article["probability"] <= 1.0
        assert set(article) >= {"id", "stance", "probability", "evidence"}
    denial = next(a for a in data["articles"] if a["evidence"] and "denied" in a["evidence"])
    assert denial["stance"] == "disagree"
    library = [a for a in stances.values() if a["evidence"] is None]
    assert library and all(a["stance"] == "unrelated" for a in library)


def test_check_hides_unrelated_articles_unless_all(articles) -> None:
    claim = "The Harbour Board closed the east pier."
    data = json.loads(CliRunner().invoke(main, ["check", claim, *articles, "--format",
                                                "json"]).stdout)
    assert data["checked"] == 3 and data["hidden"] == 1
    assert [a for a in data["articles"] if "library" in (a["title"] or "").lower()] == []
    text = CliRunner().invoke(main, ["check", claim, *articles]).stdout
    assert "DISAGREE" in text and "Library" not in text
    assert "1 of 3 articles not shown" in text and "--all" in text


def test_check_limit_keeps_the_most_relevant(articles) -> None:
    claim = "The Harbour Board closed the east pier."
    data = json.loads(CliRunner().invoke(main, ["check", claim, *articles, "--limit", "1",
                                                "--format", "json"]).stdout)
    assert len(data["articles"]) == 1 and data["hidden"] == 2
    assert data["articles"][0]["stance"] != "unrelated"
    assert data["articles"][0]["relevance"] >= 0.5
    bad = CliRunner().invoke(main, ["check", claim, *articles, "--limit", "0"])
    assert bad.exit_code != 0


@pytest.mark.parametrize("claim", ["", "   ", "x" * 10_000, "Der Hafen wurde am Montag "
                                   "geschlossen, sagte die Sprecherin der Behörde."])
def test_odd_claims_give_a_verdict_not_a_crash(articles, claim) -> None:
    result = CliRunner().invoke(main, ["check", claim, *articles, "--format", "json", "--all"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["claim"]) <= 1000
    assert len(data["articles"]) == 3


def test_check_without_articles_is_a_one_line_error() -> None:
    result = CliRunner().invoke(main, ["check", "Anything"])
    assert result.exit_code != 0
    assert len(result.output.strip().splitlines()) == 1


def test_check_names_an_unreadable_input(articles, tmp_path) -> None:
    missing = str(tmp_path / "missing.txt")
    result = CliRunner().invoke(main, ["check", "The pier closed.", articles[0], missing,
                                       "--format", "json"])
    assert result.exit_code == 0
    assert "missing.txt" in result.stderr


def test_eval_nli_reports_accuracy_and_macro_f1(tmp_path) -> None:
    three = tmp_path / "three.jsonl"
    rows = [{"premise": "A man is sleeping on a sofa.", "hypothesis": "A man is asleep.",
             "label": "entailment"},
            {"premise": "A man is sleeping on a sofa.", "hypothesis": "A man is running.",
             "label": "contradiction"},
            {"premise": "A man is sleeping on a sofa.", "hypothesis": "The man is tired.",
             "label": "neutral"}]
    three.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    result = CliRunner().invoke(main, ["eval", "nli", str(three), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"accuracy", "macro_f1", "per_class_f1", "n"} <= set(data)
    assert data["n"] == 3 and set(data["per_class_f1"]) == {"entailment", "neutral",
                                                            "contradiction"}
    two = tmp_path / "two.jsonl"
    two.write_text(json.dumps(rows[0] | {"label": "not_entailment"}) + "\n")
    data = json.loads(CliRunner().invoke(main, ["eval", "nli", str(two), "--format",
                                                "json"]).stdout)
    assert set(data["per_class_f1"]) == {"entailment", "not_entailment"}


def test_eval_nli_names_a_bad_line(tmp_path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"premise": "a", "hypothesis": "b", "label": "entailment"}\n{oops\n')
    result = CliRunner().invoke(main, ["eval", "nli", str(bad)])
    assert result.exit_code != 0
    assert "bad.jsonl:2" in result.output


def test_inference_is_safe_across_threads_and_independent_of_batching() -> None:
    from concurrent.futures import ThreadPoolExecutor

    model = get_nli_model()
    pairs = [(f"Workers repaired {n} bridges in the city.", "Bridges were repaired.")
             for n in range(24)]
    chunks = [pairs[i:i + 4] for i in range(0, 24, 4)]
    whole = model.predict(pairs)
    expected = [whole[i:i + 4] for i in range(0, 24, 4)]    # a pair's result ignores its batch
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(model.predict, chunks * 3))
    for i, got in enumerate(results):
        assert abs(got - expected[i % len(chunks)]).max() < 1e-5
