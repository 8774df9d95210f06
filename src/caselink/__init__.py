"""caselink: resolve news articles from many feeds into real-world cases.

Examples:
    >>> import caselink
    >>> res = caselink.resolve([{"id": "a", "text": "..."}])
    >>> len(res.cases)
    1
"""

from __future__ import annotations

__version__ = "0.1.0"

from caselink.config import Config
from caselink.errors import (
    CaselinkError,
    ConfigError,
    IncompatibleSignatureError,
    InputError,
    ModelError,
    StoreError,
)
from caselink.ingest import Ingested, read_articles, read_feeds, read_records
from caselink.models import (
    Article,
    ArticleFields,
    CandidatePair,
    Case,
    CaseField,
    Incident,
    Mention,
    Reject,
    Resolution,
    ScoredPair,
)
from caselink.pipeline import resolve

__all__ = [
    "Article",
    "ArticleFields",
    "CandidatePair",
    "Case",
    "CaseField",
    "CaselinkError",
    "Config",
    "ConfigError",
    "Incident",
    "IncompatibleSignatureError",
    "Ingested",
    "InputError",
    "Mention",
    "ModelError",
    "Reject",
    "Resolution",
    "ScoredPair",
    "StoreError",
    "__version__",
    "read_articles",
    "read_feeds",
    "read_records",
    "resolve",
]
