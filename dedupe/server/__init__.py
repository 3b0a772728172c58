"""The pre-publish HTTP service: a thin ASGI layer over :func:`dedupe.pipeline.check` and an index.

=======  ========================  =============================================================
POST     ``/v1/check``             check an article (JSON body); answers pass / warn / block
PUT      ``/v1/articles/{id}``     index a published article (replaces one with the same id)
GET      ``/v1/articles/{id}``     a stored article: metadata, citations, text (``?text=false``)
DELETE   ``/v1/articles/{id}``     remove an article from the index
GET      ``/healthz``              liveness and index size (no token needed)
GET      ``/openapi.json``         the OpenAPI document (``/docs`` renders it)
=======  ========================  =============================================================

Every error has one JSON shape: ``{"error": {"status": 422, "code": "...", "message": "..."}}``.
A library error is answered with the status and code its class names
(:class:`dedupe.errors.DedupeError`), in one handler; the service's own refusals are
:class:`ServiceError`. Bad input is always a 4xx with a message, never a 500. With a token
(``DEDUPE_API_TOKEN``), ``/v1/`` requires ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

try:
    from fastapi import Depends, FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr
    from starlette.exceptions import HTTPException as StarletteHTTPException
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    from ..errors import MissingExtra

    raise MissingExtra("the HTTP service", "server") from exc

from .._version import __version__
from ..documents import document_from_record
from ..errors import ArticleNotFound, DedupeError, DocumentSkipped, InputError
from ..index import Index, open_index
from ..index.codec import content_hash
from ..models import InputProblem
from ..pipeline import check, index_documents
from ..policy import Policy, load_policy
from ..registry import Registry, default_registry
from ..report import article_to_dict, check_to_dict, delete_answer, health_answer, put_answer

__all__ = ["DEFAULT_MAX_BODY", "create_app", "create_app_from_env"]

DEFAULT_MAX_BODY = 4 * 1024 * 1024
"""Largest request body accepted, in bytes (413 above it)."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ArticleIn(BaseModel):
    """An article as a CMS sends it. Only ``text`` is required; unknown keys are ignored."""

    model_config = ConfigDict(extra="ignore")

    text: StrictStr = Field(description="The article body, raw.")
    title: StrictStr = ""
    id: StrictStr | StrictInt | None = Field(default=None, description="For /v1/check: the article's own id, if it is already indexed (it is not matched against itself).")
    outlet: StrictStr = Field(default="", description="Publishing outlet; default: the policy's check.outlet.")
    date: StrictStr | None = Field(default=None, description="Publication date, ISO 8601.")
    author: StrictStr = Field(default="", description="Byline.")
    url: StrictStr = ""


