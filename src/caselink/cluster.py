"""Clustering scored pairs into incidents.

This first method links every pair whose match probability reaches the threshold and takes connected
components (``scipy.sparse.csgraph``, which is far faster than networkx on large graphs). Singletons
are incidents too. Incident ids are a stable function of the members: a hash of the smallest member id,
so they do not depend on input order, worker count or process.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from caselink._types import ArticleId, CaseId
from caselink.config import ClusterConfig
from caselink.models import Incident, ScoredPair

__all__ = ["cluster_incidents", "incident_id"]


def incident_id(article_ids: Iterable[ArticleId]) -> CaseId:
    """Return the id of the incident with these members: ``"case-"`` and a hash of the smallest id.

    Examples:
        >>> incident_id(["b", "a"]) == incident_id(["a", "b"])
        True
    """
    smallest = min(article_ids)
    return "case-" + hashlib.sha1(smallest.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]


def cluster_incidents(
    article_ids: Sequence[ArticleId],
    pairs: Iterable[ScoredPair],
    config: ClusterConfig | None = None,
) -> list[Incident]:
    """Group articles into incidents: connected components of the pairs at or above the threshold.

    Returns:
        Incidents covering every article exactly once, sorted by incident id.

    Examples:
        >>> pairs = [ScoredPair("a", "b", 5.0, 0.97, ())]
        >>> sorted(i.article_ids for i in cluster_incidents(["a", "b", "c"], pairs))
        [('a', 'b'), ('c',)]
    """
    cfg = config or ClusterConfig()
    ids = sorted(set(article_ids))
    index = {aid: i for i, aid in enumerate(ids)}
    rows, cols = [], []
    for pair in pairs:
        if pair.probability >= cfg.threshold and pair.a in index and pair.b in index:
            rows.append(index[pair.a])
            cols.append(index[pair.b])
    graph = coo_matrix(
        (np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(len(ids), len(ids))
    )
    _count, labels = connected_components(graph, directed=False)
    members: dict[int, list[ArticleId]] = defaultdict(list)
    for aid, label in zip(ids, labels, strict=True):
        members[int(label)].append(aid)
    incidents = [Incident(incident_id(m), m) for m in members.values()]
    return sorted(incidents, key=lambda i: i.incident_id)
