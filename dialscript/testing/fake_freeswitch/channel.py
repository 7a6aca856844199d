"""State of one fake channel and the header lists of the events it fires.

Header order follows ``switch_event.c`` / ``switch_channel.c`` as seen in the
recordings: standard prefix, channel state block, codecs, ``Caller-*``
profile, ``variable_*`` (for events that carry them), then event headers.
"""

from __future__ import annotations

import itertools
import time
import uuid as uuidlib
from dataclasses import dataclass, field

__all__ = ["FakeChannel", "Host", "new_uuid"]

Headers = list[tuple[str, str]]

_PROFILE_TIMES = (
    "Profile-Created-Time",
    "Channel-Created-Time",
    "Channel-Answered-Time",
    "Channel-Progress-Time",
    "Channel-Progress-Media-Time",
    "Channel-Hangup-Time",
    "Channel-Transfer-Time",
    "Channel-Resurrect-Time",
    "Channel-Bridged-Time",
    "Channel-Last-Hold",
    "Channel-Hold-Accum",
)
_STATE_NUMBER = {"CS_EXECUTE": "4", "CS_HANGUP": "10", "CS_REPORTING": "11", "CS_DESTROY": "12"}


def new_uuid() -> str:
    """A fresh random UUID string."""
    return str(uuidlib.uuid4())


@dataclass(slots=True)
class Host:
    """The switch itself: identity headers and the shared event sequence."""

    hostname: str = "fakefs"
    ipv4: str = "192.0.2.2"
    ipv6: str = "::1"
    core_uuid: str = field(default_factory=new_uuid)
    sequence: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    sounds: frozenset[str] | None = None  # the files `playback` finds; None: every file

    def has_sound(self, path: str) -> bool:
        return self.sounds is None or path in self.sounds

    def prefix(
        self, name: str, where: tuple[str, str, int], *, subclass: str | None = None
    ) -> Headers:
        """The standard header prefix of every event."""
        now = time.time()
        local = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now))
        gmt = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now))
        head: Headers = [("Event-Subclass", subclass)] if subclass else []
        return head + [
            ("Event-Name", name),
            ("Core-UUID", self.core_uuid),
            ("FreeSWITCH-Hostname", self.hostname),
            ("FreeSWITCH-Switchname", self.hostname),
            ("FreeSWITCH-IPv4", self.ipv4),
            ("FreeSWITCH-IPv6", self.ipv6),
            ("Event-Date-Local", local),
            ("Event-Date-GMT", gmt),
            ("Event-Date-Timestamp", str(int(now * 1_000_000))),
            ("Event-Calling-File", where[0]),
            ("Event-Calling-Function", where[1]),
            ("Event-Calling-Line-Number", str(where[2])),
            ("Event-Sequence", str(next(self.sequence))),
        ]


