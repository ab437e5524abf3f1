"""The package's front door: functions, not the same-named stage modules."""

from __future__ import annotations

import importlib


def test_front_door_names_are_functions_even_after_importing_the_modules():
    import corroborator

    for module in ("corroborator.ingest", "corroborator.extract", "corroborator.compare"):
        importlib.import_module(module)
    for name in ("compare", "extract", "ingest", "analyze", "open_store", "read_articles"):
        assert callable(getattr(corroborator, name)), name
    assert corroborator.ingest.__module__ == "corroborator.pipeline"
    assert corroborator.compare.__module__ == "corroborator.compare"
