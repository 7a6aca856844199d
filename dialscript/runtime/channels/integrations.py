"""What a call does beyond the phone line: SMS, e-mail, webhooks, HTTP lookups.

The call loop talks to the :class:`Integrations` protocol; :class:`LiveIntegrations`
does it for real (httpx for HTTP, smtplib in a worker thread for e-mail, addresses
from the bindings file), :class:`MemoryIntegrations` records what would have been
sent and answers lookups from canned data (tests, the scenario runner, benches).
"""

from __future__ import annotations

import asyncio
import json
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Protocol

import httpx

from dialscript.runtime.bindings import RuntimeBindings
from dialscript.runtime.events import HttpFailed, HttpResult
from dialscript.runtime.lookups import CannedLookups, lookup_answer, lookup_failure, lookup_request

__all__ = [
    "Integrations",
    "LiveIntegrations",
    "MemoryIntegrations",
    "Sent",
]

LookupAnswer = HttpResult | HttpFailed


class Integrations(Protocol):
    """Asynchronous side effects of a call; each method must finish within its own timeout."""

    async def send_sms(self, to: str, text: str) -> None: ...

    async def notify(
        self, channel: str, destination: str, subject: str | None, fields: Mapping[str, Any]
    ) -> None: ...

    async def lookup(
        self, source: str, args: Mapping[str, Any], timeout: float
    ) -> LookupAnswer: ...


@dataclass(frozen=True, slots=True)
class Sent:
    """One message an in-memory integration recorded."""

    kind: str  # "sms" | "email" | "webhook"
    destination: str
    subject: str | None
    body: Mapping[str, Any]


@dataclass
class MemoryIntegrations:
    """Records SMS and notifications; answers lookups like :class:`CannedLookups`."""

    lookups: CannedLookups = field(default_factory=lambda: CannedLookups({}))
    sent: list[Sent] = field(default_factory=list)

    async def send_sms(self, to: str, text: str) -> None:
        self.sent.append(Sent("sms", to, None, {"text": text}))

    async def notify(
        self, channel: str, destination: str, subject: str | None, fields: Mapping[str, Any]
    ) -> None:
        self.sent.append(Sent(channel, destination, subject, dict(fields)))

    async def lookup(self, source: str, args: Mapping[str, Any], timeout: float) -> LookupAnswer:
        return self.lookups.fetch(source, args, timeout)


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True, slots=True)
class SmtpMailer:
    """Blocking SMTP (run in a worker thread by :class:`LiveIntegrations`)."""

    host: str = "localhost"
    port: int = 25
    sender: str = "dialscript@localhost"
    timeout: float = 10.0

    def send(self, message: EmailMessage) -> None:
        if "From" not in message:
            message["From"] = self.sender
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.send_message(message)


class LiveIntegrations:
    """Real sends: destinations are logical names resolved through the bindings."""

    def __init__(
        self,
        bindings: RuntimeBindings,
        *,
        client: httpx.AsyncClient | None = None,
        mailer: Mailer | None = None,
        send_timeout: float = 10.0,
    ) -> None:
        self.bindings = bindings
        self.client = client or httpx.AsyncClient()
        b = bindings.bindings
        self.mailer = mailer or SmtpMailer(
            host=str(b.lookup(bindings.env, "smtp", "host") or "localhost"),
            port=int(str(b.lookup(bindings.env, "smtp", "port") or 25)),
            sender=str(b.lookup(bindings.env, "smtp", "sender") or "dialscript@localhost"),
        )
        self.send_timeout = send_timeout

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _post(self, url: str, payload: Mapping[str, Any]) -> None:
        body = json.dumps(payload, ensure_ascii=False, default=str)
        response = await self.client.post(
            url,
            content=body.encode(),
            headers={"content-type": "application/json"},
            timeout=self.send_timeout,
        )
        response.raise_for_status()

    async def send_sms(self, to: str, text: str) -> None:
        url = self.bindings.resolve("sms", "default")
        await self._post(url, {"to": to, "text": text})

    async def notify(
        self, channel: str, destination: str, subject: str | None, fields: Mapping[str, Any]
    ) -> None:
        address = self.bindings.resolve(channel, destination)
        if channel == "webhook":
            await self._post(address, {"subject": subject, "fields": dict(fields)})
            return
        message = EmailMessage()
        message["To"] = address
        message["Subject"] = (subject or "dialscript").replace("\n", " ")[:200]
        message.set_content("\n".join(f"{k}: {v}" for k, v in fields.items()))
        await asyncio.wait_for(asyncio.to_thread(self.mailer.send, message), self.send_timeout)

    async def lookup(self, source: str, args: Mapping[str, Any], timeout: float) -> LookupAnswer:
        request = lookup_request(self.bindings, source, args)
        if isinstance(request, HttpFailed):
            return request
        url, params = request
        try:
            return lookup_answer(await self.client.get(url, params=params, timeout=timeout))
        except (httpx.HTTPError, ValueError) as error:
            return lookup_failure(error, timeout)