class FakeChannel:
    """One channel: caller profile, state, ordered channel variables."""

    def __init__(
        self,
        host: Host,
        *,
        uuid: str | None = None,
        caller_id_name: str = "Fake Caller",
        caller_id_number: str = "5551234",
        destination_number: str = "7000",
        channel_name: str | None = None,
        context: str = "default",
        variables: dict[str, str] | None = None,
        answered: bool = False,
    ) -> None:
        self.host = host
        self.uuid = uuid or new_uuid()
        self.name = channel_name or f"loopback/{destination_number}-b"
        self.caller_id_name = caller_id_name
        self.caller_id_number = caller_id_number
        self.destination_number = destination_number
        self.context = context
        self.state = "CS_EXECUTE"
        self.call_state = "RINGING"
        self.answer_state = "ringing"
        self.hangup_cause: str | None = None
        created = str(int(time.time() * 1_000_000))
        self.times = dict.fromkeys(_PROFILE_TIMES, "0")
        self.times["Profile-Created-Time"] = self.times["Channel-Created-Time"] = created
        self.vars: dict[str, str] = {
            "direction": "inbound",
            "uuid": self.uuid,
            "session_id": "1",
            "channel_name": self.name,
            "read_codec": "L16",
            "read_rate": "8000",
            "write_codec": "L16",
            "write_rate": "8000",
            "origination_caller_id_number": caller_id_number,
            "origination_caller_id_name": caller_id_name,
            "call_uuid": self.uuid,
        }
        for key, value in (variables or {}).items():
            self.set_var(key, value)
        if answered:
            self.answer()

    # -- state --------------------------------------------------------------------------------

    @property
    def is_up(self) -> bool:
        """False once the channel hung up."""
        return self.hangup_cause is None

    def set_var(self, name: str, value: str | None) -> None:
        """Set (moving it last, as FreeSWITCH does) or unset a channel variable."""
        self.vars.pop(name, None)
        if value is not None:
            self.vars[name] = value

    def answer(self) -> bool:
        """Answer; False if it already was."""
        if self.answer_state == "answered":
            return False
        self.answer_state = "answered"
        self.call_state = "ACTIVE"
        self.times["Channel-Answered-Time"] = str(int(time.time() * 1_000_000))
        self.set_var("endpoint_disposition", "ANSWER")
        return True

    def hang_up(self, cause: str) -> None:
        """Mark the channel hung up with ``cause``."""
        self.hangup_cause = cause
        self.answer_state = "hangup"

    # -- header blocks ------------------------------------------------------------------------

    def profile(self, prefix: str) -> Headers:
        """The caller profile as ``Caller-*`` (or ``Channel-*`` in the connect reply)."""
        p = prefix
        rows: Headers = [
            (f"{p}-Direction", "inbound"),
            (f"{p}-Logical-Direction", "inbound"),
            (f"{p}-Dialplan", "xml"),
            (f"{p}-Caller-ID-Name", self.caller_id_name),
            (f"{p}-Caller-ID-Number", self.caller_id_number),
            (f"{p}-Orig-Caller-ID-Name", self.caller_id_name),
            (f"{p}-Orig-Caller-ID-Number", self.caller_id_number),
            (f"{p}-Callee-ID-Name", "Outbound Call"),
            (f"{p}-Callee-ID-Number", "default"),
            (f"{p}-ANI", self.caller_id_number),
            (f"{p}-Destination-Number", self.destination_number),
            (f"{p}-Unique-ID", self.uuid),
            (f"{p}-Source", "mod_loopback"),
            (f"{p}-Context", self.context),
            (f"{p}-Channel-Name", self.name),
            (f"{p}-Profile-Index", "1"),
        ]
        rows += [(f"{p}-{key}", value) for key, value in self.times.items()]
        rows += [
            (f"{p}-Screen-Bit", "true"),
            (f"{p}-Privacy-Hide-Name", "false"),
            (f"{p}-Privacy-Hide-Number", "false"),
        ]
        return rows

    def state_block(self, *, state: str | None = None, call_state: str | None = None) -> Headers:
        """``Channel-State`` ... ``Answer-State`` [``Hangup-Cause``], codecs, ``Caller-*``."""
        st = state or self.state
        number = "10" if self.hangup_cause and st == "CS_EXECUTE" else _STATE_NUMBER.get(st, "4")
        rows: Headers = [
            ("Channel-State", st),
            ("Channel-Call-State", call_state or self.call_state),
            ("Channel-State-Number", number),
            ("Channel-Name", self.name),
            ("Unique-ID", self.uuid),
            ("Call-Direction", "inbound"),
            ("Presence-Call-Direction", "inbound"),
            ("Channel-HIT-Dialplan", "true"),
            ("Channel-Call-UUID", self.uuid),
            ("Answer-State", self.answer_state),
        ]
        if self.hangup_cause:
            rows.append(("Hangup-Cause", self.hangup_cause))
        rows += [
            ("Channel-Read-Codec-Name", "L16"),
            ("Channel-Read-Codec-Rate", "8000"),
            ("Channel-Read-Codec-Bit-Rate", "128000"),
            ("Channel-Write-Codec-Name", "L16"),
            ("Channel-Write-Codec-Rate", "8000"),
            ("Channel-Write-Codec-Bit-Rate", "128000"),
        ]
        return rows + self.profile("Caller")

    def variables_block(self, order: list[str] | None = None) -> Headers:
        """Every channel variable as ``variable_<name>`` in channel order."""
        names = order or list(self.vars)
        return [(f"variable_{name}", self.vars[name]) for name in names if name in self.vars]

    def event(
        self,
        name: str,
        where: tuple[str, str, int],
        *,
        with_vars: bool = True,
        extra: Headers | None = None,
        state: str | None = None,
        call_state: str | None = None,
        var_order: list[str] | None = None,
    ) -> Headers:
        """Header list of a channel event named ``name``."""
        rows = self.host.prefix(name, where)
        rows += self.state_block(state=state, call_state=call_state)
        if with_vars:
            rows += self.variables_block(var_order)
        return rows + (extra or [])

    def connect_reply(self, *, socket_mode: str, control: str) -> Headers:
        """Headers of the unframed CHANNEL_DATA reply to ``connect``."""
        where = ("mod_event_socket.c", "parse_command", 2021)
        rows = self.host.prefix("CHANNEL_DATA", where)
        rows += self.profile("Channel")
        rows += self.state_block()
        rows += self.variables_block()
        return rows + [
            ("Content-Type", "command/reply"),
            ("Reply-Text", "+OK\n"),
            ("Socket-Mode", socket_mode),
            ("Control", control),
        ]
