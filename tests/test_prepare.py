"""The per-document stage (dedupe.prepare): skip reasons, token locations recorded in the same
pass as cleaning, and the spool record that carries a document to the passages stage."""

from __future__ import annotations

import numpy as np
import pytest

from dedupe import Config, Document
from dedupe.documents import DEFAULT_FIELDS, iter_documents
from dedupe.errors import DocumentSkipped
from dedupe.locate import locate
from dedupe.prepare import decode_record, encode_record, prepare, prepare_batch, prepared_stream
from dedupe.registry import default_registry
from dedupe.shingles import TokenHasher

from .conftest import EXAMPLE


@pytest.fixture(scope="module")
def example_docs() -> list[Document]:
    return list(iter_documents([EXAMPLE], fields=DEFAULT_FIELDS))


def test_prepare_locates_tokens_exactly_as_locate_does(example_docs: list[Document]) -> None:
    """The scan keeps where each token sits from its one cleaning pass (spooled with the text),
    instead of cleaning each paired document again: it must be what locate() gives."""
    hasher = TokenHasher()
    for doc in example_docs:
        mine = prepare(doc, Config(), hasher, default_registry(), locate_tokens=True).located
        theirs = locate(doc, Config(), hasher)
        assert mine is not None and mine.n == theirs.n
        for field in ("starts", "ends", "in_title", "shingles", "hashes"):
            assert np.array_equal(getattr(mine, field), getattr(theirs, field)), (doc.id, field)


def test_spool_records_round_trip(example_docs: list[Document]) -> None:
    hasher = TokenHasher()
    for doc in example_docs[:10]:
        located = prepare(doc, Config(), hasher, default_registry(), locate_tokens=True).located
        title, text, back = decode_record(encode_record(doc, located))
        assert (title, text) == (doc.title, doc.text) and back is not None and located is not None
        assert all(np.array_equal(getattr(back, f), getattr(located, f)) for f in ("starts", "ends", "in_title", "shingles", "hashes"))
        assert decode_record(encode_record(doc)) == (doc.title, doc.text, None)


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        pytest.param(Document("empty", "  \n "), "empty", id="empty"),
        pytest.param(Document("short", "خبر قصير جدا"), "too_short", id="too-short"),
        pytest.param(Document("huge", "كلمة " * 600_000), "too_large", id="too-large"),
        pytest.param(Document("markers", "[ad_1]\n[ad_2]\nالمصدر"), "too_short", id="nothing-left-after-cleaning"),
    ],
)
def test_documents_that_cannot_be_scanned_say_why(doc: Document, reason: str) -> None:
    with pytest.raises(DocumentSkipped) as skipped:
        prepare(doc, Config())
    assert skipped.value.reason == reason


def test_the_stream_keeps_input_order_with_workers(example_docs: list[Document]) -> None:
    docs = example_docs * 8  # several batches of 256
    one = [(d.id, o.shingles.tolist() if not isinstance(o, DocumentSkipped) else o.reason) for d, o in prepared_stream(docs, Config(), 1, None)]
    two = [(d.id, o.shingles.tolist() if not isinstance(o, DocumentSkipped) else o.reason) for d, o in prepared_stream(docs, Config(), 2, None)]
    assert one == two and [i for i, _ in one] == [d.id for d in docs]


def test_a_spooled_batch_carries_its_record_instead_of_its_locations(example_docs: list[Document]) -> None:
    (prepared,) = prepare_batch(example_docs[:1], Config(), default_registry(), locate_tokens=True, spool=True)
    assert not isinstance(prepared, DocumentSkipped)
    assert prepared.located is None and prepared.spooled is not None
    assert decode_record(prepared.spooled)[2] is not None
