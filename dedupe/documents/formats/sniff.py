"""Content sniffing: the format of a source whose name does not say it (stdin, ``feed.data``).

Only the formats that can be told from their first bytes are recognised here: ``{`` or
``[`` opens JSON (one value) or JSON Lines (one object per line); anything else is text.
A format that cannot be recognised this way is still read when its extension or
``stdin_format`` names it.
"""

from __future__ import annotations

import codecs
import json

from ..encodings import detect_encoding


def sniff_format(head: bytes, at_eof: bool, encoding: str | None) -> str:
    """The name of the format ``head`` (a source's first bytes, all of it when ``at_eof``) looks like."""
    enc, _ = detect_encoding(head, at_eof, encoding)
    preview = codecs.getincrementaldecoder(enc.codec)("replace").decode(
        head[enc.bom :], final=at_eof
    )
    preview = preview.lstrip()
    if preview.startswith("["):
        # "[ad_1]" opening a scraped article is text; a JSON array holds values.
        inner = preview[1:].lstrip()
        if not inner or inner[0] in '{["-]0123456789' or inner.startswith(("true", "false", "null")):
            return "json"
        return "txt"
    if not preview.startswith("{"):
        return "txt"
    first, newline, rest = preview.partition("\n")
    if newline and rest.strip():
        try:
            if isinstance(json.loads(first), dict):
                return "jsonl"
        except (ValueError, RecursionError):
            pass
    return "json"  # falls back to JSON Lines on "Extra data", see formats.json.read
