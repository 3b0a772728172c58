"""The per-document stage: one article in, what every later stage needs of it out.

    raw document → clean (findings) → tokens → token hashes → shingle set, facts, weekdays
                 → citations (with a source registry) → where each token sits (for passages)

:func:`prepare` does it for one document and raises :class:`~dedupe.errors.DocumentSkipped`
for one that cannot be scanned (empty, too short, too large). A scan runs it in worker
processes a batch at a time (:func:`prepared_stream`, in input order); each prepared document
also carries its *spool record* (the raw title and text, and where its tokens sit), encoded
in the worker, which the scan writes to disk and :mod:`dedupe.passages` reads back
(:func:`encode_record`, :func:`decode_record`). ``dedupe check`` and ``dedupe index add`` use
the same function, so an article is cleaned and hashed the same way everywhere.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
import xxhash

from ._infra import jit
from ._infra.parallel import ordered_map
from .clean import Line, clean
from .config import Config
from .errors import DocumentSkipped
from .facts import weekday_mask_of_hashes
from .locate import Located, locate_lines
from .models import Document, Finding, Provenance, picklable
from .normalize import token_offsets, tokenize
from .citations import extract
from .registry import Registry
from .sentences import Filed, filed_text
from .shingles import TokenHasher, shingle_set

__all__ = ["Prepared", "decode_record", "encode_record", "prepare", "prepare_batch", "prepared_stream", "worker_hasher"]

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]

_BATCH = 256
"""Documents handed to a worker at a time."""


@picklable
@dataclass(frozen=True, slots=True)
class Prepared:
    """What a scan keeps of one document after cleaning and shingling (small enough to send
    between processes; the raw text is not in it)."""

    findings: tuple[Finding, ...]
    tokens: int
    shingles: U32
    vocab: U64
    """Distinct token hashes."""
    numbers: U64
    """Distinct hashes of the tokens that hold digits."""
    title_tokens: tuple[str, ...]
    weekdays: int
    """Bit mask of the weekdays the text names."""
    provenance: Provenance | None = None
    located: Located | None = None
    """Where each hashed token sits in the raw text (for passages), when asked for."""
    spooled: bytes | None = None
    """The document's spool record (encoded in the worker that prepared it, so the process
    reading the input only writes bytes)."""
    line_keys: U64 = field(default_factory=lambda: np.empty(0, dtype=np.uint64))
    """A hash of each kept text line of at least ``furniture_min_tokens`` tokens (what page
    furniture is recognised by when it recurs)."""
    line_tokens: npt.NDArray[np.int32] = field(default_factory=lambda: np.empty((0, 3), dtype=np.int32))
    """Per keyed line: its first token, the token after its last (in the order the tokens are
    hashed and located), and 1 when it is the text's first line."""
    sentences: Filed = field(default_factory=Filed.empty)
    """Its sentences as the sentence channel files them (:func:`dedupe.sentences.filed`), when
    the tokens are located."""


def prepare(
    doc: Document, config: Config, hasher: TokenHasher | None = None, registry: Registry | None = None, *, locate_tokens: bool = False,
    compiled: bool | None = None,
) -> Prepared:
    """Clean and shingle one document (and find its citations when given a source registry);
    raise :class:`DocumentSkipped` when it cannot be scanned. ``locate_tokens`` also records
    where each hashed token sits in the raw text, for passages, and files its sentences
    (``compiled``: with the numba kernel, as :func:`dedupe.sentences.filed_text` decides)."""
    size = len(doc.text) + len(doc.title)
    if size > config.max_chars:
        raise DocumentSkipped("too_large", f"{size:,} characters > max_chars {config.max_chars:,}")
    if not doc.text.strip():
        raise DocumentSkipped("empty", "no text")
    # The text's token offsets serve cleaning, citation finding and locating tokens alike.
    offsets = token_offsets(doc.text) if registry is not None or locate_tokens else None
    cleaned = clean(doc, offsets)
    tokens = cleaned.tokens
    if len(tokens) < config.min_tokens:
        raise DocumentSkipped("too_short", f"{len(tokens)} words after cleaning < min_tokens {config.min_tokens}")
    hasher = hasher or TokenHasher()
    hashes, numeric = hasher.with_numbers(tokens)
    vocab = np.unique(hashes)
    line_keys, line_tokens = _line_keys(cleaned.lines, config.furniture_min_tokens)
    located = locate_lines(doc, cleaned.lines, offsets, config, hasher, hashes) if locate_tokens and offsets is not None else None
    return Prepared(
        cleaned.findings,
        len(tokens),
        shingle_set(hashes, config.shingle_size, config.min_shingle_size),
        vocab,
        np.unique(hashes[numeric]),
        tuple(tokenize(doc.title)),
        weekday_mask_of_hashes(vocab),
        None if registry is None else extract(
            doc, registry, stripped_credit=any(f.kind == "stripped_credit" for f in cleaned.findings), text_offsets=offsets
        ),
        located,
        line_keys=line_keys,
        line_tokens=line_tokens,
        sentences=filed_text(doc, located, compiled) if located is not None else Filed.empty(),
    )


