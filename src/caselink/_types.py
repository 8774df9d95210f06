"""Type aliases shared by every stage."""

from __future__ import annotations

from typing import TypeAlias

ArticleId: TypeAlias = str
"""An article's id as given in the input, or a stable content hash when none was given."""

CaseId: TypeAlias = str
"""A case's id: a stable function of its member articles (see `caselink.cluster`)."""

FieldName: TypeAlias = str
"""The name of an extracted field or of a comparison, e.g. ``"agency"``."""

PairKey: TypeAlias = tuple[ArticleId, ArticleId]
"""An unordered pair of articles, always stored as ``(smaller_id, larger_id)``."""
