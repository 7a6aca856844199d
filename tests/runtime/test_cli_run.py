"""`dialscript run`, in process: scripted answers, handlers, journal, JSON output."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from dialscript.cli import run as run_cli
from dialscript.runtime.simulator import Simulator, event_for
from dialscript.runtime.store import SqliteCallStore, open_store

from .builders import NOW, nps

FLOW = """\
flow mini "Mini"
  language ru
  input client_name text
  result score scale 1..10
  outcome completed requires score

step hello
  say "Здравствуйте, {{ client_name }}!"
  ask score "Оценка от 1 до 10?"
    key 0 = 10
    silence 2 times -> bye
  -> thanks

end thanks completed
  say "Спасибо!"

end bye breakoff

handler operator "Оператор"
  key 9
  say "Соединяю"
  resume
"""


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    run_cli.register(parser.add_subparsers())
    args = parser.parse_args(["run", *argv])
    code: int = args.func(args)
    return code


@pytest.fixture
def flow(tmp_path: Path) -> Path:
    path = tmp_path / "mini.flow"
    path.write_text(FLOW, encoding="utf-8")
    return path


def test_scripted_run_prints_transcript_and_record(
    flow: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli(str(flow), "--answers", "!operator,0", "--inputs", "client_name=Иван",
               "--at", "2026-11-24 10:30 Europe/Samara", "--json")  # fmt: skip
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["record"]["outcome"] == "completed"
    assert data["record"]["results"] == {"score": 10}
    assert "say: Здравствуйте, Иван!" in data["transcript"]
    assert "say: Соединяю" in data["transcript"]


def test_ivr_digits_and_silence(flow: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(str(flow), "--channel", "ivr", "--answers", "silence,silence") == 0
    out = capsys.readouterr().out
    assert "ask score (attempt 2): Оценка от 1 до 10?" in out
    record = json.loads(out[out.index("{") :])
    assert record["outcome"] == "breakoff"
    assert "input client_name was not given" in record["warnings"]


def test_script_running_out_hangs_up(flow: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(str(flow), "--answers", "", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["record"]["outcome"] == "breakoff"


def test_journal(flow: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = tmp_path / "calls.sqlite"
    assert cli(str(flow), "--answers", "7", "--journal", str(journal), "--json") == 0
    data = json.loads(capsys.readouterr().out)
    [record] = SqliteCallStore(journal).results("mini")
    assert record.call_id == data["record"]["call_id"] and record.results == {"score": 7}


def test_journal_in_postgres(
    flow: Path, postgres_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(str(flow), "--answers", "7", "--journal", postgres_db, "--json") == 0
    data = json.loads(capsys.readouterr().out)
    store = open_store(postgres_db)
    [record] = store.results("mini")
    store.close()
    assert record.call_id == data["record"]["call_id"] and record.results == {"score": 7}


def test_unreachable_journal_is_exit_3(
    flow: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nowhere = f"postgresql://dialscript@/calls?host={tmp_path}&port=5"
    assert cli(str(flow), "--answers", "7", "--journal", nowhere) == 3
    assert "dialscript run: the call journal failed:" in capsys.readouterr().err


def test_bad_flow_and_bad_arguments(tmp_path: Path, flow: Path) -> None:
    broken = tmp_path / "broken.flow"
    broken.write_text("step a\n  -> nowhere\n", encoding="utf-8")
    assert cli(str(broken), "--answers", "1") == 1
    assert cli(str(flow), "--inputs", "novalue", "--answers", "1") == 2


def test_interactive_with_handler_menu_back_and_ctrl_c() -> None:
    lines = iter(["/handlers", "yes", "3", "back", "/handler off_topic", "вопрос"])

    def read(prompt: str) -> str:
        try:
            return next(lines)
        except StopIteration:
            raise KeyboardInterrupt from None

    sim = Simulator(nps(), inputs={"client_name": "A"}, now=NOW).run_interactive(read)
    assert sim.state.outcome == "breakoff"
    assert "handlers: !off_topic" in sim.transcript
    record = sim.record()
    assert [(a["var"], a["superseded"]) for a in record["answers"]] == [
        ("ready", False), ("score", True), ("question", False)
    ]  # fmt: skip


def test_script_items() -> None:
    assert event_for("a|b", "agent").kind == "agent_answer"
    assert event_for("12#", "ivr").kind == "digits"
    assert event_for("да", "ivr").kind == "text_answer"
    assert event_for("!x", "agent").kind == "handler"
