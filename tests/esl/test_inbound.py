"""InboundClient against the fake switch's inbound port."""

from __future__ import annotations

import asyncio

import pytest

from dialscript.runtime.esl import (
    AuthFailed,
    CallSession,
    CommandFailed,
    ConnectionLost,
    InboundClient,
    OutboundServer,
    UnsafeValue,
    originate_command,
)
from dialscript.testing.fake_freeswitch import FakeFreeSWITCH, Press, ScriptedCaller

from .helpers import run


def test_auth_ok_api_and_bgapi() -> None:
    async def scenario() -> None:
        async with FakeFreeSWITCH(password="s3cret") as fs:
            host, port = fs.inbound_address
            async with InboundClient(host, port, "s3cret") as client:
                assert client.connected
                assert (await client.api("version")).startswith("FreeSWITCH Version 1.10.12")
                assert await client.api("bogus_cmd x") == "-ERR bogus_cmd Command not found!\n"
                assert await client.bgapi("echo hello world", timeout=2) == "hello world"
                with pytest.raises(UnsafeValue):
                    await client.bgapi("echo hello\n\napi system id")  # refused, nothing sent
                assert (await client.bgapi("status", timeout=2)).startswith("UP ")
            session = fs.sessions[0]
            assert session.commands[:2] == ["auth s3cret", "event plain BACKGROUND_JOB"]
            assert [c.split()[0] for c in session.commands[2:]] == [
                "api", "api", "bgapi", "bgapi", "exit",
            ]  # fmt: skip

    run(scenario())


def test_auth_failure_is_typed_and_final() -> None:
    async def scenario() -> None:
        async with FakeFreeSWITCH(password="right") as fs:
            client = InboundClient(*fs.inbound_address, password="wrong")
            with pytest.raises(AuthFailed) as info:
                await client.start()
            assert info.value.reply == "-ERR invalid"
            assert not client.connected
            await client.close()

    run(scenario())


def test_unreachable_is_connection_lost() -> None:
    async def scenario() -> None:
        server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        server.close()
        await server.wait_closed()
        with pytest.raises(ConnectionLost):
            await InboundClient("127.0.0.1", port, connect_timeout=1).start()

    run(scenario())


def test_reconnects_with_backoff_after_drop() -> None:
    async def scenario() -> None:
        async with FakeFreeSWITCH() as fs:
            client = InboundClient(*fs.inbound_address, backoff_initial=0.01, backoff_max=0.05)
            await client.start()
            try:
                assert fs.drop_inbound() == 1
                for _ in range(200):
                    if client.connects == 2 and client.connected:
                        break
                    await asyncio.sleep(0.01)
                assert client.connects == 2
                assert (await client.api("echo back")) == "back"
            finally:
                await client.close()

    run(scenario())


def test_originate_runs_a_scripted_call_into_the_outbound_server() -> None:
    got: dict[str, object] = {}

    async def handler(session: CallSession) -> None:
        got["cid"] = session.caller_id_name
        got["var"] = session.variables.get("campaign")
        await session.answer()
        got["digits"] = await session.play_and_get_digits("ivr/menu.wav")
        await session.hangup()

    async def scenario() -> None:
        async with OutboundServer(handler, port=0) as srv, FakeFreeSWITCH() as fs:
            fs.expect_originate(ScriptedCaller([Press("3")]))
            async with InboundClient(*fs.inbound_address) as client:
                uuid = await client.originate(
                    "sofia/gateway/gw1/15551234567",
                    *srv.address,
                    variables={"origination_caller_id_name": "ESL Test", "campaign": "spring"},
                    timeout=5,
                )
                call = fs.call(uuid)
                assert call is not None
                await call.finished(5)
                assert call.channel.destination_number == "15551234567"
                fs.expect_originate(ScriptedCaller(originate_result="USER_BUSY"))
                with pytest.raises(CommandFailed, match="USER_BUSY"):
                    await client.originate("sofia/gateway/gw1/1", *srv.address, timeout=5)

    run(scenario())
    assert got == {"cid": "ESL Test", "var": "spring", "digits": "3"}


def test_originate_command_validation() -> None:
    assert originate_command("loopback/7000", "127.0.0.1", 8084, variables={"a": "b c"}) == (
        "originate {a='b c'}loopback/7000 '&socket(127.0.0.1:8084 async full)'"
    )
    for bad in ("x y", "a'b", "{x=1}loopback/1", "${system(id)}"):
        with pytest.raises(UnsafeValue):
            originate_command(bad, "127.0.0.1", 8084)
    for value in ("a,b", "${x}", "a'b", "{x}", "a\nb"):
        with pytest.raises(UnsafeValue):
            originate_command("loopback/1", "127.0.0.1", 8084, variables={"v": value})
