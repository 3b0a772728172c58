"""dedupe: near-duplicate and source-provenance detection for Arabic news.

The library is the product; the ``dedupe`` command is a thin layer over these names.
"""

from __future__ import annotations

from ._version import __version__
from .config import Config
from .errors import (
    ArticleNotFound,
    ConfigError,
    DecodeError,
    DedupeError,
    DocumentSkipped,
    FieldError,
    IndexIncompatible,
    IndexStoreError,
    IndexUnavailable,
    InputError,
    MissingExtra,
    NothingToCheck,
    ParseError,
)
from .index import Index, open_index
from .models import (
    AddResult,
    CheckResult,
    Citation,
    Cluster,
    ClusterMember,
    CopyLink,
    Document,
    DocumentSummary,
    Edge,
    Finding,
    HeadlineGroup,
    IndexedArticle,
    IndexStats,
    InputProblem,
    Match,
    Pair,
    Passage,
    Provenance,
    Reason,
    Report,
    Span,
)
from .normalize import normalize, tokenize
from .pipeline import check, compare, index_documents, scan, scan_documents
from .policy import Policy, load_policy
from .links import copy_links
from .citations import extract
from .registry import Registry, Source, default_registry
from .relations import RELATIONS, Relation

__all__ = [
    "__version__",
    "AddResult",
    "ArticleNotFound",
    "CheckResult",
    "Citation",
    "Cluster",
    "ClusterMember",
    "Config",
    "ConfigError",
    "CopyLink",
    "DecodeError",
    "DedupeError",
    "Document",
    "DocumentSkipped",
    "DocumentSummary",
    "Edge",
    "FieldError",
    "Finding",
    "HeadlineGroup",
    "Index",
    "IndexIncompatible",
    "IndexStats",
    "IndexStoreError",
    "IndexUnavailable",
    "IndexedArticle",
    "InputError",
    "InputProblem",
    "Match",
    "MissingExtra",
    "NothingToCheck",
    "Pair",
    "ParseError",
    "Passage",
    "Policy",
    "Provenance",
    "RELATIONS",
    "Reason",
    "Registry",
    "Relation",
    "Report",
    "Source",
    "Span",
    "check",
    "compare",
    "copy_links",
    "default_registry",
    "extract",
    "index_documents",
    "load_policy",
    "normalize",
    "open_index",
    "scan",
    "scan_documents",
    "tokenize",
]
