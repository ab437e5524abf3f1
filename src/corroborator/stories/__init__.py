"""Incremental story clustering: each new article joins an existing story or starts one.

Public entry points:

* :func:`cluster_articles` places stored articles and persists stories (SQLite plus a
  usearch index file beside the database);
* :func:`cluster_records` clusters in-memory articles without a store (evaluation, batch).
"""

import ctypes
import importlib
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any


def _load_lightgbm_library_first() -> None:
    """Load LightGBM's C library before usearch's compiled module.

    The two share C++ number-formatting symbols and the first library loaded wins: with
    usearch first, LightGBM (the stance model) writes empty values into its parameter
    JSON and cannot load a model. Only the library is loaded here (the Python package
    pulls in scikit-learn); nothing happens when LightGBM is not installed.
    """
    spec = importlib.util.find_spec("lightgbm")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for lib in Path(folder).glob("lib/lib_lightgbm.*"):
            try:
                ctypes.CDLL(str(lib))
            except OSError:
                continue
            return


_load_lightgbm_library_first()

#: The entry points, imported on first use: `corroborator.stories.features` (dates,
#: names) is read by stages that never cluster (dedupe, a cold `compare`), and the
#: clustering modules import usearch (and its tqdm), ~0.05 CPU-s.
_LAZY = {"ClusterReport": "batch", "cluster_articles": "batch", "ClusterConfig": "core",
         "Clusterer": "core", "Placement": "core", "cluster_records": "memory",
         "index_path": "persist"}

__all__ = ["ClusterConfig", "ClusterReport", "Clusterer", "Placement", "cluster_articles",
           "cluster_records", "index_path"]

if TYPE_CHECKING:
    from corroborator.stories.batch import ClusterReport, cluster_articles
    from corroborator.stories.core import ClusterConfig, Clusterer, Placement
    from corroborator.stories.memory import cluster_records
    from corroborator.stories.persist import index_path


def __getattr__(name: str) -> Any:
    """The entry points of `_LAZY`, imported on first use."""
    if name in _LAZY:
        return getattr(importlib.import_module(f"corroborator.stories.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
