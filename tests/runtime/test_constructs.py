"""Every node kind's run-time semantics, on small hand-built flows."""

from __future__ import annotations

from datetime import datetime

from dialscript.graph import expr as x
from dialscript.graph import model as m
from dialscript.runtime import commands as c
from dialscript.runtime import events as e
from dialscript.runtime.interpreter import feed, run_events, start
from dialscript.runtime.state import Limits

from .builders import (
    NOW,
    REASONS,
    ans,
    ask,
    branch,
    cmp,
    flow,
    goto,
    hangup,
    lit,
    q,
    route,
    say,
    setv,
    step,
    var,
    when,
)


def last(out: list[c.Command]) -> c.Command:
    return out[-1]


def loop_flow() -> m.FlowModel:
    return flow(
        "loop",
        step(
            "a",
            setv("i", x.Arith(op="+", left=var("i"), right=lit(1.0))),
            branch(when(cmp("<", var("i"), lit(1e9)), "a")),
        ),  # fmt: skip
        variables=(m.Variable(name="i", role="var", type="number", default=lit(0.0)),),
    ).model


def test_set_and_branch_loop_hits_the_pass_guard() -> None:
    from dialscript.graph.flowgraph import FlowGraph

    graph = FlowGraph(loop_flow())
    state, out = start(graph, now=NOW)
    assert state.outcome == "limit" and state.finished
    assert state.vars["i"] == 100 and "entered more than 100 times" in (state.reason or "")
    assert [cmd.kind for cmd in out] == ["set_outcome", "hangup", "finished"]


def test_step_guard() -> None:
    from dialscript.graph.flowgraph import FlowGraph

    graph = FlowGraph(loop_flow())
    state, out = start(graph, now=NOW, limits=Limits(max_steps=50, max_passes=10**6))
    assert state.outcome == "limit" and "more than 50 steps" in (state.reason or "")
    assert state.vars["i"] == 25


def test_at_most_n_times_takes_the_limit_route() -> None:
    graph = flow(
        "limited",
        step(
            "a",
            m.LimitNode(id="", step="", times=2, routes=(route("limit", "out"),)),
            say("again"),
            goto("a"),
        ),  # fmt: skip
        step("out", say("enough"), hangup()),
    )
    state, out = start(graph, now=NOW)
    assert [cmd.text for cmd in out if isinstance(cmd, c.Say)] == ["again", "again", "enough"]
    assert state.outcome is None and state.finished


def test_branch_conditions_in_order_then_else_then_next() -> None:
    graph = flow(
        "br",
        step(
            "a",
            branch(
                when(cmp(">", var("n"), lit(5.0)), "big"), when(cmp(">", var("n"), lit(2.0)), "mid")
            ),
            goto("small"),
        ),  # fmt: skip
        step("big", say("big"), hangup()),
        step("mid", say("mid"), hangup()),
        step("small", say("small"), hangup()),
        variables=(m.Variable(name="n", role="input", type="number"),),
    )
    for n, expected in ((9, "big"), (3, "mid"), (1, "small"), ("x", "small")):
        _, out = start(graph, {"n": n}, now=NOW)
        assert isinstance(out[0], c.Say) and out[0].text == expected, n


def lookup_flow(error_route: bool) -> m.FlowModel:
    routes = (route("error", "sorry"),) if error_route else ()
    lookup = m.LookupNode(id="", step="", var="order", source="orders",
                          args={"id": var("order_id")}, timeout=3.0, routes=routes)  # fmt: skip
    return flow(
        "lk",
        step("a", lookup, say("Статус: {{ order.status }}"), hangup()),
        step("sorry", say("Нет связи"), hangup()),
        variables=(m.Variable(name="order_id", role="input", type="digits"),),
    ).model


