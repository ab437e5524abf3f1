"""One JSON contract: CLI and /api outputs carry schema_version and match the JSON Schemas."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborator.cli import main
from corroborator.report.contract import NAMES, SCHEMA_VERSION, schema, validate

jsonschema = pytest.importorskip("jsonschema")
sys.path.insert(0, str(Path(__file__).parent))
from conftest_web import STORY_ID, build_fixture_db  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_db(tmp_path_factory.mktemp("contract") / "contract.db", filler=3)


def _cli(*args: object) -> dict:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _api(db: Path, path: str) -> dict:
    from corroborator.web import get_page

    status, body = get_page(db, path)
    assert status == 200, body[:300]
    return json.loads(body)


@pytest.mark.parametrize("name", NAMES)
def test_schemas_are_valid_json_schema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema(name))


def test_stories_same_object_from_cli_and_api(db: Path) -> None:
    cli = _cli("stories", "--db", db, "--format", "json", "--sort", "size", "--limit", "5")
    api = _api(db, "/api/stories?sort=size&limit=5")
    validate(cli, "stories")
    validate(api, "stories")
    assert cli == api
    assert cli["schema_version"] == SCHEMA_VERSION and cli["stories"][0]["outlets"]


def test_story_same_object_from_cli_and_api(db: Path) -> None:
    cli = _cli("story", STORY_ID, "--db", db, "--format", "json")
    validate(cli, "story")
    assert cli == _api(db, f"/api/story/{STORY_ID}")


def test_report_json(db: Path) -> None:
    data = _cli("report", "--db", db, "--format", "json", "--limit", "3", "--singles")
    validate(data, "report")
    assert len(data["stories"]) == 3


def test_a_broken_object_fails_validation(db: Path) -> None:
    data = _cli("stories", "--db", db, "--format", "json")
    del data["stories"][0]["n_sources"]
    with pytest.raises(jsonschema.ValidationError):
        validate(data, "stories")
    with pytest.raises(jsonschema.ValidationError):
        validate(data | {"schema_version": 99}, "stories")


def test_compare_json(seeds: list[Path]) -> None:
    data = _cli("compare", *seeds, "--format", "json")
    validate(data, "compare")
    assert data["schema_version"] == SCHEMA_VERSION


def test_docs_name_every_schema_and_field() -> None:
    doc = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    assert "schema_version" in doc
    for name in NAMES:
        assert f"{name}.schema.json" in doc
        for field in schema(name)["required"]:
            assert f"`{field}`" in doc, (name, field)


def test_search_same_object_from_cli_and_api(db: Path) -> None:
    cli = _cli("search", "cracks", "--db", db, "--format", "json")
    assert cli == _api(db, "/api/search?q=cracks")
    assert cli["schema_version"] == SCHEMA_VERSION and cli["articles"]


def test_every_json_command_is_versioned(tmp_path: Path) -> None:
    from corroborator import cli

    assert cli.SCHEMA_VERSION == SCHEMA_VERSION
    text = ROOT / "examples" / "txt" / "cpa-calloway-redfern-memo.txt"
    assert _cli("extract", text, "--format", "json")["schema_version"] == SCHEMA_VERSION
    added = _cli("ingest", text, "--db", tmp_path / "v.db", "--format", "json")
    assert added["schema_version"] == SCHEMA_VERSION and len(added["added"]) == 1
