"""A fixed text plays the voice talent's recording when the switch has it; otherwise,
and for texts with fields, it is spoken by TTS."""

from __future__ import annotations

from pathlib import Path

from dialscript.graph.prompts import recording_id
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
    else -> bye
    silence 1 times -> bye
    invalid 1 times -> bye

end bye done
"""
BINDINGS = """\
[test.audio]
prompts = "/prompts"
"""


def test_recorded_prompt_played_missing_one_spoken(tmp_path: Path) -> None:
    folder = tmp_path / "flows"
    folder.mkdir()
    (folder / "greet.flow").write_text(FLOW, encoding="utf-8")
    (folder / "dialscript.bindings.toml").write_text(BINDINGS, encoding="utf-8")
    recorded = f"/prompts/{recording_id('greet', 'hello', 'say', 'ru')}.wav"
    missing = f"/prompts/{recording_id('greet', 'hello.2', 'say', 'ru')}.wav"
    rig = new_rig(tmp_path)
    call = run(
        place(
            rig,
            "greet",
            ScriptedCaller([Press("1")]),
            inputs={"client_name": "Иван"},
            folder=folder,
            sounds=(recorded,),
        )
    )
    apps = [(app.name, app.arg, app.response) for app in call.apps]
    played = [a for a in apps if a[0] in ("playback", "speak")]
    assert played[0] == ("playback", recorded, "FILE PLAYED")
    # The text with a field is never looked up: it is spoken at once.
    assert played[1][0] == "speak" and "Иван, это компания Уралэнерго." in played[1][1]
    # A fixed text with no recording: the playback misses, TTS says it.
    assert played[2] == ("playback", missing, "FILE NOT FOUND")
    assert played[3][0] == "speak" and "Звонок записывается." in played[3][1]
    assert rig.record(call).outcome == "done"
