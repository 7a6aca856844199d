"""Which recorded prompts FreeSWITCH has: asked once per file (``api file_exists``), remembered.

A question's prompt is the file argument of ``play_and_get_digits``: a missing
file there is silence, not an error, so the channel must know beforehand whether
the voice talent's recording is on the switch, and speak the text by TTS if not.
Recordings are added while calls run, so an answer is remembered for ``ttl``
seconds; calls asking about the same file at once share one ``file_exists``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from dialscript.runtime.esl import CallSession, has_expansion

__all__ = ["RecordedPrompts"]

log = logging.getLogger(__name__)


class RecordedPrompts:
    """``file_exists`` answers per path, each kept for ``ttl`` seconds."""

    def __init__(self, ttl: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self.lookups = 0  # file_exists calls made (for tests and metrics)
        self._known: dict[str, tuple[bool, float]] = {}
        self._asking: dict[str, asyncio.Future[bool]] = {}

    async def has(self, session: CallSession, path: str) -> bool:
        """True if FreeSWITCH can open ``path`` (asked over ``session``'s socket)."""
        known = self._known.get(path)
        if known is not None and self.clock() - known[1] < self.ttl:
            return known[0]
        asking = self._asking.get(path)
        if asking is not None:
            return await asyncio.shield(asking)
        if has_expansion(path):  # FreeSWITCH would expand it in the api command
            log.warning("prompt path %r names a variable: spoken by TTS", path)
            return False
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._asking[path] = future
        try:
            self.lookups += 1
            reply = await session.connection.api(f"file_exists {path}")
            found = reply.strip() == "true"
            self._known[path] = (found, self.clock())
            future.set_result(found)
            return found
        except BaseException:
            future.set_result(False)  # the others speak it by TTS this time; we raise
            raise
        finally:
            del self._asking[path]
