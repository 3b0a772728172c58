"""What a document states that a template would change: its numbers, its rare words, the
weekdays it names.

Copies carry the facts of their source along (names, places, numbers); a template (a
congratulation cable to another country, the weather of another day, an announcement about
another person) fills its slots with other ones. :mod:`dedupe.verify`'s template test compares
the facts of the smaller document of a pair with the vocabulary of the larger, through a
:class:`FactSource`:

- a scan's :class:`CorpusFacts`: numbers and words rare in the corpus (document frequency
  counted as documents are read, each document's vocabulary kept on disk in a :class:`FactFile`);
- a check's :class:`NumberFacts`: numbers only (an index keeps no word frequencies).

Word rarity means nothing in a small corpus (every word is rare there), so below
``Config.template_min_corpus`` documents no facts are drawn and only the weekday test applies.
The weekday names live in ``dedupe/data/weekdays.tsv``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from importlib import resources
from typing import Protocol

import numpy as np
import numpy.typing as npt

from ._infra.records import RecordFile
from .config import Config
from .shingles import TokenHasher

__all__ = [
    "CorpusFacts", "DocumentFrequency", "FactFile", "FactSource", "NumberFacts", "weekday_hashes", "weekday_mask",
    "weekday_mask_of_hashes",
]

U64 = npt.NDArray[np.uint64]
_EMPTY = np.empty(0, dtype=np.uint64)


# ---------------------------------------------------------------------------------- weekdays


@lru_cache(maxsize=1)
def _weekday_words() -> tuple[dict[str, int], tuple[str, ...]]:
    """Normalized weekday name → its bit (Sunday = bit 0), and the clitics glued before them."""
    text = resources.files("dedupe.data").joinpath("weekdays.tsv").read_text(encoding="utf-8")
    bits: dict[str, int] = {}
    clitics: list[str] = []
    for row in text.splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        kind, value, bit, _note = row.split("\t")
        if kind == "weekday":
            bits[value] = 1 << int(bit)
        elif kind == "clitic":
            clitics.append(value)
        else:
            raise ValueError(f"weekdays.tsv: unknown kind {kind!r}")
    return bits, tuple(clitics)


def weekday_mask(tokens: Iterable[str]) -> int:
    """The weekdays a text names, as a bit mask (Sunday = bit 0)."""
    bits, clitics = _weekday_words()
    mask = 0
    for tok in tokens:
        bit = bits.get(tok)
        if bit is None and tok[:1] in clitics:  # والاثنين, بالجمعه
            bit = bits.get(tok[1:])
        if bit:
            mask |= bit
    return mask


@lru_cache(maxsize=1)
def _weekday_bits_by_hash() -> dict[int, int]:
    bits, clitics = _weekday_words()
    forms = [(day, bit) for day, bit in bits.items()]
    forms += [(clitic + day, bit) for day, bit in bits.items() for clitic in clitics]
    hashes = TokenHasher()([f for f, _ in forms])
    return {int(h): b for h, (_, b) in zip(hashes.tolist(), forms)}


@lru_cache(maxsize=1)
def weekday_hashes() -> U64:
    """The sorted hashes of every written form of a weekday name."""
    return np.array(sorted(_weekday_bits_by_hash()), dtype=np.uint64)


def weekday_mask_of_hashes(token_hashes: U64) -> int:
    """:func:`weekday_mask` from the tokens' hashes (the same answer, without the strings)."""
    bit_of = _weekday_bits_by_hash()
    mask = 0
    for h in bit_of.keys() & set(token_hashes.tolist()):
        mask |= bit_of[h]
    return mask


# ---------------------------------------------------------------------------------- facts


class FactSource(Protocol):
    """The template test's evidence for documents numbered as in the pairs it is given."""

    def facts(self, k: int) -> U64:
        """Document ``k``'s facts (sorted, distinct token hashes; empty when none are drawn)."""

    def vocab(self, k: int) -> U64:
        """Document ``k``'s vocabulary the facts are looked for in (sorted, distinct)."""


