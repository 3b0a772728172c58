"""The JSON schemas of dedupe/schema/, loaded with their cross-references resolved, to validate
every answer the library writes."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource

SCHEMAS = Path(__file__).resolve().parents[1] / "dedupe" / "schema"


@lru_cache(maxsize=1)
def registry() -> Registry:  # type: ignore[type-arg]
    resources = [Resource.from_contents(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(SCHEMAS.glob("*.schema.json"))]
    return Registry().with_resources((r.id(), r) for r in resources)  # type: ignore[misc]


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return data


def validate(answer: Any, name: str, definition: str | None = None) -> None:
    """Validate ``answer`` against ``dedupe/schema/<name>.schema.json`` (or one of its ``$defs``)."""
    schema = load(name)
    if definition is not None:
        schema = {"$ref": f"{schema['$id']}#/$defs/{definition}"}
    jsonschema.Draft202012Validator(schema, registry=registry()).validate(answer)