class ServiceError(DedupeError):
    """A refusal of the service's own (a bad token, an id that differs from the path's, an
    article too short to index), with its status and code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.http_status, self.code = status, code  # type: ignore[misc]  # this refusal's own


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message}}


def _error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, code, message), status_code=status, headers=headers)


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, whether or not they announce their
    length: the body is read (up to the limit) before the app sees any of it, then replayed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_big = _error_response(413, "body_too_large", f"request body larger than {self.limit:,} bytes")
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await too_big(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await too_big(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _validation_message(exc: RequestValidationError, content_type: str) -> tuple[int, str, str]:
    errors = exc.errors()
    for e in errors:
        if e.get("type") == "json_invalid":
            detail = str(e.get("ctx", {}).get("error", "")).removesuffix(" at")
            loc = e.get("loc", ())
            where = f" at character {loc[-1]}" if len(loc) > 1 and isinstance(loc[-1], int) else ""
            return 400, "malformed_json", f"malformed JSON body{': ' + detail if detail else ''}{where}"
    if content_type and "json" not in content_type:
        return 415, "unsupported_media_type", f"expected a JSON body with Content-Type: application/json, got {content_type!r}"
    parts = []
    for e in errors:
        loc = [str(x) for x in e.get("loc", ()) if x != "body"]
        where = ".".join(loc) or "body"
        if e.get("type") == "missing" and not loc:
            parts.append("missing JSON body")
        elif e.get("type") == "missing":
            parts.append(f"missing field {where!r}")
        elif e.get("type") == "model_attributes_type":
            parts.append("the body must be a JSON object")
        else:
            parts.append(f"{where}: {e.get('msg', 'invalid')}")
    return 422, "invalid_article", "; ".join(parts) or "invalid request"


def create_app(
    index: Index | str | None = None,
    *,
    policy: Policy | None = None,
    registry: Registry | None = None,
    token: str | None = None,
    max_body: int = DEFAULT_MAX_BODY,
) -> Any:
    """The ASGI app. ``index`` is an open index or its URL (opened at startup, closed at
    shutdown; default ``$DEDUPE_INDEX``). ``token``: the bearer token ``/v1/`` requires (none:
    no auth, for loopback use)."""
    policy = policy or Policy()
    registry = registry or default_registry()
    state: dict[str, Index] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = not isinstance(index, Index)
        state["index"] = index if isinstance(index, Index) else open_index(index)
        try:
            yield
        finally:
            if owned:
                state["index"].close()

    app = FastAPI(
        title="dedupe pre-publish check",
        version=__version__,
        description="Is this Arabic news article a copy of one already published or received from the wires, and does it credit its source?",
        lifespan=lifespan,
    )

    def current_index() -> Index:
        if "index" not in state:  # used without the lifespan (some test clients)
            state["index"] = index if isinstance(index, Index) else open_index(index)
        return state["index"]

    def authorized(request: Request) -> None:
        if not token:
            return
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(value.strip().encode(), token.encode()):
            raise ServiceError(401, "unauthorized", "missing or wrong bearer token (Authorization: Bearer <token>)")

    def document(body: ArticleIn, article_id: str | None = None, outlet: str | None = None) -> Any:
        record = body.model_dump(exclude_none=True)
        if article_id is not None:
            if "id" in record and str(record["id"]) != article_id:
                raise ServiceError(422, InputError.code, f"the body's id {record['id']!r} differs from the path's {article_id!r}")
            record["id"] = article_id
        if not record.get("outlet") and outlet:
            record["outlet"] = outlet
        warnings: list[InputProblem] = []
        try:
            doc = document_from_record(record, fallback_id=article_id or "article", on_problem=warnings.append)
        except InputError as exc:
            raise ServiceError(422, exc.code, exc.reason.removesuffix("; record skipped")) from exc
        for w in warnings:
            # A date that cannot be read would be dropped silently: refuse it instead.
            raise ServiceError(422, InputError.code, w.message.removeprefix("<request>: ").replace("; document kept with no date", ""))
        return doc

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error_response(*_validation_message(exc, request.headers.get("content-type", "")))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # The only 400 the framework raises itself: a body it cannot even decode (not UTF-8, say).
            return _error_response(400, "malformed_json", "malformed JSON body: not UTF-8 JSON text")
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error_response(exc.status_code, code, str(exc.detail))

    @app.exception_handler(DedupeError)
    async def dedupe_error(request: Request, exc: DedupeError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
        return _error_response(exc.http_status, exc.code, exc.detail(), headers)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        return _error_response(500, "internal_error", f"internal error: {type(exc).__name__}")

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        """Liveness: the index answers and how many articles it holds."""
        ix = current_index()
        return health_answer(ix.url, len(ix))

    @app.post("/v1/check", dependencies=[Depends(authorized)])
    def check_article(body: ArticleIn, passages: bool = True, outlet: str | None = None) -> dict[str, Any]:
        """Check an article before publishing: verdict, reasons, matched articles with their
        shared passages (character spans in both texts), its own citations and uncredited reuse."""
        doc = document(body, outlet=outlet)
        return check_to_dict(check(doc, current_index(), policy, registry=registry, with_passages=passages))

    @app.put("/v1/articles/{article_id:path}", dependencies=[Depends(authorized)])
    def put_article(article_id: str, body: ArticleIn, text: bool = True, outlet: str | None = None) -> JSONResponse:
        """Index a published article under ``article_id`` (idempotent: the same content again
        changes nothing; other content replaces it). Without an outlet in the body, ``?outlet=``
        or the policy's ``check.outlet`` is stored, so the outlet's later duplicates are caught."""
        doc = document(body, article_id, outlet)
        doc = replace(doc, outlet=policy.outlet_for(doc))  # stored as a check would take it
        result = index_documents([doc], current_index(), registry=registry, keep_text=text)
        if result.skipped:
            raise ServiceError(DocumentSkipped.http_status, DocumentSkipped.code, f"article not indexed: {result.skipped[0][1]}")
        status = "added" if result.added else "replaced" if result.replaced else "unchanged"
        return JSONResponse(put_answer(article_id, status, content_hash(doc), result), status_code=201 if status == "added" else 200)

    @app.get("/v1/articles/{article_id:path}", dependencies=[Depends(authorized)])
    def get_article(article_id: str, text: bool = True) -> dict[str, Any]:
        """A stored article: metadata, citations and (when kept) its raw text."""
        found = current_index().get(article_id, text=text)
        if found is None:
            raise ArticleNotFound(article_id)
        return article_to_dict(found, text=text)

    @app.delete("/v1/articles/{article_id:path}", dependencies=[Depends(authorized)])
    def delete_article(article_id: str) -> dict[str, Any]:
        """Remove an article from the index."""
        if not current_index().delete([article_id]):
            raise ArticleNotFound(article_id)
        return delete_answer(article_id)

    return BodyLimit(app, max_body) if max_body else app


def create_app_from_env() -> Any:
    """The app as configured by the environment (for ``uvicorn --factory`` and several workers):
    ``DEDUPE_INDEX``, ``DEDUPE_POLICY``, ``DEDUPE_API_TOKEN``, ``DEDUPE_MAX_BODY``, ``DEDUPE_SOURCES``
    (registry files separated by ``os.pathsep``)."""
    sources = [s for s in os.environ.get("DEDUPE_SOURCES", "").split(os.pathsep) if s]
    return create_app(
        os.environ.get("DEDUPE_INDEX") or None,
        policy=load_policy(os.environ.get("DEDUPE_POLICY") or None),
        registry=Registry.load(sources) if sources else None,
        token=os.environ.get("DEDUPE_API_TOKEN") or None,
        max_body=int(os.environ.get("DEDUPE_MAX_BODY") or DEFAULT_MAX_BODY),
    )
