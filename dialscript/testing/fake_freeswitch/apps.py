"""Dialplan applications the fake FreeSWITCH can run, and how it reads their arguments.

Each app is an ``async`` function of the running call and the :class:`AppRun`;
it fires the events FreeSWITCH fires while the app runs, sets the channel
variables FreeSWITCH sets, and returns the ``current_application_response``
(``None`` gives ``_none_``). A caller hanging up mid-app raises
:class:`CallerHangup`, which the call turns into the hangup sequence.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from .caller import HangUp, Press, ScriptedCaller, Silence, Talk
from .channel import FakeChannel, Headers

__all__ = [
    "APPS",
    "AppHost",
    "AppRun",
    "CallerHangup",
    "expand_variables",
    "split_app_args",
    "split_delimited",
]

_UNESCAPE = {"n": "\n", "r": "\r", "t": "\t", "s": " ", "'": "'", '"': '"', "\\": "\\"}
_WHERE_DTMF = ("switch_channel.c", "switch_channel_dequeue_dtmf", 677)


def _cleanup(token: str) -> str:
    out: list[str] = []
    inside = False
    i = 0
    while i < len(token):
        char = token[i]
        if char == "\\" and i + 1 < len(token) and token[i + 1] in _UNESCAPE:
            out.append(_UNESCAPE[token[i + 1]])
            i += 2
            continue
        if char == "'" and (inside or "'" in token[i + 1 :]):
            inside = not inside
            i += 1
            continue
        out.append(char)
        i += 1
    return "".join(out)


def split_app_args(data: str) -> list[str]:
    """Split like ``switch_separate_string(.., ' ', ..)``: blank runs, ``'`` groups, ``\\`` escapes.

    >>> split_app_args("1  4 '' 'a b' it\\\\'s")
    ['1', '4', '', 'a b', "it's"]
    """
    tokens: list[str] = []
    current: list[str] | None = None
    inside = False
    i = 0
    while i < len(data):
        char = data[i]
        if current is None:
            if char == " ":
                i += 1
                continue
            current = []
        if char == "\\" and i + 1 < len(data):
            current.append(data[i : i + 2])
            i += 2
            continue
        if char == "'":
            inside = not inside
        elif char == " " and not inside:
            tokens.append(_cleanup("".join(current)))
            current = None
            i += 1
            continue
        current.append(char)
        i += 1
    if current is not None:
        tokens.append(_cleanup("".join(current)))
    return tokens


def _cleanup_delimited(token: str, delim: str) -> str:
    """``cleanup_separated_string``: outer blanks and quotes off, escapes undone."""
    out: list[str] = []
    end = 0
    inside = False
    i = len(token) - len(token.lstrip(" "))
    while i < len(token):
        char = token[i]
        if char == "\\" and i + 1 < len(token):
            nxt = token[i + 1]
            if nxt == delim or nxt in _UNESCAPE:
                out.append(_UNESCAPE.get(nxt, nxt) if nxt != delim else nxt)
                end = len(out)
                i += 2
                continue
        if char == "'" and (inside or "'" in token[i + 1 :]):
            inside = not inside
            if inside:
                end = len(out)
        else:
            out.append(char)
            if char != " " or inside:
                end = len(out)
        i += 1
    return "".join(out[:end])


def split_delimited(data: str, delim: str, limit: int = 256) -> list[str]:
    """Split like ``switch_separate_string(.., delim, ..)`` for a delimiter other than a blank.

    A ``\\`` keeps the next character (an escaped delimiter does not split),
    ``'...'`` groups, at most ``limit`` items (the last keeps the rest), each
    cleaned up as FreeSWITCH does (``\\|``, ``\\'``, ``\\\\``, ``\\s`` ... unescaped).

    >>> split_delimited("a=1| b=x y |c='p|q'|", "|")
    ['a=1', 'b=x y', 'c=p|q']
    """
    items: list[str] = []
    start = 0
    inside = False
    i = 0
    while i < len(data):
        char = data[i]
        if char == "\\":
            i += 2
            continue
        if char == "'" and (inside or "'" in data[i + 1 :]):
            inside = not inside
        elif char == delim and not inside:
            items.append(data[start:i])
            start = i + 1
            if len(items) == limit - 1:
                break
        i += 1
    if start < len(data):
        items.append(data[start:])
    return [_cleanup_delimited(item, delim) for item in items]


_EXPR = re.compile(r"\$\{([^{}]*)\}")
_API_CALL = re.compile(r"([A-Za-z0-9_]+)\((.*)\)\Z", re.S)


def expand_variables(text: str, variables: dict[str, str], api_calls: list[str]) -> str:
    """A small model of ``switch_channel_expand_variables``: ``${var}`` and ``${api(args)}``.

    API calls are not run: they are appended to ``api_calls`` and expand to ``""``.
    """

    def repl(match: re.Match[str]) -> str:
        inner = match.group(1)
        call = _API_CALL.match(inner)
        if call:
            api_calls.append(inner)
            return ""
        return variables.get(inner, "")

    return _EXPR.sub(repl, text)


class CallerHangup(Exception):
    """The scripted caller hung up while an application was running."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


@dataclass(slots=True)
class AppRun:
    """One application the controller made the fake run (a transcript entry)."""

    name: str
    arg: str
    app_uuid: str
    event_lock: bool = False
    expanded_arg: str = ""
    response: str | None = None
    completed: bool = False
    interrupted: bool = False
    digits: str | None = None
    result_vars: dict[str, str] = field(default_factory=dict)

    @property
    def args(self) -> list[str]:
        """The argument split as FreeSWITCH splits positional arguments."""
        return split_app_args(self.expanded_arg)


class AppHost(Protocol):
    """What an app needs from the call running it."""

    channel: FakeChannel
    caller: ScriptedCaller

    async def emit_channel(
        self, name: str, where: tuple[str, str, int], *, with_vars: bool = ..., extra: Headers
    ) -> None: ...

    async def pause(self, seconds: float) -> None: ...


AppFunc = Callable[[AppHost, AppRun], Awaitable[str | None]]


async def _answer(host: AppHost, run: AppRun) -> str | None:
    if host.channel.answer():
        await host.emit_channel(
            "CHANNEL_ANSWER",
            ("switch_channel.c", "switch_channel_perform_mark_answered", 3828),
            extra=[],
        )
    return None


async def _playback(host: AppHost, run: AppRun) -> str | None:
    ch = host.channel
    if run.name == "playback" and not ch.host.has_sound(run.expanded_arg):
        # mod_dptools: the file does not open, nothing plays, no PLAYBACK_START.
        ch.set_var("current_application_response", "FILE NOT FOUND")
        return "FILE NOT FOUND"
    await host.emit_channel(
        "PLAYBACK_START",
        ("switch_ivr_play_say.c", "switch_ivr_play_file", 1535),
        extra=[("Playback-File-Path", run.expanded_arg)],
    )
    await host.pause(1.0)
    for key, value in (
        ("playback_last_offset_pos", "8000"),
        ("playback_seconds", "1"),
        ("playback_ms", "1000"),
        ("playback_samples", "8000"),
    ):
        ch.set_var(key, value)
    await host.emit_channel(
        "PLAYBACK_STOP",
        ("switch_ivr_play_say.c", "switch_ivr_play_file", 2086),
        extra=[("Playback-File-Path", run.expanded_arg), ("Playback-Status", "done")],
    )
    if run.name == "playback":
        ch.set_var("current_application_response", "FILE PLAYED")
        return "FILE PLAYED"
    return None


async def _instant(host: AppHost, run: AppRun) -> str | None:
    return None


async def _set(host: AppHost, run: AppRun) -> str | None:
    name, sep, value = run.expanded_arg.partition("=")
    if sep and name and not re.search(r"\$\\?\{", value):
        host.channel.set_var(name, value or None)
    return None


async def _multiset(host: AppHost, run: AppRun) -> str | None:
    """mod_dptools ``multiset ^^<d>a=1<d>b=2`` (blank-delimited without ``^^``): one ``set`` each.

    FreeSWITCH splits with ``switch_separate_string`` (at most 256 items) and
    runs ``base_set`` on each; no response, no extra event.
    """
    arg = run.expanded_arg
    delim = " "
    if arg.startswith("^^") and len(arg) > 2:
        delim, arg = arg[2], arg[3:]
    items = split_app_args(arg)[:256] if delim == " " else split_delimited(arg, delim)
    for item in items:
        name, sep, value = item.partition("=")
        if sep and name and not re.search(r"\$\\?\{", value):
            host.channel.set_var(name, value or None)
    return None


async def _unset(host: AppHost, run: AppRun) -> str | None:
    host.channel.set_var(run.expanded_arg.strip(), None)
    return None


async def _press(host: AppHost, digits: str) -> None:
    for digit in digits:
        extra = [("DTMF-Digit", digit), ("DTMF-Duration", "2000"), ("DTMF-Source", "RTP")]
        await host.emit_channel("DTMF", _WHERE_DTMF, with_vars=False, extra=extra)


async def collect_digits(
    host: AppHost,
    run: AppRun,
    *,
    min_digits: int,
    max_digits: int,
    tries: int,
    terminators: str,
    var_name: str,
    regexp: str,
) -> None:
    """Shared by ``play_and_get_digits`` and ``read``: one caller action per try."""
    ch = host.channel
    for _ in range(max(tries, 1)):
        await host.pause(0.5)
        action = await host.caller.input()
        if isinstance(action, HangUp):
            raise CallerHangup(action.cause)
        if isinstance(action, Silence):
            await host.pause(1.0)
            continue
        assert isinstance(action, Press)
        think = host.caller.think_time()
        if think:
            await host.pause(think)  # the caller takes a moment before keying
        await _press(host, action.digits)
        digits, used = "", None
        for digit in action.digits:
            if digit in terminators:
                used = digit
                break
            digits += digit
            if len(digits) >= max_digits:
                break
        if used is not None:
            ch.set_var("read_terminator_used", used)
        if len(digits) >= min_digits and (not regexp or re.search(regexp, digits)):
            ch.set_var("read_result", "success")
            if var_name:
                ch.set_var(var_name, digits)
            run.digits = digits
            return
        if var_name:
            ch.set_var(f"{var_name}_invalid", digits)
    ch.set_var("read_result", "failure")


async def _pagd(host: AppHost, run: AppRun) -> str | None:
    argv = run.args + [""] * 11
    await collect_digits(
        host,
        run,
        min_digits=int(argv[0] or 0),
        max_digits=int(argv[1] or 128),
        tries=int(argv[2] or 1),
        terminators=argv[4] if argv[4] != "none" else "",
        var_name=argv[7],
        regexp=argv[8],
    )
    return None


async def _read(host: AppHost, run: AppRun) -> str | None:
    argv = run.args + [""] * 7
    await collect_digits(
        host,
        run,
        min_digits=int(argv[0] or 0),
        max_digits=int(argv[1] or 128),
        tries=1,
        terminators=argv[5] or "#",
        var_name=argv[3],
        regexp="",
    )
    return None


async def _record(host: AppHost, run: AppRun) -> str | None:
    path = run.args[0] if run.args else ""
    await host.emit_channel(
        "RECORD_START",
        ("switch_ivr_async.c", "record_callback", 1230),
        extra=[("Record-File-Path", path)],
    )
    action = host.caller.next_talk()
    if isinstance(action, HangUp):
        raise CallerHangup(action.cause)
    seconds = action.seconds if isinstance(action, Talk) else 0.0
    await host.pause(seconds)
    ch = host.channel
    ch.set_var("record_seconds", str(int(seconds)))
    ch.set_var("record_ms", str(int(seconds * 1000)))
    ch.set_var("record_samples", str(int(seconds * 8000)))
    await host.emit_channel(
        "RECORD_STOP",
        ("switch_ivr_async.c", "record_callback", 1290),
        extra=[
            ("Record-File-Path", path),
            ("Record-Completion-Cause", "success-silence" if seconds else "no-input-timeout"),
        ],
    )
    return None


async def _bridge(host: AppHost, run: AppRun) -> str | None:
    ch = host.channel
    outcome = await host.caller.outcome(run.name)
    if outcome != "answer":
        ch.set_var("originate_disposition", outcome)
        ch.set_var("DIALSTATUS", outcome)
        return None
    ch.set_var("bridge_channel", run.expanded_arg)
    ch.times["Channel-Bridged-Time"] = ch.times["Channel-Answered-Time"]
    await host.emit_channel(
        "CHANNEL_BRIDGE",
        ("switch_ivr_bridge.c", "switch_ivr_multi_threaded_bridge", 1700),
        extra=[],
    )
    await host.pause(2.0)
    ch.set_var("bridge_hangup_cause", "NORMAL_CLEARING")
    ch.set_var("last_bridge_hangup_cause", "NORMAL_CLEARING")
    await host.emit_channel(
        "CHANNEL_UNBRIDGE",
        ("switch_ivr_bridge.c", "switch_ivr_multi_threaded_bridge", 1900),
        extra=[],
    )
    return None


async def _queue(host: AppHost, run: AppRun) -> str | None:
    """``callcenter <queue>`` / ``fifo <name> in``: an agent answers (``bridge_outcome``) or not."""
    ch = host.channel
    outcome = await host.caller.outcome(run.name)
    if outcome != "answer":
        if run.name == "callcenter":
            ch.set_var("cc_cause", "cancel")
            ch.set_var("cc_cancel_reason", outcome)
        ch.set_var("originate_disposition", outcome)
        return None
    if run.name == "callcenter":
        ch.set_var("cc_cause", "answered")
    ch.set_var("last_bridge_to", "agent-leg")
    await host.emit_channel(
        "CHANNEL_BRIDGE",
        ("switch_ivr_bridge.c", "switch_ivr_multi_threaded_bridge", 1700),
        extra=[],
    )
    await host.pause(2.0)
    await host.emit_channel(
        "CHANNEL_UNBRIDGE",
        ("switch_ivr_bridge.c", "switch_ivr_multi_threaded_bridge", 1900),
        extra=[],
    )
    return None


APPS: dict[str, AppFunc] = {
    "answer": _answer,
    "pre_answer": _instant,
    "ring_ready": _instant,
    "playback": _playback,
    "speak": _playback,
    "say": _playback,
    "phrase": _playback,
    "gentones": _playback,
    "sleep": _instant,
    "log": _instant,
    "info": _instant,
    "export": _set,
    "set": _set,
    "multiset": _multiset,
    "unset": _unset,
    "play_and_get_digits": _pagd,
    "read": _read,
    "record": _record,
    "bridge": _bridge,
    "callcenter": _queue,
    "fifo": _queue,
    "record_session": _instant,
    "send_dtmf": _instant,
    "event": _instant,
}
"""Applications with a model. ``hangup`` and ``transfer`` end the socket session and are
handled by the call itself; any other name behaves like FreeSWITCH with an unknown
app: ``+OK``, then the channel hangs up with DESTINATION_OUT_OF_ORDER."""
