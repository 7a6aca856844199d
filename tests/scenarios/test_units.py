"""Unit tests of the scenario machinery: driver registry, world, checks, coverage, skeleton."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialscript.runtime import events as e
from dialscript.testing.scenarios import DRIVERS, InProcessDriver, ScenarioFailure, register_driver
from dialscript.testing.scenarios.checks import matches
from dialscript.testing.scenarios.coverage import CoverageRecorder
from dialscript.testing.scenarios.skeleton import skeleton
from dialscript.testing.scenarios.steps import CATALOGUE
from dialscript.testing.scenarios.world import ScenarioCall, load_flow, parse_time

REPO = Path(__file__).resolve().parents[2]
NPS = REPO / "flows" / "nps_survey.flow"


@pytest.fixture
def call(monkeypatch: pytest.MonkeyPatch) -> ScenarioCall:
    monkeypatch.chdir(REPO)
    scenario = ScenarioCall(rootdir=REPO)
    scenario.use_flow("flows/nps_survey.flow", {"client_name": "Иван", "operator_name": "Ольга"})
    return scenario


def test_every_step_has_an_english_and_a_russian_wording() -> None:
    assert len(CATALOGUE) >= 30
    for _kind, patterns in CATALOGUE:
        assert len(patterns) >= 2, patterns
        assert any(any("а" <= ch <= "я" for ch in p) for p in patterns[1:]), patterns


def test_drivers_registry_takes_a_new_channel() -> None:
    register_driver("test-echo", InProcessDriver)
    try:
        assert ScenarioCall(rootdir=REPO, channel="test-echo").driver_name == "test-echo"
        assert DRIVERS["test-echo"] is InProcessDriver
    finally:
        del DRIVERS["test-echo"]


def test_unknown_driver_is_named(call: ScenarioCall) -> None:
    call.driver_name = "esl-missing"
    with pytest.raises(ValueError, match="no call driver named 'esl-missing'"):
        call.answer_call()


def test_the_window_is_since_the_latest_when(call: ScenarioCall) -> None:
    call.answer_call()
    call.send(e.AgentAnswer("yes"))
    heard = " ".join(getattr(cmd, "text", "") for cmd in call.recent())
    assert "время опроса" in heard and "добрый день" not in heard


def test_failure_names_step_file_line_and_answers(call: ScenarioCall) -> None:
    call.send(e.AgentAnswer("yes"))
    call.send(e.AgentAnswer("7"))
    failure = call.fail("result x")
    assert isinstance(failure, ScenarioFailure)
    assert str(failure) == (
        'result x (call at step "why", flows/nps_survey.flow:84; answers so far: greeting=yes,'
        " score=7)"
    )


def test_matches_substring_and_regex() -> None:
    assert matches("добрый ДЕНЬ", "Иван, Добрый день!")
    assert matches("/^Иван,/", "Иван, добрый день")
    assert not matches("/^добрый/", "Иван, добрый день")


def test_parse_time_with_zone() -> None:
    assert parse_time("2026-11-24 10:30 Europe/Samara").utcoffset() is not None
    with pytest.raises(ScenarioFailure, match="unknown time zone"):
        parse_time("2026-11-24 10:30 Mars/Olympus")


def test_coverage_counts_answers_conditions_and_handlers(call: ScenarioCall) -> None:
    recorder = CoverageRecorder()
    call.recorder = recorder.record
    call.send(e.AgentAnswer("no"))
    call.send(e.AgentAnswer("завтра"))
    call.finish()
    report = recorder.report()
    taken = {item.label for item, hit in report.items.items() if hit}
    assert "step greeting: answer no -> callback_offer" in taken
    assert "step callback_offer: if #1 -> callback_goodbye" in taken
    assert "step when: any other answer -> agreed" in taken
    assert "step callback_offer: else -> refused_goodbye" not in taken
    assert 0 < report.percent < 100
    assert "flows/nps_survey.flow:" in report.render()


def test_skeleton_has_a_scenario_per_path_and_per_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    text = skeleton(load_flow(Path("flows/nps_survey.flow")), "flows/nps_survey.flow")
    assert text.startswith("Feature: ")
    assert 'Given the flow "flows/nps_survey.flow"' in text
    assert text.count("Scenario: Path") <= 50
    assert 'When the agent opens the handler "off_topic"' in text
    assert 'And the outcome is "completed"' in text
