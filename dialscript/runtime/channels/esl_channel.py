"""The ESL channel: each interpreter command becomes FreeSWITCH applications on one call.

``say`` → ``speak``, or ``playback`` of the voice talent's recording when the
switch has it (:class:`RecordedPrompts`); ``play`` → ``playback``; a question → one
``play_and_get_digits`` try (its prompt recorded or spoken the same way) whose
outcome is a ``Digits`` or ``Silence`` event (the interpreter counts no-input /
no-match, as in VoiceXML);
transfer / queue (mod_callcenter or mod_fifo) / bridge → a ``TransferResult``;
``record`` → ``record`` to a per-call file; results → ``dialscript_result_*``
channel variables; SMS and notifications → background sends owned by the
channel; lookups → an awaited :class:`LookupSender` (by default the
:class:`Integrations` lookup). Agent notes are never sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Awaitable, Callable, Collection, Coroutine, Sequence
from typing import Any

from dialscript.runtime import commands as c
from dialscript.runtime import events as e
from dialscript.runtime.bindings import RuntimeBindings, UnboundName
from dialscript.runtime.channels.config import ChannelConfig, queue_target
from dialscript.runtime.channels.integrations import Integrations
from dialscript.runtime.channels.prompts import RecordedPrompts
from dialscript.runtime.channels.render import channel_value, digit_spec, hangup_cause, spoken
from dialscript.runtime.esl import CallSession, Event, pagd_args

__all__ = ["EslChannel", "LookupSender"]

log = logging.getLogger(__name__)

LookupSender = Callable[[c.HttpRequest], Awaitable[e.HttpResult | e.HttpFailed]]
"""Answers a flow's lookup (the scenario driver answers from the scenario's canned data)."""

_FAILED_DISPOSITIONS = frozenset({"SUCCESS", "ANSWER", ""})
_TEXT_TYPES = ("text",)
_READ_ENDED = ("success", "timeout")


class EslChannel:
    """Runs interpreter commands on one controlled call; owns its background sends."""

    def __init__(
        self,
        session: CallSession,
        *,
        config: ChannelConfig,
        bindings: RuntimeBindings,
        integrations: Integrations,
        handler_keys: Collection[str] = (),
        send_timeout: float = 15.0,
        lookup: LookupSender | None = None,
        recorded: RecordedPrompts | None = None,
    ) -> None:
        self.session = session
        self.config = config
        self.bindings = bindings
        self.integrations = integrations
        self.handler_keys = tuple(handler_keys)
        self.send_timeout = send_timeout
        self._lookup = lookup or self._integration_lookup
        self.recorded = recorded or RecordedPrompts()
        self._vars = itertools.count(1)
        self._sends: set[asyncio.Task[None]] = set()
        self._tts: tuple[str, str] | None = None  # tts_engine / tts_voice set on the channel

    # -- commands -------------------------------------------------------------------------------

    async def perform(self, command: c.Command) -> e.Event | None:
        """Carry out one command; the event to feed back, if the interpreter waits for one."""
        match command:
            case c.Say():
                await self.say(command.text, command.prompt, command.lang)
            case c.Play():
                await self.play(command.audio)
            case c.ShowNote() | c.Finished():
                pass
            case c.Ask():
                return await self.ask(command)
            case c.Transfer():
                return await self.transfer(command)
            case c.Queue():
                return await self.queue(command)
            case c.Bridge():
                return await self.bridge(command)
            case c.Record():
                await self.record(command)
            case c.SetResult():
                await self.set_var(f"dialscript_result_{command.name}", command.value)
            case c.SetOutcome():
                await self.set_var("dialscript_outcome", command.name)
            case c.Hangup():
                await self.session.hangup(hangup_cause(command.cause))
            case c.SendSms():
                self._spawn(self.integrations.send_sms(command.to, command.text), "sms")
            case c.Notify():
                self._spawn(
                    self.integrations.notify(
                        command.channel, command.destination, command.subject, command.fields
                    ),
                    command.channel,
                )
            case c.HttpRequest():
                return await self.lookup(command)
            case _:
                raise TypeError(f"the ESL channel cannot perform {type(command).__name__}")
        return None

    async def _recording(self, prompt: str | None) -> str | None:
        """The path of the voice talent's recording of ``prompt`` if the switch has it."""
        if prompt is None or not self.config.prompts:
            return None
        path = self.config.prompt_path(prompt)
        if await self.recorded.has(self.session, path):
            return path
        log.info("call %s: no recording %s, speaking it", self.session.uuid, prompt)
        return None

    async def say(self, text: str, prompt: str | None = None, lang: str | None = None) -> None:
        """The voice talent's recording of a fixed text when there is one; else TTS in the
        voice of ``lang`` (``[env.voices]``)."""
        path = await self._recording(prompt)
        if path is not None:
            done = await self.session.playback(path)
            if (done.get("Application-Response") or "") == "FILE PLAYED":
                return
            log.warning("call %s: recording %s did not play, speaking it", self.session.uuid, path)
        text = spoken(text)
        if text:
            engine, voice = self.config.voice(lang)
            await self.session.speak(text, engine=engine, voice=voice)

    async def play(self, audio: str) -> None:
        done = await self.session.playback(self.config.audio_path(audio))
        response = done.get("Application-Response") or ""
        if response != "FILE PLAYED":
            log.warning("call %s: playback of %r gave %r", self.session.uuid, audio, response)

    async def _prompt(self, text: str, lang: str | None) -> str:
        """A TTS file string (``say:text``) so keys can interrupt the prompt.

        FreeSWITCH 1.10 reads everything after ``say:`` as the text; the engine and
        voice come from the channel variables ``tts_engine`` / ``tts_voice``, set here
        when the language's voice differs from the one the channel has.
        """
        text = spoken(text)
        if not text:
            return "silence_stream://250"
        wanted = self.config.voice(lang)
        if self._tts != wanted:
            await self.session.set_variables([("tts_engine", wanted[0]), ("tts_voice", wanted[1])])
            self._tts = wanted
        return f"say:{text}"

    async def ask(self, ask: c.Ask) -> e.Event:
        """One try of ``play_and_get_digits``: Digits (valid or not) or Silence."""
        if ask.question.type in _TEXT_TYPES and not ask.options:
            return await self._ask_text(ask)
        spec = digit_spec(ask, self.handler_keys)
        var = f"dialscript_in_{next(self._vars)}"
        timeout_ms = max(1000, int(ask.timeout * 1000))
        if self.config.no_input_ms:
            timeout_ms = min(timeout_ms, self.config.no_input_ms)
        arg = pagd_args(
            file=await self._recording(ask.prompt) or await self._prompt(ask.text, ask.lang),
            min_digits=1,
            max_digits=spec.max_digits,
            tries=1,
            timeout_ms=timeout_ms,
            terminators=spec.terminators,
            var_name=var,
            regexp=spec.regexp,
            digit_timeout_ms=self.config.digit_timeout_ms,
        )
        done = await self.session.execute("play_and_get_digits", arg)
        # Keys ended by the inter-digit timeout (no terminator pressed) come with
        # read_result=timeout *and* the digits in the variable: they are an answer.
        digits = done.variable(var) if done.variable("read_result") in _READ_ENDED else None
        if digits:
            return e.Digits(digits)
        invalid = done.variable(f"{var}_invalid")
        return e.Digits(invalid) if invalid else e.Silence()

    async def _ask_text(self, ask: c.Ask) -> e.Event:
        """A free-text question over the keypad: the caller's words are recorded."""
        await self.say(ask.text, ask.prompt, ask.lang)
        path = self.config.recording_path(self.session.uuid, f"{ask.var}-{next(self._vars)}")
        done = await self.session.record(
            path, time_limit_s=self.config.text_answer_seconds, silence_threshold=30,
            silence_hits=3,
        )  # fmt: skip
        if int(done.variable("record_ms") or "0") <= 0:
            return e.Silence()
        return e.TextAnswer(f"recording:{path}")

    async def record(self, command: c.Record) -> None:
        if command.prompt:
            await self.say(command.prompt)
        path = self.config.recording_path(self.session.uuid, command.reference)
        await self.session.record(path, time_limit_s=max(1, int(command.max_seconds)))

    async def set_var(self, name: str, value: Any) -> None:
        await self.session.set_variable(name, channel_value(value))

    async def set_vars(self, commands: Sequence[c.SetResult | c.SetOutcome]) -> None:
        """A step's results and outcome as channel variables, in one application."""
        pairs = [
            (f"dialscript_result_{cmd.name}", channel_value(cmd.value))
            if isinstance(cmd, c.SetResult)
            else ("dialscript_outcome", channel_value(cmd.name))
            for cmd in commands
        ]
        if pairs:
            await self.session.set_variables(pairs)

    # -- leaving the flow -----------------------------------------------------------------------

    async def transfer(self, command: c.Transfer) -> e.TransferResult:
        try:
            destination = self.bindings.resolve("transfer", command.destination)
        except UnboundName as error:
            return e.TransferResult(False, str(error))
        cfg = self.config
        await self.session.transfer(destination, dialplan=cfg.dialplan, context=cfg.context)
        return e.TransferResult(True)

    async def queue(self, command: c.Queue) -> e.TransferResult:
        try:
            target = queue_target(self.bindings.resolve("queue", command.destination))
        except (UnboundName, ValueError) as error:
            return e.TransferResult(False, str(error))
        done = await self.session.execute(target.app, target.arg)
        if _bridged(done) or _answered_in_queue(done):
            return e.TransferResult(True)
        reason = done.variable("cc_cancel_reason") or done.variable("originate_disposition")
        return e.TransferResult(False, reason or "no agent answered")

    async def bridge(self, command: c.Bridge) -> e.TransferResult:
        try:
            dial = self.bindings.resolve("bridge", command.destination)
        except UnboundName as error:
            return e.TransferResult(False, str(error))
        if command.timeout:
            dial = f"{{originate_timeout={int(command.timeout)}}}{dial}"
        done = await self.session.bridge(dial)
        disposition = (done.variable("originate_disposition") or "").upper()
        if disposition not in _FAILED_DISPOSITIONS:
            return e.TransferResult(False, disposition)
        if _bridged(done) or disposition:
            return e.TransferResult(True)
        return e.TransferResult(False, "not bridged")

    # -- integrations ---------------------------------------------------------------------------

    async def lookup(self, command: c.HttpRequest) -> e.HttpResult | e.HttpFailed:
        try:
            return await asyncio.wait_for(self._lookup(command), command.timeout + 1.0)
        except TimeoutError:
            return e.HttpFailed(f"timeout after {command.timeout:g}s")

    async def _integration_lookup(self, command: c.HttpRequest) -> e.HttpResult | e.HttpFailed:
        return await self.integrations.lookup(command.source, command.args, command.timeout)

    def _spawn(self, coro: Coroutine[Any, Any, None], what: str) -> None:
        task = asyncio.create_task(self._send(coro, what), name=f"dialscript-{what}")
        self._sends.add(task)
        task.add_done_callback(self._sends.discard)

    async def _send(self, coro: Coroutine[Any, Any, None], what: str) -> None:
        try:
            await asyncio.wait_for(coro, self.send_timeout)
        except Exception as error:  # a failed send must not end the call; it is logged
            log.warning("call %s: %s not sent: %r", self.session.uuid, what, error)

    @property
    def pending_sends(self) -> int:
        return len(self._sends)

    async def aclose(self, timeout: float = 5.0) -> None:
        """Let background sends finish (up to ``timeout``), then cancel the rest and wait."""
        sends = list(self._sends)
        if not sends:
            return
        _, late = await asyncio.wait(sends, timeout=timeout)
        for task in late:
            task.cancel()
        for task in late:
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _answered_in_queue(done: Event) -> bool:
    """mod_callcenter's ``cc_cause=answered``; mod_fifo names the consumer who took the call."""
    return done.variable("cc_cause") == "answered" or bool(done.variable("fifo_serviced_uuid"))


def _bridged(done: Event) -> bool:
    return bool(done.variable("last_bridge_to") or done.variable("bridge_channel"))
