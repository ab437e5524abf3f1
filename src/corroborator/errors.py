"""Errors that name the input and the problem in one line."""

from __future__ import annotations


class CorroboratorError(Exception):
    """Base class: every error the CLI turns into one clear line."""


class InputError(CorroboratorError):
    """A bad input: names the input, optionally a line number, and the problem."""

    def __init__(self, source: str, problem: str, line: int | None = None) -> None:
        self.source = source
        self.problem = problem
        self.line = line
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {problem}")


class StoreError(CorroboratorError):
    """The database cannot be used: names the file and the reason."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class MissingExtraError(CorroboratorError):
    """An optional part is needed but its extra is not installed."""

    def __init__(self, extra: str, what: str) -> None:
        self.extra = extra
        super().__init__(f"{what} needs the '{extra}' extra: {install_hint(extra)}")


def install_hint(extra: str) -> str:
    """How to install an extra: from the checkout when running from a clone, else from PyPI."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "src" / "corroborator").is_dir():
        return f"pip install -e '{root}[{extra}]'"
    return f"pip install 'corroborator[{extra}]'"


class NotFoundError(CorroboratorError):
    """An unknown story, article or entity id."""


class BusyError(CorroboratorError):
    """Every worker or model instance is busy; try again shortly (HTTP 503)."""
