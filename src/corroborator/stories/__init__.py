"""Incremental story clustering: each new article joins an existing story or starts one.

Public entry points:

* :func:`cluster_articles` places stored articles and persists stories (SQLite plus a
  usearch index file beside the database);
* :func:`cluster_records` clusters in-memory articles without a store (evaluation, batch).
"""

import ctypes
import importlib.util
from pathlib import Path


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

from corroborator.stories.batch import ClusterReport, cluster_articles  # noqa: E402
from corroborator.stories.core import ClusterConfig, Clusterer, Placement  # noqa: E402
from corroborator.stories.memory import cluster_records  # noqa: E402
from corroborator.stories.persist import index_path  # noqa: E402

__all__ = ["ClusterConfig", "ClusterReport", "Clusterer", "Placement", "cluster_articles",
           "cluster_records", "index_path"]
