"""A controlled call: the object an outbound handler receives.

:class:`CallSession` wraps one outbound :class:`~.connection.ESLConnection`
with call-level verbs. Every verb runs one application with ``event-lock``,
sends its argument as a body, and waits for its CHANNEL_EXECUTE_COMPLETE,
raising :class:`CallHungUp` if the caller leaves first.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Mapping, Sequence

from .args import (
    MULTISET_MAX,
    check_no_expansion,
    has_expansion,
    multiset_args,
    pagd_args,
    positional,
)
from .connection import ESLConnection
from .errors import UnsafeValue
from .events import Event
from .streams import EventStream
from .vocab import HangupCause

__all__ = ["CallSession"]

_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,127}\Z")
_TTS_WORD = re.compile(r"[A-Za-z0-9_.:/-]+\Z")
_TRUE = ("true", "yes", "on", "1")


class CallSession:
    """One call under our control (outbound ``socket`` session)."""

    def __init__(
        self,
        connection: ESLConnection,
        channel_data: Event,
        *,
        hangup_timeout: float = 10.0,
    ) -> None:
        uuid = channel_data.uuid
        if not uuid:
            raise UnsafeValue("connect reply without Unique-ID")
        self.connection = connection
        self.channel_data = channel_data
        """The CHANNEL_DATA event FreeSWITCH sent in reply to ``connect``."""
        self.uuid = uuid
        self.hangup_timeout = hangup_timeout
        connection.controlled_uuid = uuid
        flag = channel_data.variable("app_disable_expand_variables") or ""
        self.expansion_disabled = flag.lower() in _TRUE
        """True when FreeSWITCH will not expand ``${...}`` in our arguments."""
        self._var_ids = itertools.count(1)

    # -- channel facts ----------------------------------------------------------------------------

    @property
    def variables(self) -> Mapping[str, str]:
        """Channel variables as of ``connect``."""
        return self.channel_data.variables

    @property
    def caller_id_name(self) -> str | None:
        """``Caller-Caller-ID-Name``."""
        return self.channel_data.get("Caller-Caller-ID-Name")

    @property
    def caller_id_number(self) -> str | None:
        """``Caller-Caller-ID-Number``."""
        return self.channel_data.get("Caller-Caller-ID-Number")

    @property
    def destination_number(self) -> str | None:
        """``Caller-Destination-Number``."""
        return self.channel_data.get("Caller-Destination-Number")

    @property
    def hung_up(self) -> bool:
        """True once the channel hung up."""
        return self.connection.is_hung_up(self.uuid)

    @property
    def hangup_cause(self) -> str | None:
        """The hangup cause, once known."""
        return self.connection.hangup_cause(self.uuid)

    def events(self, names: Collection[str] | None = None, *, maxsize: int = 10000) -> EventStream:
        """A stream of this channel's events (use ``with session.events() as s:``)."""
        return self.connection.subscribe(self.uuid, names, maxsize=maxsize)

    # -- verbs ------------------------------------------------------------------------------------

    def _guard(self, what: str, text: str) -> str:
        if not self.expansion_disabled and has_expansion(text):
            raise UnsafeValue(
                f"{what} contains ${{...}} and expansion is enabled on this channel: {text[:60]!r}"
            )
        return text

    async def execute(
        self, app: str, arg: str | None = None, *, timeout: float | None = None
    ) -> Event:
        """Run any application and return its CHANNEL_EXECUTE_COMPLETE event."""
        if arg:
            self._guard(f"argument of {app}", arg)
        return await self.connection.execute_and_wait(app, arg, timeout=timeout)

    async def disable_expansion(self) -> None:
        """Set ``app_disable_expand_variables=true`` so ``${...}`` in arguments stays literal."""
        await self.connection.execute_and_wait("set", "app_disable_expand_variables=true")
        self.expansion_disabled = True

    async def answer(self) -> Event:
        """``answer``."""
        return await self.execute("answer")

    async def playback(self, path: str, *, timeout: float | None = None) -> Event:
        """``playback <path>``; ``Application-Response`` tells ``FILE PLAYED`` from errors."""
        return await self.execute("playback", path, timeout=timeout)

    async def speak(
        self, text: str, *, engine: str = "flite", voice: str = "kal", timeout: float | None = None
    ) -> Event:
        """``speak engine|voice|text``; ``${`` is refused unless expansion is disabled."""
        for word in (engine, voice):
            if not _TTS_WORD.match(word):
                raise UnsafeValue(f"bad TTS engine/voice {word!r}")
        return await self.execute("speak", f"{engine}|{voice}|{text}", timeout=timeout)

    async def play_and_get_digits(
        self,
        file: str,
        *,
        min_digits: int = 1,
        max_digits: int = 1,
        tries: int = 3,
        timeout_ms: int = 5000,
        terminators: str = "#",
        invalid_file: str = "",
        regexp: str = "",
        digit_timeout_ms: int | None = None,
        timeout: float | None = None,
    ) -> str | None:
        """Prompt and collect digits; the digits, or ``None`` on timeout / no valid input.

        Results come from the COMPLETE event's ``variable_read_result`` and a
        variable name unique to this prompt (digits never appear in the reply).
        """
        var = f"dialscript_digits_{next(self._var_ids)}"
        arg = pagd_args(
            file=self._guard("prompt file", file),
            min_digits=min_digits,
            max_digits=max_digits,
            tries=tries,
            timeout_ms=timeout_ms,
            terminators=terminators,
            invalid_file=self._guard("invalid file", invalid_file),
            var_name=var,
            regexp=self._guard("regexp", regexp),
            digit_timeout_ms=digit_timeout_ms,
        )
        done = await self.execute("play_and_get_digits", arg, timeout=timeout)
        if done.variable("read_result") != "success":
            return None
        return done.variable(var)

    async def record(
        self,
        path: str,
        *,
        time_limit_s: int | None = None,
        silence_threshold: int | None = None,
        silence_hits: int | None = None,
        timeout: float | None = None,
    ) -> Event:
        """``record <path> [limit [threshold [hits]]]``; ``record_ms`` etc. are on the event."""
        tokens: list[str | int] = [path]
        for value in (time_limit_s, silence_threshold, silence_hits):
            if value is None:
                break
            tokens.append(value)
        return await self.execute("record", positional(*tokens), timeout=timeout)

    async def transfer(
        self, destination: str, *, dialplan: str = "XML", context: str = "default"
    ) -> Event:
        """``transfer <destination> <dialplan> <context>``; the socket session then ends."""
        return await self.execute("transfer", positional(destination, dialplan, context))

    async def bridge(self, dial_string: str, *, timeout: float | None = None) -> Event:
        """``bridge <dial string>``; outcome in ``variable_originate_disposition`` etc."""
        check_no_expansion("dial string", dial_string)
        if any(c.isspace() for c in dial_string):
            raise UnsafeValue(f"dial string with blanks: {dial_string[:60]!r}")
        return await self.execute("bridge", dial_string, timeout=timeout)

    async def set_variable(self, name: str, value: str) -> Event:
        """``set name=value`` (FreeSWITCH refuses to store values holding ``${``)."""
        if not _VAR_NAME.match(name):
            raise UnsafeValue(f"bad variable name {name!r}")
        check_no_expansion(f"value of {name}", value)
        return await self.execute("set", f"{name}={value}")

    async def set_variables(self, pairs: Sequence[tuple[str, str]]) -> Event | None:
        """Set several variables in one application: ``set`` for one, else ``multiset``.

        Same checks as :meth:`set_variable`; one sendmsg and one COMPLETE event
        per :data:`MULTISET_MAX` variables. Returns the last COMPLETE event.
        """
        for name, value in pairs:
            if not _VAR_NAME.match(name):
                raise UnsafeValue(f"bad variable name {name!r}")
            check_no_expansion(f"value of {name}", value)
        if len(pairs) == 1:
            return await self.set_variable(*pairs[0])
        done = None
        for start in range(0, len(pairs), MULTISET_MAX):
            done = await self.execute(
                "multiset", multiset_args(pairs[start : start + MULTISET_MAX])
            )
        return done

    async def get_variable(self, name: str) -> str | None:
        """Current value via ``api uuid_getvar`` (``None`` when unset)."""
        if not _VAR_NAME.match(name):
            raise UnsafeValue(f"bad variable name {name!r}")
        value = await self.connection.api(f"uuid_getvar {self.uuid} {name}")
        return None if value in ("_undef_", "") or value.startswith("-ERR") else value

    async def kill(self, cause: str = HangupCause.NORMAL_TEMPORARY_FAILURE) -> str:
        """Hang up NOW (``api uuid_kill``), even in the middle of an application.

        A ``sendmsg`` hangup would wait for the running application to finish
        (``event-lock``); the reply text is returned (``+OK`` or ``-ERR ...``).
        """
        if cause not in HangupCause.__members__:
            raise UnsafeValue(f"not a hangup cause: {cause!r}")
        return await self.connection.api(f"uuid_kill {self.uuid} {cause}")

    async def hangup(self, cause: str = HangupCause.NORMAL_CLEARING) -> str | None:
        """Hang up (no-op if already down) and wait for CHANNEL_HANGUP; returns the cause."""
        if not self.hung_up:
            await self.connection.hangup(str(cause))
        return await self.connection.wait_hangup(self.uuid, self.hangup_timeout)
