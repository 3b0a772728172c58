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
    shared_quote = "pass"          # both quote the same statement, otherwise written apart
    scraper_markers = "warn"       # the text itself carries scraper markers ([ad_1]...)
    stripped_credit = "warn"       # a bare "المصدر" whose link was removed

The verdict is the strictest answer any rule gives. Which rule a matched article answers to is
decided here too (:meth:`Policy.reasons`), from the relation table (:mod:`dedupe.relations`):
the checked outlet's own article answers to the relation's ``own_*`` rule, another outlet's
reuse to a wire or copy rule, a template to ``template``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .models import VERDICTS, Document, Finding, Match, Reason, Verdict
from .provenance import WIRE_CREDIT_KINDS, ArticleInfo
from .registry import Registry
from .relations import REUSE, Relation, kind, strength

__all__ = ["Policy", "RULES", "is_wire", "load_policy", "same_outlet", "strictest"]

RULES: dict[str, Verdict] = {
    "own_duplicate": "block",
    "own_near_duplicate": "warn",
    "own_partial": "pass",
    "uncredited_wire": "warn",
    "credited_wire": "pass",
    "uncredited_copy": "warn",
    "credited_copy": "pass",
    "template": "pass",
    "shared_quote": "pass",
    "scraper_markers": "warn",
    "stripped_credit": "warn",
}
_MESSAGES = {
    "own_duplicate": "duplicates {outlet}article {id}",
    "own_near_duplicate": "rewrites {outlet}article {id}",
    "own_partial": "repeats a passage of {outlet}article {id}",
    "uncredited_wire": "reuses wire copy {outlet}{id} without naming {sources}",
    "credited_wire": "reuses wire copy {outlet}{id}, credited",
    "uncredited_copy": "reuses {outlet}article {id} without crediting {sources}",
    "credited_copy": "reuses {outlet}article {id}, credited",
    "template": "shares a template with {outlet}article {id} (other facts)",
    "shared_quote": "quotes the same statement as {outlet}article {id}",
}
# Rules about the article itself, fired by a finding of its cleaning.
_FINDING_RULES = (
    ("scraper_marker", "scraper_markers", "the text carries scraper markers"),
    ("stripped_credit", "stripped_credit", "a credit line whose source was stripped"),
)


def is_wire(info: ArticleInfo, registry: Registry) -> bool:
    """An agency's own item, or an article crediting an agency in its byline, dateline or a
    credit line (a paper's wire story)."""
    if info.is_agency:
        return True
    return any(
        registry.is_agency(source)
        and set(info.credit_kinds.get(source, ())) & WIRE_CREDIT_KINDS
        for source in info.cited
    )


def same_outlet(a: str, b: str, a_source: str | None, b_source: str | None) -> bool:
    """Two articles come from one outlet: the same registry source, or the same outlet name."""
    if a_source is not None and a_source == b_source:
        return True
    return bool(a.strip()) and a.strip().casefold() == b.strip().casefold()


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
        if self.min_relation not in REUSE:
            raise ConfigError(f"{self.source}: check.min_relation must be one of {', '.join(REUSE)}, not {self.min_relation!r}")
        for rule, verdict in self.rules.items():
            if rule not in RULES:
                raise ConfigError(f"{self.source}: unknown policy rule {rule!r} (known: {', '.join(RULES)})")
            if verdict not in VERDICTS:
                raise ConfigError(f"{self.source}: policy.{rule} must be one of pass, warn, block, not {verdict!r}")

    def counts_as_reuse(self, relation: Relation) -> bool:
        return kind(relation).reuse and strength(relation) >= strength(self.min_relation)

    def verdict(self, rule: str) -> Verdict:
        return self.rules[rule]

    def outlet_for(self, doc: Document) -> str:
        """The outlet an article is for: its own ``outlet`` field, else the policy's ``check.outlet``
        (what ``dedupe check``, ``dedupe index add --policy`` and the service's ``PUT`` use)."""
        return doc.outlet or self.outlet

    def rule_for(self, match: Match, wire: bool) -> str | None:
        """The rule a matched article answers to (None: it does not count); ``wire``: the match is
        wire copy (:func:`is_wire`)."""
        row = kind(match.relation)
        if not row.reuse:
            return row.rule
        if not self.counts_as_reuse(match.relation):
            return None
        if match.same_outlet:
            return row.rule
        if wire:
            return "credited_wire" if match.credited else "uncredited_wire"
        return "credited_copy" if match.credited else "uncredited_copy"

    def reasons(self, matches: Iterable[tuple[Match, bool]], findings: Iterable[Finding]) -> tuple[Reason, ...]:
        """Why a check answers what it answers: a reason for each rule fired by a match
        (``(match, wire)``, strongest first) or by the article's own findings, strictest first."""
        reasons: list[Reason] = []
        for match, wire in matches:
            rule = self.rule_for(match, wire)
            if rule is None:
                continue
            sources = " or ".join(match.match_sources) or "its source"
            message = _MESSAGES[rule].format(outlet=f"{match.outlet} " if match.outlet else "", id=match.id, sources=sources)
            reasons.append(Reason(rule, self.verdict(rule), match.id, message))
        kinds = {f.kind for f in findings}
        for finding, rule, message in _FINDING_RULES:
            if finding in kinds:
                reasons.append(Reason(rule, self.verdict(rule), None, message))
        reasons.sort(key=lambda r: -VERDICTS.index(r.verdict))
        return tuple(reasons)

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
        for key, expected in (("outlet", str), ("max_matches", int), ("passages", int), ("min_relation", str)):
            if key in check and (not isinstance(check[key], expected) or isinstance(check[key], bool)):
                raise ConfigError(f"{source}: check.{key} must be a {expected.__name__}")
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
