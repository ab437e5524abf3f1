"""Incremental story clustering: each new article joins an existing story or starts one.

Public entry points:

* :func:`cluster_articles` places stored articles and persists stories (SQLite plus a
  usearch index file beside the database);
* :func:`cluster_records` clusters in-memory articles without a store (evaluation, batch).
"""

from corroborator.stories.core import ClusterConfig, Clusterer, Placement
from corroborator.stories.memory import cluster_records

__all__ = ["ClusterConfig", "Clusterer", "Placement", "cluster_records"]