def test_lookup_sets_the_variable_from_the_result() -> None:
    from dialscript.graph.flowgraph import FlowGraph

    graph = FlowGraph(lookup_flow(True))
    state, out = start(graph, {"order_id": 42}, now=NOW)
    assert out == [c.HttpRequest("orders", {"id": "42"}, 3.0, "order")] and state.wait == "http"
    state, out = feed(graph, state, e.HttpResult({"status": "в пути"}))
    assert isinstance(out[0], c.Say) and out[0].text == "Статус: в пути"
    assert state.vars["order"] == {"status": "в пути"}


def test_lookup_failure_takes_the_error_route_or_ends_with_error() -> None:
    from dialscript.graph.flowgraph import FlowGraph

    graph = FlowGraph(lookup_flow(True))
    state, out = run_events(graph, [e.HttpFailed("timeout")], {"order_id": "1"}, now=NOW)
    assert isinstance(out[1], c.Say) and out[1].text == "Нет связи"
    graph = FlowGraph(lookup_flow(False))
    state, out = run_events(graph, [e.HttpFailed("timeout")], {"order_id": "1"}, now=NOW)
    assert state.outcome == "error" and "no error route" in (state.reason or "")
    assert last(out) == c.Finished("error", {}, state.reason)


def test_lookup_missing_field_renders_placeholder() -> None:
    from dialscript.graph.flowgraph import FlowGraph

    graph = FlowGraph(lookup_flow(True))
    state, out = run_events(graph, [e.HttpResult({})], {"order_id": "1"}, now=NOW)
    assert isinstance(out[1], c.Say) and out[1].text == "Статус: [?status]"


def transfer_flow(failed: bool) -> m.FlowModel:
    routes = (route("failed", "vm"),) if failed else ()
    node = m.TransferNode(id="", step="", mode="queue", destination="support", timeout=30.0,
                          routes=routes)  # fmt: skip
    return flow("tr", step("a", node), step("vm", say("voicemail"), hangup())).model


def test_transfer_success_ends_the_flow_as_transferred() -> None:
    from dialscript.graph.flowgraph import FlowGraph

    graph = FlowGraph(transfer_flow(True))
    state, out = start(graph, now=NOW)
    assert out == [c.Queue("support", 30.0, "a")] and state.wait == "transfer"
    state, out = feed(graph, state, e.TransferResult(ok=True))
    assert state.outcome == "transferred" and state.finished
    assert [cmd.kind for cmd in out] == ["set_outcome", "finished"]


def test_transfer_failure_takes_failed_route_or_errors() -> None:
    from dialscript.graph.flowgraph import FlowGraph

    state, out = run_events(FlowGraph(transfer_flow(True)), [e.TransferResult(False, "busy")],
                            now=NOW)  # fmt: skip
    assert isinstance(out[1], c.Say) and out[1].text == "voicemail"
    state, out = run_events(FlowGraph(transfer_flow(False)), [e.TransferResult(False, "busy")],
                            now=NOW)  # fmt: skip
    assert state.outcome == "error"


def test_note_is_for_agents_only_and_play_record_sms() -> None:
    graph = flow(
        "misc",
        step(
            "a",
            m.NoteNode(id="", step="", text={"ru": "не читать вслух"}),
            m.PlayNode(id="", step="", audio={"ru": "hello.wav"}),
            m.RecordNode(id="", step="", var="msg", max_seconds=30),
            m.SmsNode(id="", step="", to="phone", text={"ru": "Запись {{ msg }}"}),
            m.SmsNode(id="", step="", to="nobody", text={"ru": "x"}),
            hangup("NORMAL_CLEARING"),
        ),
        variables=(
            m.Variable(name="phone", role="input", type="phone"),
            m.Variable(name="msg", role="result", type="text"),
        ),  # fmt: skip
    )
    state, out = start(graph, {"phone": "+79001234567"}, now=NOW, channel="agent")
    assert [cmd.kind for cmd in out] == ["note", "play", "record", "set_result", "sms", "hangup",
                                         "finished"]  # fmt: skip
    record = out[2]
    assert isinstance(record, c.Record) and state.results["msg"] == record.reference
    assert out[4] == c.SendSms("+79001234567", f"Запись {record.reference}")
    assert any("sms not sent" in t.get("warning", "") for t in state.trace)
    _, out = start(graph, {"phone": "+79001234567"}, now=NOW, channel="ivr")
    assert "note" not in [cmd.kind for cmd in out]


