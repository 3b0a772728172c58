"""dedupe: near-duplicate and source-provenance detection for Arabic news.

The library is the product; the ``dedupe`` command is a thin layer over these names.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .config import Config
from .errors import ConfigError, DecodeError, DedupeError, DocumentSkipped, FieldError, InputError, ParseError
from .models import (
    Cluster,
    ClusterMember,
    Document,
    DocumentSummary,
    Edge,
    Finding,
    HeadlineGroup,
    InputProblem,
    Pair,
    Passage,
    Report,
    Span,
)
from .normalize import normalize, tokenize
from .pipeline import compare, scan, scan_documents

__all__ = [
    "__version__",
    "Cluster",
    "ClusterMember",
    "Config",
    "ConfigError",
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
    "Report",
    "Span",
    "compare",
    "normalize",
    "scan",
    "scan_documents",
    "tokenize",
]
