"""A dependency-free client for the ``dedupe serve`` pre-publish check (standard library only).

The Wagtail app (:mod:`dedupe_wagtail`) is built on it, and it is meant to be copied as it is
for any other CMS: this one file imports nothing outside the Python standard library (no
Django, no Wagtail, no ``requests``), so it works from any hook, worker or script.

Three calls:

* :func:`check_article` -- ``POST /v1/check`` before publishing; returns a :class:`Decision`.
* :func:`index_article` -- ``PUT /v1/articles/{id}`` after publishing; returns an :class:`Indexed`.
* :func:`remove_article` -- ``DELETE /v1/articles/{id}`` after unpublishing or deleting; an :class:`Indexed`.

Failure policy
==============

The pre-publish check must never crash the CMS and must never silently wave an article
through. So :func:`check_article` never raises because of the service or the network; it
always returns a :class:`Decision`:

=========================================================  ======================================
What happened                                              ``Decision.verdict``
=========================================================  ======================================
the service answered ``200`` with a verdict                that verdict (``pass``/``warn``/``block``:
                                                           the policy lives on the server)
the service answered ``422 nothing_to_check`` (the text    ``pass``, with a message saying the
is empty or too short to compare, e.g. a one-line flash)   text was too short to check
anything else: connection refused, DNS failure, timeout,   ``warn`` (*fail open*: the article can be
TLS error, ``401`` (missing/wrong token), any other 4xx,   published, but the editor is told it was
``5xx``, a body that is not the expected JSON              not checked) -- or ``block`` when
                                                           ``fail_closed=True``
=========================================================  ======================================

A failed check is recognisable by ``Decision.failed`` (``True``) and ``Decision.error`` (a short
code: ``"unreachable"``, ``"timeout"``, ``"bad_response"``, or the service's own error code such
as ``"unauthorized"`` or ``"index_unavailable"``). ``Decision.status`` is the HTTP status when
there was one.

Fail open (the default) suits a newsroom where publishing must not depend on one more service;
fail closed suits one where nothing goes out unchecked. Either way the editor sees a message.

``timeout`` is the socket timeout of each network operation (connect, then each read), in
seconds; a dead host costs about one ``timeout``, a refused connection almost nothing.

:func:`index_article` never raises because of the service or the network either: the article
is already published when it runs, so a failure is reported in ``Indexed.ok`` / ``Indexed.error``
for the caller to log or show, and can be retried (the ``PUT`` is idempotent).

Programming errors still raise: an ``article`` that is not a mapping (``TypeError``), or a value
``json`` cannot encode (``TypeError``; ``date``/``datetime`` values are converted to ISO 8601).
"""

from __future__ import annotations

import datetime as _dt
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Literal

__all__ = [
    "ARTICLE_FIELDS",
    "Decision",
    "Indexed",
    "MatchSummary",
    "Verdict",
    "check_article",
    "html_to_text",
    "index_article",
    "remove_article",
]

Verdict = Literal["pass", "warn", "block"]
VERDICTS: tuple[Verdict, ...] = ("pass", "warn", "block")

ARTICLE_FIELDS: tuple[str, ...] = ("title", "text", "id", "outlet", "date", "author", "url")
"""The keys the service reads from an article; others are dropped before sending."""

USER_AGENT = "dedupe-client/1.1 (+integrations/wagtail/dedupe_wagtail/client.py)"


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class MatchSummary:
    """One already-indexed article the checked one reuses (a summary of an entry of ``matches``).

    ``relation`` is ``"duplicate"``, ``"near_duplicate"`` or ``"partial"``; ``jaccard`` is the
    overlap of the two texts (0..1); ``credited`` tells whether the checked article names the
    match's source; ``passages`` holds the shared passages as they read in the *checked* article
    (empty when the check was made with ``passages=False``).
    """

    id: str
    title: str
    outlet: str
    url: str
    relation: str
    jaccard: float
    same_outlet: bool
    credited: bool
    passages: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, m: Mapping[str, Any]) -> MatchSummary:
        return cls(
            id=str(m.get("id", "")),
            title=str(m.get("title") or ""),
            outlet=str(m.get("outlet") or ""),
            url=str(m.get("url") or ""),
            relation=str(m.get("relation") or ""),
            jaccard=float(m.get("jaccard") or 0.0),
            same_outlet=bool(m.get("same_outlet")),
            credited=bool(m.get("credited")),
            passages=tuple(str(p.get("a_text", "")) for p in m.get("passages") or () if isinstance(p, Mapping)),
        )