class DocumentFrequency:
    """How many documents hold each token hash, counted as documents are read (partial counts
    are merged every few million hashes, so memory grows with the vocabulary, not the corpus)."""

    _MERGE = 4_000_000

    def __init__(self) -> None:
        self.values = np.empty(0, dtype=np.uint64)
        self.counts = np.empty(0, dtype=np.int64)
        self._pending: list[U64] = []
        self._pending_size = 0

    def add(self, vocab: U64) -> None:
        self._pending.append(vocab)
        self._pending_size += len(vocab)
        if self._pending_size >= self._MERGE:
            self._merge()

    def _merge(self) -> None:
        if not self._pending:
            return
        values, counts = np.unique(np.concatenate(self._pending), return_counts=True)
        self._pending, self._pending_size = [], 0
        merged, where = np.unique(np.concatenate([self.values, values]), return_inverse=True)
        self.counts = np.bincount(where, weights=np.concatenate([self.counts, counts]), minlength=len(merged)).astype(np.int64)
        self.values = merged

    def result(self) -> tuple[U64, npt.NDArray[np.int64]]:
        self._merge()
        return self.values, self.counts


class FactFile:
    """Per document, its distinct token hashes and its numbers' hashes (sorted uint64 arrays),
    raw in a temporary file: written once while reading, read back by the template test."""

    def __init__(self) -> None:
        self._records = RecordFile("dedupe-facts-")
        self._sizes: list[int] = []  # vocabulary sizes; the numbers follow the vocabulary

    def add(self, vocab: U64, numbers: U64) -> None:
        self._records.append(np.ascontiguousarray(vocab, dtype="<u8").tobytes() + np.ascontiguousarray(numbers, dtype="<u8").tobytes())
        self._sizes.append(len(vocab))

    def __len__(self) -> int:
        return len(self._records)

    def read(self, k: int) -> tuple[U64, U64]:
        """Document ``k``'s vocabulary and numbers."""
        both = np.frombuffer(self._records.read(k), dtype="<u8").astype(np.uint64)
        return both[: self._sizes[k]], both[self._sizes[k] :]

    def close(self) -> None:
        self._records.close()


class CorpusFacts:
    """A scan's facts: each document's numbers and the words in at most ``fact_max_df``
    documents of the corpus (by default one in 500), read through ``read(k) -> (vocab, numbers)``."""

    def __init__(
        self, read: Callable[[int], tuple[U64, U64]], documents: int, frequency: DocumentFrequency, config: Config,
    ) -> None:
        self._read = read
        self.values, self.df = frequency.result()
        self.max_df = config.fact_max_df or max(3, documents // 500)
        self.enabled = documents >= config.template_min_corpus

    def facts(self, k: int) -> U64:
        if not self.enabled:
            return _EMPTY
        vocab, numbers = self._read(k)
        df = self.df[np.searchsorted(self.values, vocab)]
        return np.union1d(vocab[df <= self.max_df], numbers)

    def vocab(self, k: int) -> U64:
        return self._read(k)[0]

    @classmethod
    def of(cls, vocabs: Sequence[U64], numbers: Sequence[U64], config: Config) -> CorpusFacts:
        """The facts a scan of just these documents draws (held in memory)."""
        frequency = DocumentFrequency()
        for v in vocabs:
            frequency.add(v)
        return cls(lambda k: (vocabs[k], numbers[k]), len(vocabs), frequency, config)


class NumberFacts:
    """A check's facts: numbers only, from an index of ``size`` articles (the index keeps no word
    frequencies); none below ``template_min_corpus`` articles, as in a scan of that size."""

    def __init__(self, numbers: Sequence[U64], size: int, config: Config) -> None:
        self._numbers = numbers
        self.enabled = size >= config.template_min_corpus

    def facts(self, k: int) -> U64:
        return self._numbers[k] if self.enabled else _EMPTY

    def vocab(self, k: int) -> U64:
        # A number's hash is in the larger text's vocabulary exactly when it is one of its numbers.
        return self._numbers[k]
