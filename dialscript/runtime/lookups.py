"""HTTP lookups behind a small protocol: canned answers for tests and the simulator,
httpx for real runs (URLs from the bindings file, the flow's timeout).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import httpx

from dialscript.runtime.bindings import RuntimeBindings, UnboundName
from dialscript.runtime.events import HttpFailed, HttpResult

LookupAnswer = HttpResult | HttpFailed
ERROR_KEY = "$error"


class LookupClient(Protocol):
    def fetch(self, source: str, args: Mapping[str, Any], timeout: float) -> LookupAnswer: ...


class CannedLookups:
    """Answers from a JSON object keyed by source name.

    A value is the response (an object), `{"$error": "reason"}` for a failure,
    or a list of those, used in turn (the last one repeats).
    """

    def __init__(self, responses: Mapping[str, Any]) -> None:
        self.responses = dict(responses)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._used: dict[str, int] = {}

    @classmethod
    def from_file(cls, path: str | Path) -> CannedLookups:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a JSON object keyed by lookup source")
        return cls(data)

    def fetch(self, source: str, args: Mapping[str, Any], timeout: float) -> LookupAnswer:
        self.calls.append((source, dict(args)))
        if source not in self.responses:
            return HttpFailed(f"no canned response for {source}")
        answer = self.responses[source]
        if isinstance(answer, list):
            index = self._used.get(source, 0)
            self._used[source] = index + 1
            answer = answer[min(index, len(answer) - 1)] if answer else {}
        if isinstance(answer, dict) and ERROR_KEY in answer:
            return HttpFailed(str(answer[ERROR_KEY]))
        return HttpResult(answer if isinstance(answer, dict) else {"value": answer})


class HttpxLookups:
    """GET the bound URL with the lookup's arguments as query parameters; JSON object back."""

    def __init__(self, bindings: RuntimeBindings, client: httpx.Client | None = None) -> None:
        self.bindings = bindings
        self.client = client or httpx.Client()

    def fetch(self, source: str, args: Mapping[str, Any], timeout: float) -> LookupAnswer:
        request = lookup_request(self.bindings, source, args)
        if isinstance(request, HttpFailed):
            return request
        url, params = request
        try:
            return lookup_answer(self.client.get(url, params=params, timeout=timeout))
        except (httpx.HTTPError, ValueError) as error:
            return lookup_failure(error, timeout)

    def close(self) -> None:
        self.client.close()


# ---------------------------------------------------------- shared by the sync and async clients


def lookup_request(
    bindings: RuntimeBindings, source: str, args: Mapping[str, Any]
) -> tuple[str, dict[str, str]] | HttpFailed:
    """The bound URL and the query parameters of a lookup, or why it cannot be made."""
    try:
        url = bindings.resolve("lookup", source)
    except UnboundName as error:
        return HttpFailed(str(error))
    return url, {k: "" if v is None else str(v) for k, v in args.items()}


def lookup_answer(response: httpx.Response) -> LookupAnswer:
    """A successful response's JSON object (any other JSON value under "value")."""
    response.raise_for_status()
    data = response.json()
    return HttpResult(data if isinstance(data, dict) else {"value": data})


def lookup_failure(error: httpx.HTTPError | ValueError, timeout: float) -> HttpFailed:
    """Why a lookup failed, in the words the call's trace keeps."""
    if isinstance(error, httpx.TimeoutException):
        return HttpFailed(f"timeout after {timeout:g}s")
    if isinstance(error, httpx.HTTPStatusError):
        return HttpFailed(f"HTTP {error.response.status_code}")
    return HttpFailed(f"{type(error).__name__}: {error}")
