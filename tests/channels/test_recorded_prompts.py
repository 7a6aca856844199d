"""A fixed text, said or asked, plays the voice talent's recording when the switch has it
(``api file_exists``); otherwise, and for texts with fields, it is spoken by TTS."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from dialscript.graph.prompts import recording_id
from dialscript.runtime.channels.prompts import RecordedPrompts
from dialscript.testing.fake_freeswitch import Press, ScriptedCaller

from .harness import new_rig, place, run

FLOW = """\
flow greet "Greeting"
  language ru
  channel ivr
  input client_name text
  result ok yes/no
  outcome done

step hello
  say "Добрый день!"
  say "{{ client_name }}, это компания Уралэнерго."
  say "Звонок записывается."
  ask ok "Вам удобно говорить?" yes/no
    reprompt "Нажмите 1, если да, или 2, если нет."
    else -> bye
    silence 2 times -> bye
    invalid 2 times -> bye

end bye done
"""
BINDINGS = """\
[test.audio]
prompts = "/prompts"
"""


def wav(node: str, part: str) -> str:
    return f"/prompts/{recording_id('greet', node, part, 'ru')}.wav"


def test_recordings_are_played_where_the_switch_has_them_and_spoken_where_not(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "flows"
    folder.mkdir()
    (folder / "greet.flow").write_text(FLOW, encoding="utf-8")
    (folder / "dialscript.bindings.toml").write_text(BINDINGS, encoding="utf-8")
    greeting, asked = wav("hello", "say"), wav("hello.3", "ask")
    rig = new_rig(tmp_path)
    call = run(
        place(
            rig,
            "greet",
            ScriptedCaller([Press("7"), Press("1")]),  # an invalid key first: the reprompt
            inputs={"client_name": "Иван"},
            folder=folder,
            sounds=(greeting, asked),
        )
    )
    played = [(a.name, a.arg) for a in call.apps if a.name in ("playback", "speak")]
    assert played[0] == ("playback", greeting)
    # The text with a field is never looked up: it is spoken at once.
    assert played[1][0] == "speak" and "Иван, это компания Уралэнерго." in played[1][1]
    # A fixed text with no recording is spoken, without a failed playback first.
    assert played[2][0] == "speak" and "Звонок записывается." in played[2][1]
    assert len(played) == 3
    questions = [a.arg for a in call.apps if a.name == "play_and_get_digits"]
    assert questions[0].split()[5] == asked  # the recording is the prompt of the question
    assert "say:Нажмите 1, если да, или 2, если нет." in questions[1]  # not recorded
    lookups = [c for c in call.commands if c.startswith("api file_exists")]
    assert lookups == [
        f"api file_exists {path}"
        for path in (greeting, wav("hello.2", "say"), asked, wav("hello.3", "reprompt2"))
    ]
    record = rig.record(call)
    assert record.outcome == "done" and record.results == {"ok": "yes"}


class _Switch:
    """Answers ``file_exists`` slowly, counting the questions (for the cache's own logic)."""

    def __init__(self, files: set[str]) -> None:
        self.files = files
        self.asked: list[str] = []

    async def api(self, command: str) -> str:
        self.asked.append(command)
        await asyncio.sleep(0.01)
        return "true" if command.split(" ", 1)[1] in self.files else "false"


def test_one_lookup_per_file_shared_by_calls_and_kept_for_the_ttl() -> None:
    now = [0.0]
    switch = _Switch({"/p/a.wav"})
    session: Any = SimpleNamespace(connection=switch)
    recorded = RecordedPrompts(ttl=60.0, clock=lambda: now[0])

    async def calls() -> list[bool]:
        return list(await asyncio.gather(*(recorded.has(session, "/p/a.wav") for _ in range(50))))

    assert run(calls()) == [True] * 50
    assert switch.asked == ["file_exists /p/a.wav"]  # fifty calls at once: one question
    now[0] = 59.0
    switch.files.clear()  # the recording is removed; the answer is kept for a minute
    assert run(recorded.has(session, "/p/a.wav")) is True
    now[0] = 61.0
    assert run(recorded.has(session, "/p/a.wav")) is False
    assert len(switch.asked) == 2
    assert run(recorded.has(session, "/p/${system(id)}.wav")) is False  # never sent
    assert len(switch.asked) == recorded.lookups == 2
