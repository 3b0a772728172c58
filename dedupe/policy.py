"""What a pre-publish check answers: ``pass``, ``warn`` or ``block``, and why.

The policy is read from a TOML file (``dedupe.toml``; every key optional)::

    [check]
    outlet = "alyaum"          # the outlet checked articles are for, when the article names none
    max_matches = 10           # matched articles reported, strongest first
    passages = 3               # of those, how many are shown with their shared passages
    min_relation = "partial"   # weakest relation that counts as reuse: partial, near_duplicate, duplicate

    [policy]                   # the answer for each kind of match: "pass", "warn" or "block"
    own_duplicate = "block"        # a duplicate of an article the same outlet already has
    own_near_duplicate = "warn"    # ... a rewrite of one
    own_partial = "pass"           # ... a passage of one (a follow-up story quoting itself)
    uncredited_wire = "warn"       # wire copy (an agency's item, or a paper's credited wire
                                   #   story) reused without naming the agency
    credited_wire = "pass"         # newspapers are licensed to reuse wire copy
    uncredited_copy = "warn"       # another outlet's story reused without credit
    credited_copy = "pass"
    template = "pass"              # same formula, other facts (weather, cables, notices)
    scraper_markers = "warn"       # the text itself carries scraper markers ([ad_1]...)
    stripped_credit = "warn"       # a bare "المصدر" whose link was removed

The verdict is the strictest answer any rule gives.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .models import VERDICTS, Relation, Verdict

__all__ = ["Policy", "RULES", "load_policy", "strictest"]

RULES: dict[str, Verdict] = {
    "own_duplicate": "block",
    "own_near_duplicate": "warn",
    "own_partial": "pass",
    "uncredited_wire": "warn",
    "credited_wire": "pass",
    "uncredited_copy": "warn",
    "credited_copy": "pass",
    "template": "pass",
    "scraper_markers": "warn",
    "stripped_credit": "warn",
}
_REUSE_ORDER: tuple[Relation, ...] = ("partial", "near_duplicate", "duplicate")


def strictest(verdicts: Any) -> Verdict:
    """The strictest of some verdicts (``pass`` when there are none)."""
    found: Verdict = "pass"
    for v in verdicts:
        if VERDICTS.index(v) > VERDICTS.index(found):
            found = v
    return found


@dataclass(frozen=True)
class Policy:
    outlet: str = ""
    max_matches: int = 10
    passages: int = 3
    min_relation: Relation = "partial"
    rules: dict[str, Verdict] = field(default_factory=lambda: dict(RULES))
    source: str = "<defaults>"
    """Where the policy was read from."""

    def __post_init__(self) -> None:
        if self.max_matches < 1 or self.passages < 0:
            raise ConfigError(f"{self.source}: check.max_matches must be >= 1 and check.passages >= 0")
        if self.min_relation not in _REUSE_ORDER:
            raise ConfigError(f"{self.source}: check.min_relation must be one of {', '.join(_REUSE_ORDER)}, not {self.min_relation!r}")
        for rule, verdict in self.rules.items():
            if rule not in RULES:
                raise ConfigError(f"{self.source}: unknown policy rule {rule!r} (known: {', '.join(RULES)})")
            if verdict not in VERDICTS:
                raise ConfigError(f"{self.source}: policy.{rule} must be one of pass, warn, block, not {verdict!r}")

    def counts_as_reuse(self, relation: Relation) -> bool:
        return relation in _REUSE_ORDER and _REUSE_ORDER.index(relation) >= _REUSE_ORDER.index(self.min_relation)

    def verdict(self, rule: str) -> Verdict:
        return self.rules[rule]

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "<dict>") -> Policy:
        unknown = sorted(set(data) - {"check", "policy"})
        if unknown:
            raise ConfigError(f"{source}: unknown section(s) {', '.join(unknown)} (known: check, policy)")
        check = data.get("check", {})
        rules = data.get("policy", {})
        if not isinstance(check, dict) or not isinstance(rules, dict):
            raise ConfigError(f"{source}: [check] and [policy] must be tables")
        known = {f.name for f in fields(cls)} - {"rules", "source"}
        unknown = sorted(set(check) - known)
        if unknown:
            raise ConfigError(f"{source}: unknown check key(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        for key, kind in (("outlet", str), ("max_matches", int), ("passages", int), ("min_relation", str)):
            if key in check and (not isinstance(check[key], kind) or isinstance(check[key], bool)):
                raise ConfigError(f"{source}: check.{key} must be a {kind.__name__}")
        return cls(**check, rules={**RULES, **rules}, source=source)

    def with_outlet(self, outlet: str) -> Policy:
        return replace(self, outlet=outlet)


def load_policy(path: str | Path | None = None) -> Policy:
    """The policy in ``path``; without one, in ``$DEDUPE_POLICY`` or ``./dedupe.toml`` when
    either exists; else the defaults."""
    if path is None:
        env = os.environ.get("DEDUPE_POLICY")
        if env:
            path = env
        elif Path("dedupe.toml").is_file():
            path = "dedupe.toml"
        else:
            return Policy()
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"policy file {p} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: not valid TOML: {exc}") from exc
    return Policy.from_dict(data, str(p))