def _line_keys(lines: Sequence[Line], min_tokens: int) -> tuple[U64, npt.NDArray[np.int32]]:
    """:attr:`Prepared.line_keys` and :attr:`Prepared.line_tokens` of the kept lines."""
    keys: list[int] = []
    spans: list[tuple[int, int, int]] = []
    at = 0
    first_text = True
    for line in lines:
        count = len(line.tokens)
        if line.span.field == "text":
            if count >= min_tokens:
                keys.append(xxhash.xxh3_64_intdigest("\x1f".join(line.tokens).encode("utf-8")))
                spans.append((at, at + count, int(first_text)))
            first_text = False
        at += count
    return np.array(keys, dtype=np.uint64), np.array(spans, dtype=np.int32).reshape(len(spans), 3)


_HASHER: TokenHasher | None = None


def worker_hasher() -> TokenHasher:
    """This process's token hasher (one per worker process)."""
    global _HASHER
    if _HASHER is None:
        _HASHER = TokenHasher()
    return _HASHER


def prepare_batch(
    docs: list[Document], config: Config, registry: Registry | None, locate_tokens: bool = False, spool: bool = False,
    keep_located: bool = True,
) -> list[Prepared | DocumentSkipped]:
    """Prepare a batch; with ``spool``, each prepared document also carries its spool record
    (and no longer its located tokens, which the record holds)."""
    hasher = worker_hasher()
    out: list[Prepared | DocumentSkipped] = []
    for doc in docs:
        try:
            # A batch pays for loading the compiled kernel (once a worker).
            prepared = prepare(doc, config, hasher, registry, locate_tokens=locate_tokens, compiled=jit.available() or None)
        except DocumentSkipped as skip:
            out.append(skip)
            continue
        if spool:
            prepared = replace(prepared, located=None, spooled=encode_record(doc, prepared.located))
        elif not keep_located:
            prepared = replace(prepared, located=None)
        out.append(prepared)
    return out


def _batches(documents: Iterable[Document]) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for doc in documents:
        batch.append(doc)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def prepared_stream(
    documents: Iterable[Document], config: Config, jobs: int, registry: Registry | None, locate_tokens: bool = False,
    spool: bool = False, keep_located: bool = True,
) -> Iterator[tuple[Document, Prepared | DocumentSkipped]]:
    """Documents with their prepared form, in input order, prepared in ``jobs`` worker
    processes (0: one per core); memory stays flat however long the input is. Without
    ``keep_located`` the tokens are located (for the sentences) but not sent back."""
    work = ((batch, (batch, config, registry, locate_tokens, spool, keep_located)) for batch in _batches(documents))
    for batch, results in ordered_map(prepare_batch, work, jobs):
        yield from zip(batch, results)


# ---------------------------------------------------------------------------------- spool records


def encode_record(doc: Document, located: Located | None = None) -> bytes:
    """The raw title and text of ``doc`` (compressed), and where its tokens sit when known (as
    they are: token hashes and shingles do not compress, and compressing them cost a scan more
    than a tenth of its reading)."""
    header: list[object] = [doc.title, doc.text]
    arrays = b""
    if located is not None:
        header += [located.n, len(located.starts), len(located.shingles)]
        arrays = (
            located.starts.astype("<i4").tobytes() + located.ends.astype("<i4").tobytes()
            + located.in_title.astype(np.bool_).tobytes() + located.shingles.astype("<u4").tobytes()
            + located.hashes.astype("<u8").tobytes()
        )
    head = zlib.compress(json.dumps(header, ensure_ascii=False).encode("utf-8"), 1)
    return len(head).to_bytes(4, "little") + head + arrays


def decode_record(record: bytes) -> tuple[str, str, Located | None]:
    """The inverse of :func:`encode_record`: ``(title, text, located or None)``."""
    size = int.from_bytes(record[:4], "little")
    header = json.loads(zlib.decompress(record[4 : 4 + size]))
    if len(header) == 2:
        return header[0], header[1], None
    title, text, n, tokens, shingles = header
    body = memoryview(record)[4 + size :]
    starts = np.frombuffer(body[: 4 * tokens], dtype="<i4").astype(np.int32)
    ends = np.frombuffer(body[4 * tokens : 8 * tokens], dtype="<i4").astype(np.int32)
    in_title = np.frombuffer(body[8 * tokens : 9 * tokens], dtype=np.bool_).copy()
    sh = np.frombuffer(body[9 * tokens : 9 * tokens + 4 * shingles], dtype="<u4").astype(np.uint32)
    at = 9 * tokens + 4 * shingles
    hashes = np.frombuffer(body[at : at + 8 * tokens], dtype="<u8").astype(np.uint64)
    return title, text, Located(starts, ends, in_title, sh, n, hashes)
