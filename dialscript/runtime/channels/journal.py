"""The call journal behind ``serve-calls``: steps are serialised on the event loop and
committed by one writer thread, many calls' steps per transaction (group commit).

What "journaled step by step" guarantees on the ESL channel:

* every step (state, trace, answers) is queued, in order, the moment the
  interpreter takes it; steps gather on the event loop for at most
  ``hand_over_after`` (5 ms) and are handed to the writer thread in one go
  (at once when ``max_batch`` have gathered or a call waits on one of them,
  :meth:`JournalWriter.synced`): each hand-over wakes the writer, and on the
  loop's core that wake-up cost ~15% of the CPU per step when calls' steps are
  spread out (callers thinking) and nearly every step was handed over alone.
  The writer commits what it was handed in one transaction as soon as the
  previous commit is done (at most ``max_batch`` steps);
* before the call loop feeds the call its *next* event (the caller's keys, the
  agent's answer, a transfer or lookup result) it waits until every earlier
  step of that call is committed (:meth:`JournalWriter.synced`): nothing is
  ever acted upon on top of a step that is not in the journal. Since the caller
  needs at least a prompt to answer, this wait is normally already over;
* when a call ends, its last step is committed before its handler returns, so
  a finished call is complete in the journal; :meth:`JournalWriter.close`
  commits everything queued;
* when a write fails (a full disk), the call's :meth:`JournalWriter.watch`
  callback runs on the loop at once: the call loop hangs the caller up while
  the prompt still plays, so no answer is given on top of a lost step.

The window: a process killed (``SIGKILL``, a crash) after a step was taken and
before its group commit (normally under ten milliseconds, while its prompt
is being sent or played) loses that step; every earlier step of the call is there, and
the call resumes (``CallRunner.resume``) from the last committed one. On SQLite,
commits use WAL with ``synchronous=NORMAL``: durable across a process crash, not
across a power loss of the host (use ``synchronous=FULL`` for that); a
``postgresql://`` journal is as durable as its server makes a commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import queue
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from dialscript.runtime.state import CallState
from dialscript.runtime.store import open_store, schema
from dialscript.runtime.store.base import CallRecord, JsonDict, ResultRecord, StoreError
from dialscript.runtime.store.schema import Statement

__all__ = ["JournalWriter"]

log = logging.getLogger(__name__)

_Op = tuple[int, str, list[Statement]]  # (seq, call id, writes)
_STOP: _Op = (-1, "", [])
_STOP_LIST: list[_Op] = [_STOP]

HAND_OVER_AFTER = 0.005
"""Seconds steps gather on the event loop before one hand-over wakes the writer thread."""


class JournalWriter:
    """A :class:`~dialscript.runtime.store.base.CallStore` that group-commits in a thread.

    Writes (``begin_call``, ``record_step``, ``finish_call``) return at once;
    :meth:`synced` (async) waits until a call's writes are committed, and raises
    the :class:`StoreError` that failed them. Reads flush first and go through
    their own connection (WAL lets them run beside the writer).
    """

    def __init__(
        self, path: str | Path, *, max_batch: int = 512, hand_over_after: float = HAND_OVER_AFTER
    ) -> None:
        self.path = str(path)
        self.max_batch = max_batch
        self.hand_over_after = hand_over_after
        self._store = open_store(path)  # the writer thread's connection
        self._reads = self._store if self.path == ":memory:" else open_store(path)
        self._queue: queue.SimpleQueue[list[_Op]] = queue.SimpleQueue()
        self._pending: list[_Op] = []  # queued on the loop, handed over once per iteration
        self._handoff_lock = threading.Lock()
        self._handoff_scheduled = False
        self._handoff_timer: asyncio.TimerHandle | None = None
        self._handed = 0  # highest seq handed over to the writer thread
        self._seq = itertools.count(1)
        self._queued = 0  # highest seq queued (event loop thread)
        self._last: dict[str, int] = {}  # call id -> its highest queued seq
        self._committed = 0  # highest seq committed (written by the writer thread)
        self._failed: dict[str, StoreError] = {}
        self._watchers: dict[str, Callable[[StoreError], None]] = {}
        self._cond = threading.Condition()
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self.batches = 0
        self._thread = threading.Thread(target=self._write, name="dialscript-journal", daemon=True)
        self._thread.start()

    # -- CallStore: writing ------------------------------------------------------------------------

    def begin_call(
        self,
        state: CallState,
        inputs: Mapping[str, Any],
        *,
        external_id: str | None = None,
        call_id: str | None = None,
    ) -> str:
        call_id = call_id or uuid.uuid4().hex
        self._put(call_id, self._store.begin_statements(call_id, state, inputs,
                                                        external_id=external_id))  # fmt: skip
        return call_id

    def record_step(
        self,
        call_id: str,
        state: CallState,
        trace_entries: Sequence[tuple[int, JsonDict]],
        new_answers: Sequence[tuple[int, JsonDict]],
    ) -> None:
        self._check(call_id)
        self._put(call_id, self._store.step_statements(call_id, state, trace_entries,
                                                       new_answers))  # fmt: skip

    def finish_call(
        self, call_id: str, *, outcome: str | None, ended: str, reason: str | None = None
    ) -> None:
        # Through the writer thread like every write: its connection is used by one thread.
        finish = Statement(
            schema.FINISH_CALL, (outcome, reason, ended, call_id), must_match=call_id
        )
        self._put(call_id, [finish])
        self.flush()
        self._check(call_id)

    def _put(self, call_id: str, writes: list[Statement]) -> None:
        if self._closed:
            raise StoreError("the call journal is closed")
        with contextlib.suppress(RuntimeError):  # the writer wakes waiters on the current loop
            self._loop = asyncio.get_running_loop()
        seq = next(self._seq)
        self._queued = self._last[call_id] = seq
        loop = self._loop
        if loop is None:
            self._queue.put([(seq, call_id, writes)])
            return
        # One hand-over (and one wake-up of the writer thread) per event-loop iteration,
        # however many steps were taken in it: each wake-up costs a context switch and
        # GIL hand-offs on the loop's core.
        with self._handoff_lock:
            self._pending.append((seq, call_id, writes))
            if self._handoff_scheduled and len(self._pending) < self.max_batch:
                return
            self._handoff_scheduled = True
        if len(self._pending) >= self.max_batch:
            self._handoff()
            return
        try:
            if self.hand_over_after > 0:
                self._handoff_timer = loop.call_later(self.hand_over_after, self._handoff)
            else:
                loop.call_soon(self._handoff)
        except RuntimeError:  # the loop is closed: hand over now
            self._handoff()

    def _handoff(self) -> None:
        with self._handoff_lock:
            pending, self._pending = self._pending, []
            self._handoff_scheduled = False
            timer, self._handoff_timer = self._handoff_timer, None
        if timer is not None and self._on_loop():
            timer.cancel()  # (from another thread it just fires later, finding nothing)
        if pending:
            self._handed = pending[-1][0]
            self._queue.put(pending)

    def _on_loop(self) -> bool:
        try:
            return asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return False

    def _check(self, call_id: str) -> None:
        error = self._failed.get(call_id)
        if error is not None:
            raise error

    # -- waiting for commits ----------------------------------------------------------------------

    async def synced(self, call_id: str) -> None:
        """Wait until every write queued so far for ``call_id`` is committed."""
        target = self._last.get(call_id, 0)
        if self._handed < target:
            self._handoff()  # someone waits on it: no more gathering
        if self._committed < target:
            self._loop = loop = asyncio.get_running_loop()
            future = loop.create_future()
            self._waiters.append((target, future))
            self._wake(self._committed)  # the commit may have landed meanwhile
            await future
        self._check(call_id)

    def watch(self, call_id: str, on_failure: Callable[[StoreError], None]) -> None:
        """Call ``on_failure`` (on the event loop) as soon as a write of ``call_id`` fails.

        The call loop hangs the caller up then, while a prompt still plays, rather
        than letting them answer a question whose answer could not be kept.
        """
        self._watchers[call_id] = on_failure

    def unwatch(self, call_id: str) -> None:
        """No more failure callbacks for ``call_id`` (its call is ending)."""
        self._watchers.pop(call_id, None)

    def forget(self, call_id: str) -> None:
        """The call is over and synced: drop its bookkeeping."""
        self._last.pop(call_id, None)
        self._failed.pop(call_id, None)
        self._watchers.pop(call_id, None)

    def _report(self, failed: dict[str, StoreError]) -> None:
        for call_id, error in failed.items():
            watcher = self._watchers.pop(call_id, None)
            if watcher is not None:
                watcher(error)

    def _wake(self, committed: int) -> None:
        keep: list[tuple[int, asyncio.Future[None]]] = []
        for target, future in self._waiters:
            if target <= committed:
                if not future.done():
                    future.set_result(None)
            else:
                keep.append((target, future))
        self._waiters = keep

    def flush(self, timeout: float = 30.0) -> None:
        """Block until everything queued so far is committed."""
        target = self._queued
        self._handoff()
        with self._cond:
            if not self._cond.wait_for(lambda: self._committed >= target, timeout):
                raise StoreError(f"the call journal did not commit within {timeout:g} s")

    # -- the writer thread ------------------------------------------------------------------------

    def _write(self) -> None:
        stop = False
        while not stop:
            batch = list(self._queue.get())
            while len(batch) < self.max_batch:
                try:
                    batch.extend(self._queue.get_nowait())
                except queue.Empty:
                    break
            if batch[-1] is _STOP or _STOP in batch:
                stop = True
                batch = [op for op in batch if op is not _STOP]
            if not batch:
                continue
            errors = self._store.apply([writes for _, _, writes in batch])
            failed: dict[str, StoreError] = {}
            for (_, call, _), err in zip(batch, errors, strict=True):
                if err is not None and call not in failed:  # the first: later ones follow from it
                    failed[call] = err
            for call_id, error in failed.items():
                log.error("call %s: journal write failed: %r", call_id, error)
            with self._cond:
                self._failed.update(failed)
                self._committed = batch[-1][0]
                self.batches += 1
                self._cond.notify_all()
            loop = self._loop
            if loop is not None and (self._waiters or failed):
                with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
                    loop.call_soon_threadsafe(self._wake, batch[-1][0])
                    if failed:
                        loop.call_soon_threadsafe(self._report, failed)

    def close(self) -> None:
        """Commit everything queued, stop the writer, close the database."""
        if self._closed:
            return
        self._closed = True
        self._handoff()
        self._queue.put(_STOP_LIST)
        self._thread.join(60.0)
        if self._reads is not self._store:
            self._reads.close()
        self._store.close()

    # -- CallStore: reading -----------------------------------------------------------------------

    def get_call(self, call_id: str) -> CallRecord:
        self.flush()
        return self._reads.get_call(call_id)

    def load_state(self, call_id: str) -> CallState:
        self.flush()
        return self._reads.load_state(call_id)

    def trace(self, call_id: str) -> list[JsonDict]:
        self.flush()
        return self._reads.trace(call_id)

    def results(self, flow: str | None = None) -> list[ResultRecord]:
        self.flush()
        return self._reads.results(flow)

    def calls_in_progress(self) -> list[CallRecord]:
        self.flush()
        return self._reads.calls_in_progress()
