"""Encodings: which codec turns a source's bytes into text, decided from its first bytes.

A byte-order mark wins (UTF-8, UTF-16, UTF-32); then UTF-16 without a mark is recognised
by its NUL bytes; then valid UTF-8; then Windows-1256, told from UTF-8 by where its high
bytes fall. Anything else is not guessed: :class:`_Invalid` says where UTF-8 broke, so
the caller can skip bad lines of a damaged file or refuse an undecodable one. An
encoding the user names is used as given.

:class:`_Encoding` and :class:`_Invalid` are made only here; other modules only read them.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Final

from ..errors import ConfigError

@dataclass(frozen=True, slots=True)
class _Encoding:
    """How to decode one source."""

    codec: str
    label: str
    bom: int
    """Bytes of byte-order mark to skip at the start of the stream."""
    byte_lines: bool
    """True when b"\\n" always ends a line, so bytes can be split and each line decoded
    on its own: one bad line then costs one line, not the rest of the file."""
    note: str | None = None
    """Warning to emit once for the file."""


_UTF8 = _Encoding("utf-8", "UTF-8", 0, True)
_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
)
_ASCII_BYTES: Final = bytes(range(0x80))
_NOT_CP1256_ARABIC_RANGE: Final = bytes(b for b in range(256) if not 0xC1 <= b <= 0xFE)


def _forced_encoding(name: str, head: bytes) -> _Encoding:
    codec = codecs.lookup(name).name
    bom = 0
    for mark, bom_codec, _ in _BOMS:
        # "utf-16", "utf-32" and "utf-8-sig" consume their BOM themselves.
        if codec == bom_codec and head.startswith(mark):
            bom = len(mark)
            break
    byte_lines = "\n\r".encode(codec) == b"\n\r" and not codec.startswith(
        ("utf-16", "utf-32")
    )
    return _Encoding(codec, name, bom, byte_lines)


def _sniff_utf16(head: bytes) -> _Encoding | None:
    """UTF-16 without BOM: ASCII (spaces, newlines, JSON syntax) puts NULs on one parity."""
    sample = head[:4096]
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    for nuls, other, codec, label in (
        (odd, even, "utf-16-le", "UTF-16 LE"),
        (even, odd, "utf-16-be", "UTF-16 BE"),
    ):
        if nuls >= max(1, half // 50) and other <= nuls // 20:
            try:
                codecs.getincrementaldecoder(codec)("strict").decode(
                    sample, final=False
                )
            except UnicodeDecodeError:
                continue
            note = f"decoded as {label} (no byte-order mark; detected from the NUL-byte pattern)"
            return _Encoding(codec, label, 0, False, note)
    return None


def _looks_cp1256(data: bytes) -> bool:
    """Windows-1256 Arabic puts almost every high byte in 0xC1-0xFE; UTF-8 Arabic puts
    half of them (continuation bytes) in 0x80-0xBF, which tells the two apart."""
    high = len(data.translate(None, _ASCII_BYTES))
    if not high:
        return False
    in_range = len(data.translate(None, _NOT_CP1256_ARABIC_RANGE))
    return in_range >= 0.75 * high


@dataclass(frozen=True, slots=True)
class _Invalid:
    """Where the first bytes stopped being UTF-8, and how damaged they look."""

    offset: int
    reason: str
    sparse: bool
    """Only a few bad sequences: a damaged UTF-8 file, worth reading line by line."""


def detect_encoding(
    head: bytes, at_eof: bool, forced: str | None
) -> tuple[_Encoding, _Invalid | None]:
    """Decide a file's encoding from its first bytes (the whole file when ``at_eof``)."""
    if forced is not None:
        return _forced_encoding(forced, head), None
    for mark, codec, label in _BOMS:
        if head.startswith(mark):
            if codec == "utf-8":
                return _Encoding("utf-8", "UTF-8", len(mark), True), None
            note = f"decoded as {label} (byte-order mark found)"
            return _Encoding(codec, label, len(mark), False, note), None
    if b"\x00" in head[:4096]:
        utf16 = _sniff_utf16(head)
        if utf16 is not None:
            return utf16, None
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=at_eof)
    except UnicodeDecodeError as exc:
        if _looks_cp1256(head):
            note = "decoded as windows-1256 (not valid UTF-8)"
            return _Encoding("cp1256", "windows-1256", 0, True, note), None
        bad = head.decode("utf-8", "replace").count("\ufffd")
        sparse = bad <= max(8, len(head) // 2000)
        return _UTF8, _Invalid(exc.start, exc.reason, sparse)
    return _UTF8, None


def check_encoding(name: str) -> None:
    """Refuse an unknown encoding name before any reading starts."""
    try:
        codecs.lookup(name)
    except LookupError:
        raise ConfigError(f"unknown encoding {name!r}") from None


def byte_word(gz: bool) -> str:
    """How messages name a byte offset: in a gzip file it counts decompressed bytes."""
    return "decompressed byte" if gz else "byte"


def undecodable(invalid: _Invalid, gz: bool) -> str:
    """Why a whole source is refused: not UTF-8, and too damaged to read line by line."""
    return (
        f"cannot decode: not valid UTF-8 at {byte_word(gz)} {invalid.offset} ({invalid.reason}) "
        "and does not look like windows-1256; give the encoding explicitly"
    )
