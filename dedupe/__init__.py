"""dedupe: near-duplicate and source-provenance detection for Arabic news.

The library is the product; the ``dedupe`` command is a thin layer over these names.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .config import Config
from .errors import ConfigError, DecodeError, DedupeError, DocumentSkipped, FieldError, InputError, ParseError
from .models import (
    Citation,
    Cluster,
    ClusterMember,
    CopyLink,
    Document,
    DocumentSummary,
    Edge,
    Finding,
    HeadlineGroup,
    InputProblem,
    Pair,
    Passage,
    Provenance,
    Report,
    Span,
)
from .normalize import normalize, tokenize
from .pipeline import compare, scan, scan_documents
from .provenance import Registry, Source, copy_links, default_registry, extract

__all__ = [
    "__version__",
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
    "InputError",
    "InputProblem",
    "Pair",
    "ParseError",
    "Passage",
    "Provenance",
    "Registry",
    "Report",
    "Source",
    "Span",
    "compare",
    "copy_links",
    "default_registry",
    "extract",
    "normalize",
    "scan",
    "scan_documents",
    "tokenize",
]