@dataclass(frozen=True)
class Decision:
    """What to do with an article before publishing.

    ``verdict``: ``"pass"``, ``"warn"`` or ``"block"``. ``messages``: one human-readable line per
    reason, ready to show an editor (on a failed check, one line saying why it could not run).
    ``rules``: the rule behind each message (``"own_duplicate"``, ``"uncredited_copy"``...; on a
    failed check ``"service_error"``), parallel to ``messages``. ``matches``: the reused articles,
    strongest first. ``uncredited``: ids of matches reused without credit. ``raw``: the service's
    JSON answer as it came (the error body on an error; ``{}`` when there was no answer).
    ``error``/``status``: see the module's failure policy.
    """

    verdict: Verdict
    messages: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    matches: tuple[MatchSummary, ...] = ()
    uncredited: tuple[str, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    error: str | None = None
    status: int | None = None

    @property
    def blocks(self) -> bool:
        """The article must not be published as it is."""
        return self.verdict == "block"

    @property
    def warns(self) -> bool:
        """The article may be published, but the editor should read :attr:`messages` first."""
        return self.verdict == "warn"

    @property
    def passes(self) -> bool:
        return self.verdict == "pass"

    @property
    def failed(self) -> bool:
        """The service gave no verdict (unreachable, timed out, refused or broken): ``verdict``
        is then the failure policy's answer, not the service's."""
        return self.error is not None and self.error != "nothing_to_check"

    def summary(self, limit: int = 3) -> str:
        """One line for an editor: the verdict's first ``limit`` messages, joined."""
        shown = list(self.messages[:limit])
        if len(self.messages) > limit:
            shown.append(f"and {len(self.messages) - limit} more")
        return "; ".join(shown) if shown else "no reuse found"


@dataclass(frozen=True)
class Indexed:
    """The outcome of :func:`index_article`. ``ok``: the service holds the article;
    ``status``: ``"added"``, ``"replaced"`` or ``"unchanged"`` (``None`` on failure);
    ``error``/``message``: why it failed; ``http_status``: the HTTP status when there was one."""

    ok: bool
    id: str
    status: str | None = None
    error: str | None = None
    message: str = ""
    http_status: int | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def skipped(self) -> bool:
        """The service refused the article as too short to index (``422 not_indexable``, a
        one-line flash): nothing failed, there is just nothing a later copy could be matched on."""
        return self.error == "not_indexable"


# --------------------------------------------------------------------------- calls


def check_article(
    base_url: str,
    article: Mapping[str, Any],
    *,
    token: str | None = None,
    timeout: float = 5.0,
    outlet: str | None = None,
    passages: bool = True,
    fail_closed: bool = False,
) -> Decision:
    """Ask the service at ``base_url`` (e.g. ``"http://127.0.0.1:8765"``) whether ``article``
    may be published.

    ``article``: a mapping with at least ``text``; also read: ``title``, ``id`` (the article's
    own id if it is already indexed, e.g. when a published article is edited and republished:
    it is then not matched against itself -- use the same id as :func:`index_article`),
    ``outlet``, ``date`` (ISO 8601 string, ``date`` or ``datetime``), ``author``, ``url``.
    ``None`` values and other keys are dropped. ``token``: the service's ``DEDUPE_API_TOKEN``.
    ``outlet``: the outlet to check for when the article names none (the article's own
    ``outlet`` wins). ``passages=False`` leaves the shared passages out (smaller answers).
    ``fail_closed``: what a failed check answers, ``"block"`` instead of ``"warn"``.

    Never raises because of the service or the network: see the module's failure policy.
    """
    body = _article_body(article)
    query = {"passages": "true" if passages else "false"}
    if outlet:
        query["outlet"] = outlet
    url = f"{_base(base_url)}/v1/check?{urllib.parse.urlencode(query)}"
    status, answer, failure = _request("POST", url, body, token=token, timeout=timeout)
    if failure is None and status == 200 and isinstance(answer, Mapping) and answer.get("verdict") in VERDICTS:
        return _decision_from_answer(answer, status)
    if isinstance(answer, Mapping) and _error_code(answer) == "nothing_to_check":
        message = _error_message(answer) or "nothing to check"
        return Decision(
            verdict="pass",
            messages=(f"not checked for copies: the text is too short to compare ({message})",),
            rules=("nothing_to_check",),
            raw=answer,
            error="nothing_to_check",
            status=status,
        )
    code, why = failure or _service_failure(status, answer)
    verdict: Verdict = "block" if fail_closed else "warn"
    consequence = "publishing is blocked until it runs" if fail_closed else "check the article for copied text yourself"
    return Decision(
        verdict=verdict,
        messages=(f"the copy check could not run ({why}): {consequence}",),
        rules=("service_error",),
        raw=answer if isinstance(answer, Mapping) else {},
        error=code,
        status=status,
    )


def index_article(
    base_url: str,
    article_id: str,
    article: Mapping[str, Any],
    *,
    token: str | None = None,
    timeout: float = 5.0,
    outlet: str | None = None,
) -> Indexed:
    """Add a published article to the service's index under ``article_id`` (``PUT
    /v1/articles/{id}``), so later articles are checked against it. Idempotent: the same content
    again is ``"unchanged"``, new content under the same id ``"replaced"``.

    ``article`` as for :func:`check_article` (its ``id`` key is ignored: ``article_id`` wins).
    ``outlet``: stored as the article's outlet when it names none -- store one, or a later copy
    by the same outlet cannot be recognised as its own duplicate. ``article_id`` must not
    contain ``/`` (the service's route cannot take it).

    Never raises because of the service or the network: see :class:`Indexed`.
    """
    body = _article_body(article)
    body.pop("id", None)
    if outlet and not body.get("outlet"):
        body["outlet"] = outlet
    article_id = str(article_id)
    url = _article_url(base_url, article_id)
    if url is None:
        return _invalid_id(article_id)
    status, answer, failure = _request("PUT", url, body, token=token, timeout=timeout)
    if failure is None and status in (200, 201) and isinstance(answer, Mapping) and answer.get("status"):
        return Indexed(ok=True, id=article_id, status=str(answer["status"]), http_status=status, raw=answer)
    return _not_indexed(article_id, status, answer, failure)


def remove_article(base_url: str, article_id: str, *, token: str | None = None, timeout: float = 5.0) -> Indexed:
    """Take an article out of the service's index (``DELETE /v1/articles/{id}``): after it was
    unpublished or deleted. An id the index does not hold is no failure (``status`` ``"absent"``).
    Never raises because of the service or the network: see :class:`Indexed`."""
    article_id = str(article_id)
    url = _article_url(base_url, article_id)
    if url is None:
        return _invalid_id(article_id)
    status, answer, failure = _request("DELETE", url, None, token=token, timeout=timeout)
    if failure is None and status in (200, 204, 404):
        raw = answer if isinstance(answer, Mapping) else {}
        return Indexed(ok=True, id=article_id, status="absent" if status == 404 else "removed", http_status=status, raw=raw)
    return _not_indexed(article_id, status, answer, failure)


def _article_url(base_url: str, article_id: str) -> str | None:
    """The service's URL of one stored article; None for an id its route cannot take (empty, or with ``/``)."""
    if not article_id or "/" in article_id:
        return None
    return f"{_base(base_url)}/v1/articles/{urllib.parse.quote(article_id, safe='')}"


def _invalid_id(article_id: str) -> Indexed:
    return Indexed(ok=False, id=article_id, error="invalid_id", message=f"article id {article_id!r} is empty or contains '/'")


def _not_indexed(article_id: str, status: int | None, answer: Any, failure: tuple[str, str] | None) -> Indexed:
    """A failed :func:`index_article` or :func:`remove_article`: why, from the transport or the service."""
    code, why = failure or _service_failure(status, answer)
    return Indexed(
        ok=False, id=article_id, error=code, message=why, http_status=status,
        raw=answer if isinstance(answer, Mapping) else {},
    )


# --------------------------------------------------------------------------- text


class _TextExtractor(HTMLParser):
    _BLOCKS = frozenset({
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
        "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
        "section", "table", "td", "th", "tr", "ul",
    })
    _SKIP = frozenset({"script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment (a rendered StreamField, a RichText value): tags dropped,
    entities decoded, one line per paragraph/heading/list item, ``<script>``/``<style>`` left out."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


# --------------------------------------------------------------------------- internals


def _base(base_url: str) -> str:
    return base_url.rstrip("/")


def _article_body(article: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(article, Mapping):
        raise TypeError(f"article must be a mapping, not {type(article).__name__}")
    body: dict[str, Any] = {}
    for key in ARTICLE_FIELDS:
        value = article.get(key)
        if value is None:
            continue
        if isinstance(value, (_dt.date, _dt.datetime)):
            value = value.isoformat()
        elif key == "id" and (isinstance(value, bool) or not isinstance(value, (str, int))):
            value = str(value)  # the service takes a string or an integer id
        body[key] = value
    return body


def _request(
    method: str, url: str, body: Mapping[str, Any] | None, *, token: str | None, timeout: float
) -> tuple[int | None, Any, tuple[str, str] | None]:
    """(HTTP status or None, decoded JSON answer or None, (error code, reason) on a transport
    or decoding failure else None). ``body`` None: a request without one."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
    headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json", "User-Agent": USER_AGENT}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = int(response.status), response.read()
    except urllib.error.HTTPError as exc:  # a 4xx/5xx answer: still read its JSON error body
        status = int(exc.code)
        try:
            raw = exc.read()
        except (OSError, ValueError):
            raw = b""
        finally:
            exc.close()
    except TimeoutError:  # socket.timeout is an alias of it
        return None, None, ("timeout", f"no answer from {_host(url)} within {timeout:g} s")
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            return None, None, ("timeout", f"no answer from {_host(url)} within {timeout:g} s")
        return None, None, ("unreachable", f"cannot reach {_host(url)}: {exc.reason}")
    except (OSError, ValueError) as exc:  # reset connection, bad URL, malformed HTTP...
        return None, None, ("unreachable", f"cannot reach {_host(url)}: {exc}")
    try:
        answer = json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, ValueError):
        return status, None, ("bad_response", f"HTTP {status} from {_host(url)} with a body that is not JSON")
    return status, answer, None


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc or url


def _error_code(answer: Mapping[str, Any]) -> str | None:
    error = answer.get("error")
    return str(error.get("code")) if isinstance(error, Mapping) and error.get("code") else None


def _error_message(answer: Mapping[str, Any]) -> str:
    error = answer.get("error")
    return str(error.get("message") or "") if isinstance(error, Mapping) else ""


def _service_failure(status: int | None, answer: Any) -> tuple[str, str]:
    if isinstance(answer, Mapping) and _error_code(answer):
        return str(_error_code(answer)), f"HTTP {status} {_error_code(answer)}: {_error_message(answer)}"
    if status is not None and 200 <= status < 300:
        return "bad_response", f"HTTP {status} without the expected JSON fields"
    return "http_error", f"HTTP {status}"


def _decision_from_answer(answer: Mapping[str, Any], status: int) -> Decision:
    reasons = [r for r in answer.get("reasons") or () if isinstance(r, Mapping)]
    return Decision(
        verdict=answer["verdict"],
        messages=tuple(str(r.get("message", "")) for r in reasons),
        rules=tuple(str(r.get("rule", "")) for r in reasons),
        matches=tuple(MatchSummary.from_json(m) for m in answer.get("matches") or () if isinstance(m, Mapping)),
        uncredited=tuple(str(i) for i in answer.get("uncredited") or ()),
        raw=answer,
        status=status,
    )
