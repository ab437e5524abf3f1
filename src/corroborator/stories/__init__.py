"""Incremental story clustering: each new article joins an existing story or starts one.

Public entry points:

* :func:`cluster_articles` places stored articles and persists stories (SQLite plus a
  usearch index file beside the database);
* :func:`cluster_records` clusters in-memory articles without a store (evaluation, batch).
"""

from corroborator.stories.batch import ClusterReport, cluster_articles
from corroborator.stories.core import ClusterConfig, Clusterer, Placement
from corroborator.stories.memory import cluster_records
from corroborator.stories.persist import index_path

__all__ = ["ClusterConfig", "ClusterReport", "Clusterer", "Placement", "cluster_articles",
           "cluster_records", "index_path"]
