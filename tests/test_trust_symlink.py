"""The analyzer lock and the story index follow symlinks to the real database (issue 23,
item 6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborator import open_store
from corroborator.cli import main
from corroborator.errors import StoreError
from corroborator.store.database import analyzer_lock
from corroborator.stories import index_path


@pytest.fixture
def linked(tmp_path: Path) -> tuple[Path, Path]:
    """A database ``real/two.db`` and a symlink to it from another folder."""
    real = tmp_path / "real" / "two.db"
    real.parent.mkdir()
    open_store(real).close()
    link = tmp_path / "elsewhere" / "link.db"
    link.parent.mkdir()
    link.symlink_to(real)
    return real, link


def test_lock_through_a_symlink_is_the_same_lock(linked: tuple[Path, Path]) -> None:
    real, link = linked
    held = "another 'corroborator analyze'"
    with analyzer_lock(real), pytest.raises(StoreError, match=held), analyzer_lock(link):
        pass
    with analyzer_lock(link), pytest.raises(StoreError, match=held), analyzer_lock(real):
        pass


def test_analyze_through_a_symlink_waits_for_the_running_one(linked: tuple[Path, Path]) -> None:
    real, link = linked
    with analyzer_lock(real):
        result = CliRunner().invoke(main, ["analyze", "--db", str(link)])
    assert result.exit_code == 1
    assert "another 'corroborator analyze' is running on this database" in result.output
    assert not (link.parent / "link.db.analyze.lock").exists()


def test_side_files_live_beside_the_real_database(linked: tuple[Path, Path]) -> None:
    real, link = linked
    with open_store(link) as store:
        assert index_path(store) == real.resolve().with_name("two.db.stories.usearch")
