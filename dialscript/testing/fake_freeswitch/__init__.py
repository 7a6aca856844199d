"""A faithful fake FreeSWITCH for tests: outbound ``socket`` calls and an inbound ESL port.

Public API::

    async with FakeFreeSWITCH() as fs:
        call = await fs.place_call(host, port, variables={...},
                                   caller=ScriptedCaller([Press("7"), Silence(), HangUp()]))
        await call.finished()
        call.apps          # [AppRun(name, arg, app_uuid, ...)] in order
        call.hangup_cause  # "NORMAL_CLEARING"

Frames are byte-faithful to FreeSWITCH 1.10.12 as recorded in ``shared/esl``.
"""

from __future__ import annotations

from .apps import AppRun, split_app_args
from .call import FakeCall
from .caller import Faults, HangUp, HangUpDuring, Press, ScriptedCaller, Silence, Talk
from .server import FakeFreeSWITCH

__all__ = [
    "AppRun",
    "FakeCall",
    "FakeFreeSWITCH",
    "Faults",
    "HangUp",
    "HangUpDuring",
    "Press",
    "ScriptedCaller",
    "Silence",
    "Talk",
    "split_app_args",
]
