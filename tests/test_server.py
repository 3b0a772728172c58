"""The HTTP service in process (httpx.ASGITransport): every route, every bad input answered
with a 4xx in the one error shape, auth, the body limit, and answers equal to the library's."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from dedupe import Document, Policy, check, index_documents, open_index
from dedupe.documents import DEFAULT_FIELDS, iter_documents
from dedupe.index import Index
from dedupe.report import check_to_dict
from dedupe.server import create_app

from .conftest import EXAMPLE, SEED_000

TOKEN = "test-token-123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def docs() -> list[Any]:
    return list(iter_documents([EXAMPLE], fields=DEFAULT_FIELDS))


@pytest.fixture
def index(docs: list[Any]) -> Iterator[Index]:
    ix = open_index("memory://")
    index_documents([d for d in docs if d.id != SEED_000.name], ix)
    yield ix


def call(app: Any, method: str, path: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            return await client.request(method, path, **kwargs)

    return asyncio.run(go())


def seed_body(docs: list[Any]) -> dict[str, str]:
    seed = next(d for d in docs if d.id == SEED_000.name)
    return {"title": seed.title, "text": seed.text}


def assert_error_shape(r: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message"}
    assert body["error"]["status"] == status and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return dict(body["error"])


def test_check_answers_what_the_library_answers(index: Index, docs: list[Any]) -> None:
    app = create_app(index)
    r = call(app, "POST", "/v1/check", json=seed_body(docs))
    assert r.status_code == 200
    seed = next(d for d in docs if d.id == SEED_000.name)
    expected = check_to_dict(check(seed.__class__("article", seed.text, seed.title, origin="<request>"), index))
    got = r.json()
    assert {k: v for k, v in got.items() if k != "timings"} == {k: v for k, v in expected.items() if k != "timings"}
    assert got["verdict"] == "warn" and got["matches"][0]["passages"]


def test_article_lifecycle(index: Index, docs: list[Any]) -> None:
    app = create_app(index)
    body = seed_body(docs)
    r = call(app, "PUT", "/v1/articles/cms-1", json={**body, "outlet": "example-news"})
    assert r.status_code == 201 and r.json()["status"] == "added"
    assert call(app, "PUT", "/v1/articles/cms-1", json={**body, "outlet": "example-news"}).json()["status"] == "unchanged"
    r = call(app, "GET", "/v1/articles/cms-1")
    assert r.status_code == 200 and r.json()["text"] == body["text"] and r.json()["outlet"] == "example-news"
    assert "text" not in call(app, "GET", "/v1/articles/cms-1?text=false").json()
    # The same outlet publishing it again is a duplicate of its own article: block.
    r = call(app, "POST", "/v1/check", json={**body, "outlet": "example-news"})
    assert r.json()["verdict"] == "block" and r.json()["reasons"][0]["rule"] == "own_duplicate"
    # Checking the stored article itself (same id) does not match it against itself.
    r = call(app, "POST", "/v1/check", json={**body, "id": "cms-1", "outlet": "example-news"})
    assert "cms-1" not in {m["id"] for m in r.json()["matches"]}
    r = call(app, "PUT", "/v1/articles/cms-1", json={**body, "text": body["text"] + "\nسطر جديد أضيف إلى الخبر بعد نشره."})
    assert r.status_code == 200 and r.json()["status"] == "replaced"
    assert call(app, "DELETE", "/v1/articles/cms-1").json() == {"id": "cms-1", "deleted": True}
    assert_error_shape(call(app, "DELETE", "/v1/articles/cms-1"), 404, "unknown_article")
    assert_error_shape(call(app, "GET", "/v1/articles/cms-1"), 404, "unknown_article")


BAD_BODIES = [
    pytest.param(b'{"text": ', 400, "malformed_json", id="truncated-json"),
    pytest.param(b"\xff\xfe not json", 400, "malformed_json", id="binary-garbage"),
    pytest.param(b"", 422, "invalid_article", id="empty-body"),
    pytest.param(b"[1, 2]", 422, "invalid_article", id="array-not-object"),
    pytest.param(b'"just a string"', 422, "invalid_article", id="string-not-object"),
    pytest.param(b'{"title": "x"}', 422, "invalid_article", id="missing-text"),
    pytest.param(b'{"text": 5}', 422, "invalid_article", id="text-is-a-number"),
    pytest.param(b'{"text": null}', 422, "invalid_article", id="text-is-null"),
    pytest.param(b'{"text": ["a"]}', 422, "invalid_article", id="text-is-a-list"),
    pytest.param(b'{"text": "\xd9\x86\xd8\xb5", "title": {"a": 1}}', 422, "invalid_article", id="title-is-an-object"),
    pytest.param(b'{"text": "x", "id": [1]}', 422, "invalid_article", id="id-is-a-list"),
    pytest.param(b'{"text": "   "}', 422, "nothing_to_check", id="blank-text"),
    pytest.param('{"text": "قصير جدا"}'.encode(), 422, "nothing_to_check", id="too-short"),
]


@pytest.mark.parametrize("body, status, code", BAD_BODIES)
def test_bad_check_bodies_are_4xx_with_a_message(index: Index, body: bytes, status: int, code: str) -> None:
    app = create_app(index)
    assert_error_shape(call(app, "POST", "/v1/check", content=body, headers={"content-type": "application/json"}), status, code)


@pytest.mark.parametrize("body, status, code", [b for b in BAD_BODIES if b.id not in ("blank-text", "too-short")])
def test_bad_put_bodies_are_4xx_with_a_message(index: Index, body: bytes, status: int, code: str) -> None:
    app = create_app(index)
    assert_error_shape(call(app, "PUT", "/v1/articles/x", content=body, headers={"content-type": "application/json"}), status, code)
    assert index.get("x") is None


def test_an_unindexable_article_is_refused(index: Index) -> None:
    app = create_app(index)
    assert_error_shape(call(app, "PUT", "/v1/articles/x", json={"text": "قصير"}), 422, "not_indexable")


def test_wrong_types_in_query_and_unknown_routes(index: Index, docs: list[Any]) -> None:
    app = create_app(index)
    assert_error_shape(call(app, "POST", "/v1/check?passages=maybe", json=seed_body(docs)), 422)
    assert_error_shape(call(app, "GET", "/v1/nothing"), 404, "not_found")
    assert_error_shape(call(app, "GET", "/v1/check"), 405, "method_not_allowed")


def test_body_limit_with_and_without_a_declared_length(index: Index) -> None:
    app = create_app(index, max_body=10_000)
    big = json.dumps({"text": "كلمة " * 5000}).encode()
    assert_error_shape(call(app, "POST", "/v1/check", content=big, headers={"content-type": "application/json"}), 413, "body_too_large")

    async def chunks() -> AsyncIterator[bytes]:  # streamed: no Content-Length
        for k in range(0, len(big), 1000):
            yield big[k : k + 1000]

    assert_error_shape(call(app, "POST", "/v1/check", content=chunks(), headers={"content-type": "application/json"}), 413, "body_too_large")


def test_token_is_required_when_set(index: Index, docs: list[Any]) -> None:
    app = create_app(index, token=TOKEN)
    body = seed_body(docs)
    r = call(app, "POST", "/v1/check", json=body)
    assert_error_shape(r, 401, "unauthorized")
    assert r.headers["www-authenticate"] == "Bearer"
    assert_error_shape(call(app, "POST", "/v1/check", json=body, headers={"Authorization": "Bearer wrong"}), 401)
    assert_error_shape(call(app, "GET", "/v1/articles/x", headers={"Authorization": TOKEN}), 401)
    assert call(app, "POST", "/v1/check", json=body, headers=AUTH).status_code == 200
    assert call(app, "GET", "/healthz").status_code == 200  # liveness needs no token


def test_policy_and_outlet_shape_the_verdict(index: Index, docs: list[Any]) -> None:
    strict = Policy(rules={"uncredited_copy": "block", "scraper_markers": "pass", "stripped_credit": "pass"})
    app = create_app(index, policy=strict)
    r = call(app, "POST", "/v1/check?passages=false", json=seed_body(docs))
    assert r.json()["verdict"] == "block"
    assert all(not m["passages"] for m in r.json()["matches"])


def test_healthz_and_openapi_document_every_route(index: Index) -> None:
    app = create_app(index)
    health = call(app, "GET", "/healthz").json()
    assert health["status"] == "ok" and health["articles"] == len(index)
    spec = call(app, "GET", "/openapi.json").json()
    assert set(spec["paths"]) == {"/healthz", "/v1/check", "/v1/articles/{article_id}"}
    assert set(spec["paths"]["/v1/articles/{article_id}"]) == {"put", "get", "delete"}
    schema = spec["components"]["schemas"]["ArticleIn"]
    assert schema["required"] == ["text"]


def test_an_unreachable_redis_index_is_a_503_not_a_500(docs: list[Any]) -> None:
    from .conftest import free_port

    app = create_app(f"redis://127.0.0.1:{free_port()}/0")
    r = call(app, "GET", "/healthz")
    assert_error_shape(r, 503, "index_unavailable")


def test_put_stores_the_outlet_from_the_query_or_the_policy(index: Index, docs: list[Any]) -> None:
    body = seed_body(docs)
    app = create_app(index, policy=Policy(outlet="desk"))
    assert call(app, "PUT", "/v1/articles/p-1", json=body).status_code == 201
    assert call(app, "GET", "/v1/articles/p-1?text=false").json()["outlet"] == "desk"
    assert call(app, "PUT", "/v1/articles/p-2?outlet=other", json=body).status_code == 201
    assert call(app, "GET", "/v1/articles/p-2?text=false").json()["outlet"] == "other"
    # A later copy by the policy's outlet is its own duplicate.
    assert call(app, "POST", "/v1/check", json=body).json()["reasons"][0]["rule"] == "own_duplicate"


def test_ids_with_slashes_round_trip(index: Index, docs: list[Any]) -> None:
    app = create_app(index)
    assert call(app, "PUT", "/v1/articles/2024/05/story-1", json=seed_body(docs)).status_code == 201
    assert call(app, "GET", "/v1/articles/2024/05/story-1?text=false").json()["id"] == "2024/05/story-1"
    assert call(app, "DELETE", "/v1/articles/2024/05/story-1").status_code == 200


@pytest.mark.parametrize(
    "method, path, kwargs, status, code, message",
    [
        pytest.param("PUT", "/v1/articles/a", {"json": {"id": "b", "text": "نص"}}, 422, "invalid_article", "differs from the path", id="body-id-differs"),
        pytest.param("POST", "/v1/check", {"json": {"text": "نص الخبر " * 20, "date": "yesterday"}}, 422, "invalid_article", "cannot parse date", id="bad-date"),
        pytest.param("POST", "/v1/check", {"content": b'{"text": "x"}', "headers": {"content-type": "application/x-www-form-urlencoded"}}, 415, "unsupported_media_type", "application/json", id="form-content-type"),
        pytest.param("POST", "/v1/check", {"content": b'{"text": "abc', "headers": {"content-type": "application/json"}}, 400, "malformed_json", "at character", id="malformed-has-position"),
        pytest.param("POST", "/v1/check", {"json": {"text": "قصير جدا"}}, 422, "nothing_to_check", "too short", id="too-short-says-so"),
    ],
)
def test_client_mistakes_get_a_precise_message(index: Index, method: str, path: str, kwargs: dict[str, Any], status: int, code: str, message: str) -> None:
    error = assert_error_shape(call(create_app(index), method, path, **kwargs), status, code)
    assert message in error["message"]


def test_the_policy_outlet_shapes_citations_as_it_does_the_verdict() -> None:
    """A Saudi paper's 'المصدر: الجزيرة' names Al-Jazirah (Saudi), not Al Jazeera: the outlet the
    policy gives an article without one decides it in the service as in the library and CLI."""
    index = open_index("memory://")
    text = " ".join(f"جملة{k} من خبر محلي عن افتتاح مشروع في المنطقة الشرقية" for k in range(12))
    index_documents([Document("orig", text, outlet="aljazirah")], index)
    body = {"text": text + "\nالمصدر: \"الجزيرة\""}
    policy = Policy(outlet="alyaum")
    served = call(create_app(index, policy=policy), "POST", "/v1/check", json=body).json()
    library = check_to_dict(check(Document("article", body["text"], origin="<request>"), index, policy))
    assert served["provenance"]["outlet_source"] == "alyaum"
    assert served["provenance"]["sources"] == ["aljazirah"]
    assert served["verdict"] == library["verdict"] == "pass" and served["reasons"] == library["reasons"]
    assert served["matches"][0]["credited"] is True


def test_health_and_delete_answers_have_their_schema(index: Index, docs: list[Any]) -> None:
    from .schemas import validate

    app = create_app(index)
    validate(call(app, "GET", "/healthz").json(), "index", "health")
    stored = next(d.id for d in docs if d.id != SEED_000.name)
    validate(call(app, "DELETE", f"/v1/articles/{stored}").json(), "index", "delete")