def test_require_says_message_and_counts_invalid_then_invalid_route() -> None:
    adult = m.Check(when=cmp(">=", var("age"), lit(18.0)), text={"ru": "Только 18+"})
    node = ask("age", "Возраст?", q("number"), route("invalid", "bye", times=2), requires=(adult,))
    graph = flow("req", step("a", node, goto("ok")), step("ok", say("ok"), hangup()),
                 step("bye", say("bye"), hangup()))  # fmt: skip
    state, _ = start(graph, now=NOW)
    state, out = feed(graph, state, e.AgentAnswer("15"))
    assert isinstance(out[0], c.Say) and out[0].text == "Только 18+"
    assert isinstance(out[1], c.Ask) and out[1].attempt == 2
    state, out = feed(graph, state, e.AgentAnswer("16"))
    assert isinstance(out[1], c.Say) and out[1].text == "bye"
    state, out = run_events(graph, [e.AgentAnswer("30")], now=NOW)
    assert state.vars["age"] == 30 and isinstance(out[1], c.Say) and out[1].text == "ok"


def test_confirm_asks_yes_no_and_no_reasks() -> None:
    node = ask("score", "Оценка?", q("scale", low=1, high=10),
               confirms=(m.Check(when=cmp("<=", var("score"), lit(2.0)),
                                 text={"ru": "Вы уверены, что {{ score }}?"}),))  # fmt: skip
    graph = flow("cf", step("a", node, hangup()))
    state, _ = start(graph, now=NOW)
    state, out = feed(graph, state, e.AgentAnswer("1"))
    confirm = out[0]
    assert isinstance(confirm, c.Ask) and confirm.confirmation and confirm.question.type == "yesno"
    assert confirm.text == "Вы уверены, что 1?"
    assert state.wait == "confirm" and "score" not in state.vars
    state, out = feed(graph, state, e.Digits("2"))  # no: ask the question again
    assert isinstance(out[0], c.Ask) and not out[0].confirmation and out[0].node == "a"
    state, out = feed(graph, state, e.AgentAnswer("1"))
    state, out = feed(graph, state, e.AgentAnswer("да"))
    assert state.vars["score"] == 1 and state.finished
    _, out = run_events(graph, [e.AgentAnswer(9)], now=NOW)  # no confirmation needed
    assert out[-1].kind == "finished"


def test_menu_keys_and_routes_and_special_answers() -> None:
    keys = m.Question(type="keys", keys={"1": "1", "0": "0"}, accepts_special=False)
    menu = ask("choice", "1 — статус, 0 — оператор", keys, ans("status", "1"), ans("op", "0"),
               is_menu=True)  # fmt: skip
    graph = flow("menu", step("a", menu), step("status", say("status"), hangup()),
                 step("op", say("operator"), hangup()))  # fmt: skip
    _, out = run_events(graph, [e.Digits("0")], now=NOW, channel="ivr")
    assert isinstance(out[1], c.Say) and out[1].text == "operator"
    state, out = run_events(graph, [e.Digits("5")], now=NOW, channel="ivr")
    assert state.wait == "answer" and isinstance(out[-1], c.Ask) and out[-1].attempt == 2
    state, out = run_events(graph, [e.AgentAnswer("dont_know")], now=NOW)
    assert state.wait == "answer"  # a menu does not take special answers


