"""Lookups: canned responses and the httpx client (through httpx.MockTransport)."""

from __future__ import annotations

from pathlib import Path

import httpx

from dialscript.bindings import Bindings
from dialscript.runtime.bindings import RuntimeBindings
from dialscript.runtime.events import HttpFailed, HttpResult
from dialscript.runtime.lookups import CannedLookups, HttpxLookups

BINDINGS = RuntimeBindings(
    Bindings(Path("x.toml"), {"test": {"lookups": {"orders": "http://o/api"}}})
)


def test_canned_responses_in_turn_and_errors() -> None:
    canned = CannedLookups({"orders": [{"status": "new"}, {"$error": "timeout"}], "n": 5})
    assert canned.fetch("orders", {"id": 1}, 3) == HttpResult({"status": "new"})
    assert canned.fetch("orders", {}, 3) == HttpFailed("timeout")
    assert canned.fetch("orders", {}, 3) == HttpFailed("timeout")
    assert canned.fetch("n", {}, 3) == HttpResult({"value": 5})
    assert isinstance(canned.fetch("missing", {}, 3), HttpFailed)
    assert canned.calls[0] == ("orders", {"id": 1})


def test_httpx_client_gets_the_bound_url() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.params.get("id") == "500":
            return httpx.Response(500)
        if request.url.params.get("id") == "slow":
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(200, json={"status": "shipped"})

    client = HttpxLookups(BINDINGS, httpx.Client(transport=httpx.MockTransport(handler)))
    assert client.fetch("orders", {"id": 42}, 2.0) == HttpResult({"status": "shipped"})
    assert str(seen[0].url) == "http://o/api?id=42"
    assert client.fetch("orders", {"id": 500}, 2.0) == HttpFailed("HTTP 500")
    assert client.fetch("orders", {"id": "slow"}, 2.0) == HttpFailed("timeout after 2s")
    failed = client.fetch("unbound", {}, 2.0)
    assert isinstance(failed, HttpFailed) and "not bound in [test]" in failed.reason
    client.close()


def test_async_client_answers_like_the_sync_one() -> None:
    """The FreeSWITCH channel's lookups (async) give the same answers and failures."""
    import asyncio

    from dialscript.runtime.channels.integrations import LiveIntegrations

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("id") == "500":
            return httpx.Response(500)
        if request.url.params.get("id") == "slow":
            raise httpx.ReadTimeout("slow", request=request)
        if request.url.params.get("id") == "list":
            return httpx.Response(200, json=[1, 2])
        return httpx.Response(200, json={"status": "shipped"})

    async def scenario() -> list[object]:
        client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        live = LiveIntegrations(BINDINGS, client=client)
        try:
            return [
                await live.lookup("orders", {"id": 42}, 2.0),
                await live.lookup("orders", {"id": 500}, 2.0),
                await live.lookup("orders", {"id": "slow"}, 2.0),
                await live.lookup("orders", {"id": "list"}, 2.0),
                await live.lookup("unbound", {}, 2.0),
            ]
        finally:
            await live.aclose()

    shipped, error, slow, listed, unbound = asyncio.run(scenario())
    assert shipped == HttpResult({"status": "shipped"})
    assert error == HttpFailed("HTTP 500")
    assert slow == HttpFailed("timeout after 2s")
    assert listed == HttpResult({"value": [1, 2]})
    assert isinstance(unbound, HttpFailed) and "not bound in [test]" in unbound.reason
