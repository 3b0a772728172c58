"""One frozen, validated configuration for every stage.

The fields that change which shingles or signatures a document gets are folded into
:meth:`Config.fingerprint`; an index stores that fingerprint so that signatures made
under different settings are never compared.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields, replace
from functools import lru_cache
from typing import Any

from .errors import ConfigError

# Fields whose change makes previously computed signatures incomparable.
_SIGNATURE_FIELDS = ("shingle_size", "min_shingle_size", "num_perm", "seed")
# Version of the token hash (dedupe.shingles.HASH_VERSION; kept here so config imports no later stage).
_HASH_VERSION = 2
# What a persistent index's stored keys depend on, beyond the signatures.
_INDEX_FIELDS = _SIGNATURE_FIELDS + ("lsh_bands", "lsh_rows", "anchor_modulus")


@lru_cache(maxsize=64)
def lsh_bands_rows(threshold: float, num_perm: int, fp_weight: float = 0.5) -> tuple[int, int]:
    """Pick ``(bands, rows)`` with ``bands * rows <= num_perm`` for an LSH threshold.

    A pair with Jaccard ``s`` becomes a candidate with probability ``1 - (1 - s**r)**b``.
    We minimise the weighted area of false positives (below the threshold) and false
    negatives (above it), the criterion of Leskovec, Rajaraman & Ullman (MMDS, ch. 3).
    """
    steps = 200

    def area(b: int, r: int, lo: float, hi: float, positive: bool) -> float:
        total = 0.0
        width = (hi - lo) / steps
        for i in range(steps):
            s = lo + (i + 0.5) * width
            p = 1.0 - (1.0 - s**r) ** b
            total += (p if positive else 1.0 - p) * width
        return total

    best: tuple[float, int, int] | None = None
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = area(b, r, 0.0, threshold, True)
            fn = area(b, r, threshold, 1.0, False)
            err = fp_weight * fp + (1.0 - fp_weight) * fn
            if best is None or err < best[0]:
                best = (err, b, r)
    assert best is not None
    return best[1], best[2]


@dataclass(frozen=True)
class Config:
    """Settings of a scan. Construct with keywords; invalid values raise :class:`ConfigError`."""

    # Shingles and signatures
    shingle_size: int = 5
    """Words per shingle."""
    min_shingle_size: int = 2
    """Shorter documents fall back to n-grams down to this size."""
    num_perm: int = 128
    seed: int = 1
    # Candidates
    lsh_threshold: float = 0.3
    """Whole-document LSH threshold; low on purpose, verification is exact."""
    lsh_fp_weight: float = 0.3
    """Weight of false positives against false negatives when deriving bands/rows."""
    anchor_modulus: int = 8
    """A shingle is an anchor when its hash is divisible by this; anchors find contained passages."""
    anchor_min_shared: int = 3
    """Two documents sharing this many anchors become a candidate pair."""
    anchor_max_docs: int = 50
    """Anchors found in more documents than this are stock phrases, not evidence of copying."""
    # Verification
    duplicate_jaccard: float = 0.85
    near_duplicate_jaccard: float = 0.25
    near_duplicate_min_containment: float = 0.33
    """Both containments must reach this for a near-duplicate (otherwise it is partial)."""
    partial_containment: float = 0.33
    min_shared_shingles: int = 20
    # Relations from the shared passages
    evidence_min_shared: int = 10
    """Candidates sharing at least this many shingles (and ``evidence_min_containment`` of one
    text) are aligned, whatever their overlap: their passages may show a partial copy the overlap
    of the whole texts hides."""
    evidence_min_containment: float = 0.1
    partial_min_sentences: int = 2
    """Two texts sharing this many sentences (mostly inside passages, in both) are a partial copy."""
    partial_min_coverage: float = 0.25
    """...or when passages cover this share of the shorter text."""
    sentence_min_jaccard: float = 0.5
    """Two sentences (of at least eight tokens) whose token sets reach this Jaccard similarity
    say the same in other words (:mod:`dedupe.sentences`)..."""
    partial_min_matched: int = 2
    """...and two texts matching this many sentences so are a partial copy (0: no such test)."""
    sentence_max_docs: int = 30
    """A sentence key held by more documents pairs none of them (a formula, a recurring line)."""
    quote_min_share: float = 0.8
    """A pair whose passages stand this much inside quotation marks in one text, ..."""
    quote_max_coverage: float = 0.6
    """...while covering less than this share of the shorter text, only quotes the same statement."""

    # Templates: pairs that share a formula but report different facts
    template_max_jaccard: float = 0.95
    """Pairs at or above this Jaccard are copies whatever their facts."""
    template_fact_overlap: float = 0.3
    """A pair is a template when fewer than this share of the smaller document's facts
    (numbers and rare words) occur in the larger one."""
    template_min_facts: int = 3
    fact_max_df: int = 0
    """A word in at most this many documents counts as a fact; 0 derives it from the corpus size."""
    template_min_corpus: int = 1000
    """Below this many documents, word rarity is not measured and only the weekday test applies."""
    formula_min_docs: int = 15
    formula_min_days: int = 4
    """A partial pair of whose shared anchors half or more are held by ``formula_min_docs``
    documents on ``formula_min_days`` days shares a formula (tested from ``template_min_corpus``
    documents)..."""
    formula_min_anchors: int = 3
    """...when it shares at least this many anchors."""
    template_slot_changes: int = 1
    """A near-duplicate or partial pair whose aligned wording changes at least this many numbers or
    places (:mod:`dedupe.slots`), and more of them than its passages keep, shares a formula (0: no
    such test)."""
    # Cleaning
    min_tokens: int = 10
    """Documents with fewer normalized words are skipped as too short."""
    max_chars: int = 2_000_000
    """Documents longer than this (title + text) are skipped as too large."""
    boilerplate_min_docs: int = 10
    """...and in at least this many of them (a story copied a few times is not furniture)."""
    boilerplate_fraction: float = 0.02
    """A shingle in at least this fraction of one outlet's documents is that outlet's boilerplate."""
    boilerplate_min_outlet_docs: int = 30
    """Outlets with fewer documents are not used to learn boilerplate."""
    furniture_window_days: int = 3
    """Page furniture (teaser blocks, "read also" leads) recurs across one outlet's articles of
    these few days either side."""
    furniture_min_echoes: int = 3
    """A teaser block holds a line that at least this many other articles of the outlet repeat."""
    furniture_max_tail: int = 2
    """A teaser block may end in this many lines no other article echoes (teasers of stories not at hand)."""
    furniture_min_tokens: int = 8
    """Lines shorter than this are never taken for page furniture (nor their repeats counted)."""
    furniture_max_share: float = 0.6
    """An article that would lose more than this share of its tokens to furniture is a story the
    outlet reposted, not a story with furniture around it: it keeps them."""
    # Clusters
    cluster_min_linkage: float = 0.5
    """Two groups merge only when this share of all pairs across them are verified copies."""
    # Headlines
    headline_similarity: float = 92.0
    headline_min_tokens: int = 4
    # Output
    max_passages: int = 8
    lsh_bands: int = field(init=False)
    lsh_rows: int = field(init=False)

    def __post_init__(self) -> None:
        def check(ok: bool, message: str) -> None:
            if not ok:
                raise ConfigError(message)

        check(1 <= self.min_shingle_size <= self.shingle_size <= 32, "need 1 <= min_shingle_size <= shingle_size <= 32")
        check(8 <= self.num_perm <= 1024, "num_perm must be between 8 and 1024")
        check(0 <= self.seed < 2**32, "seed must fit in 32 bits")
        for name in (
            "lsh_threshold",
            "lsh_fp_weight",
            "duplicate_jaccard",
            "near_duplicate_jaccard",
            "near_duplicate_min_containment",
            "partial_containment",
            "boilerplate_fraction",
            "template_max_jaccard",
            "template_fact_overlap",
            "cluster_min_linkage",
            "furniture_max_share",
            "partial_min_coverage",
            "evidence_min_containment",
            "quote_min_share",
            "quote_max_coverage",
            "sentence_min_jaccard",
        ):
            value = getattr(self, name)
            check(0.0 < value < 1.0 or (name == "template_max_jaccard" and value == 1.0), f"{name} must be in (0, 1), got {value!r}")
        check(self.near_duplicate_jaccard < self.duplicate_jaccard, "near_duplicate_jaccard must be below duplicate_jaccard")
        check(self.anchor_modulus >= 1 and self.anchor_min_shared >= 1, "anchor_modulus and anchor_min_shared must be >= 1")
        check(self.anchor_max_docs >= 2, "anchor_max_docs must be >= 2")
        check(self.min_shared_shingles >= 1 and self.min_tokens >= 1, "min_shared_shingles and min_tokens must be >= 1")
        check(self.max_chars >= 1000, "max_chars must be >= 1000")
        check(0.0 < self.headline_similarity <= 100.0, "headline_similarity is a 0-100 score")
        check(self.max_passages >= 0, "max_passages must be >= 0")
        check(self.template_min_facts >= 1 and self.fact_max_df >= 0, "template_min_facts >= 1, fact_max_df >= 0")
        check(self.template_min_corpus >= 0, "template_min_corpus must be >= 0")
        check(self.template_slot_changes >= 0, "template_slot_changes must be >= 0")
        check(self.partial_min_matched >= 0 and self.sentence_max_docs >= 2, "partial_min_matched >= 0, sentence_max_docs >= 2")
        check(
            self.formula_min_docs >= 2 and self.formula_min_days >= 1 and self.formula_min_anchors >= 1,
            "formula_min_docs >= 2, formula_min_days >= 1, formula_min_anchors >= 1",
        )
        check(
            self.evidence_min_shared >= 1 and self.partial_min_sentences >= 1,
            "evidence_min_shared and partial_min_sentences must be >= 1",
        )
        check(
            self.furniture_window_days >= 0 and self.furniture_min_tokens >= 2 and self.furniture_min_echoes >= 1,
            "furniture_window_days >= 0, furniture_min_tokens >= 2, furniture_min_echoes >= 1",
        )
        check(self.furniture_max_tail >= 0, "furniture_max_tail must be >= 0")
        bands, rows = lsh_bands_rows(self.lsh_threshold, self.num_perm, self.lsh_fp_weight)
        object.__setattr__(self, "lsh_bands", bands)
        object.__setattr__(self, "lsh_rows", rows)

    def replace(self, **changes: Any) -> Config:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        known = {f.name for f in fields(cls) if f.init}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"unknown config keys: {', '.join(unknown)}")
        try:
            return cls(**data)
        except TypeError as exc:
            raise ConfigError(str(exc)) from exc

    def fingerprint(self) -> str:
        """A short digest of the settings that determine signatures (and of how tokens are hashed)."""
        payload = json.dumps({**{k: getattr(self, k) for k in _SIGNATURE_FIELDS}, "token_hash": _HASH_VERSION}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def index_fingerprint(self) -> str:
        """A short digest of the settings a persistent index's stored keys depend on:
        signatures, LSH bands and rows, anchor selection."""
        payload = json.dumps({**{k: getattr(self, k) for k in _INDEX_FIELDS}, "token_hash": _HASH_VERSION}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def to_stored(self) -> dict[str, Any]:
        """The settings that can be passed back to the constructor (no derived fields)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.init}