def test_answer_routes_with_ranges_lists_and_special() -> None:
    routes = (ans("low", ranges=((1.0, 6.0),)), ans("high", 9.0, 10.0), ans("dk", "dont_know"),
              route("otherwise", "mid"))  # fmt: skip
    node = ask("score", "?", q("scale", low=1, high=10), *routes)
    steps = [step(n, say(n), hangup()) for n in ("low", "high", "dk", "mid")]
    graph = flow("r", step("a", node), *steps)
    for answer, expected in (("3", "low"), ("10", "high"), ("7", "mid"), ("не знаю", "dk")):
        _, out = run_events(graph, [e.AgentAnswer(answer)], now=NOW)
        assert isinstance(out[1], c.Say) and out[1].text == expected, answer


def test_many_of_answers() -> None:
    node = ask("why", "Почему?", q("many", choices=REASONS), ans("dl", "delivery"), goto("end"))
    graph = flow("many", step("a", node), step("dl", say("dl"), hangup()),
                 step("end", say("end"), hangup()))  # fmt: skip
    state, out = run_events(graph, [e.Digits("13")], now=NOW, channel="ivr")
    assert state.vars["why"] == ["assortment", "delivery"]
    assert isinstance(out[1], c.Say) and out[1].text == "dl"
    state, _ = run_events(graph, [e.AgentAnswer(["stock", "другое"])], now=NOW)
    assert state.vars["why"] == ["stock", "other"]


def test_open_and_closed_schedules_use_the_event_clock() -> None:
    office = m.Schedule(name="office", timezone="Europe/Samara",
                        hours=(m.Hours(days=(0, 1, 2, 3, 4), ranges=(("09:00", "18:00"),)),),
                        holidays=(("2026-01-01", "2026-01-08"),))  # fmt: skip
    graph = flow(
        "hours",
        step("a", branch(when(x.OpenNow(schedule="office"), "open")), goto("closed")),
        step("open", say("open"), hangup()),
        step("closed", say("closed"), hangup()),
        schedules={"office": office},
    )
    cases = [
        (datetime.fromisoformat("2026-11-24T10:30+04:00"), "open"),  # Tuesday in Samara
        (datetime.fromisoformat("2026-11-24T05:30+00:00"), "open"),  # 09:30 in Samara
        (datetime.fromisoformat("2026-11-24T04:30+00:00"), "closed"),  # 08:30 in Samara
        (datetime.fromisoformat("2026-11-28T12:00+04:00"), "closed"),  # Saturday
        (datetime.fromisoformat("2026-01-05T12:00+04:00"), "closed"),  # holiday
    ]
    for now, expected in cases:
        _, out = start(graph, now=now)
        assert isinstance(out[0], c.Say) and out[0].text == expected, now


def test_subflow_call_with_args_and_returning() -> None:
    sub = flow(
        "verify",
        step("check", ask("ok", "Вы {{ who }}?", q("yesno"), ans("good", "yes"), ans("bad", "no"))),
        step("good", say("верно"), end="verified"),
        step("bad", end="failed"),
        ends=("good", "bad"),
        variables=(
            m.Variable(name="who", role="input", type="text"),
            m.Variable(name="ok", role="result", type="yesno"),
        ),  # fmt: skip
    )
    call = m.CallNode(id="", step="", flow="verify", args={"who": var("client")},
                      returning={"confirmed": "ok"})  # fmt: skip
    graph = flow(
        "main",
        step("a", call, say("итог {{ confirmed }}"), hangup()),
        variables=(
            m.Variable(name="client", role="input", type="text"),
            m.Variable(name="confirmed", role="result", type="yesno"),
        ),  # fmt: skip
        subflows={"verify": sub.model},
    )
    state, out = start(graph, {"client": "Иван"}, now=NOW)
    assert isinstance(out[0], c.Ask) and out[0].text == "Вы Иван?" and state.path == ["verify"]
    state, out = feed(graph, state, e.AgentAnswer("да"))
    assert [cmd.kind for cmd in out] == ["say", "set_result", "say", "hangup", "finished"]
    assert isinstance(out[2], c.Say) and out[2].text == "итог yes"
    assert state.outcome is None and state.results == {"confirmed": "yes"}
    assert state.vars == {"client": "Иван", "confirmed": "yes"}
