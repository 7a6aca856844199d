"""Agent pages: sign in, take the next contact or type one in, work the call."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dialscript.console.db import Contact, User
from dialscript.console.desk import Action, DeskError
from dialscript.console.i18n import N_, Notice
from dialscript.console.page import build_page
from dialscript.console.session import services_of, signed_in, start_session
from dialscript.console.web import checked_form, page, tr

__all__ = ["routes"]

ACTIONS = ("answer", "handler", "back", "silence", "hangup", "unreached", "inactive")
NOTICES = {"empty": N_("No contacts left to call in this flow.")}  # ?m= on the contacts page


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


async def home(request: Request) -> Response:
    user = signed_in(request)
    return _redirect("/supervisor" if user.role == "supervisor" else "/agent")


async def login_form(request: Request) -> Response:
    request.state.user = None
    return page(request, "console/login.html", error="")


async def login(request: Request) -> Response:
    request.state.user = None
    form = await checked_form(request)
    user = services_of(request).db.authenticate(
        str(form.get("name", "")).strip(), str(form.get("password", ""))
    )
    if user is None:
        _ = tr(request)
        return page(request, "console/login.html", 401, error=_("Wrong name or password."))
    start_session(request, user)
    return _redirect("/")


async def logout(request: Request) -> Response:
    await checked_form(request)
    request.session.clear()
    return _redirect("/login")


async def agent_home(request: Request) -> Response:
    user = signed_in(request)
    services = services_of(request)
    mine = services.db.contacts_of(user.name)
    return page(
        request,
        "console/agent.html",
        flows=services.flows.infos(),
        mine=mine,
        callbacks=services.db.callbacks_of(user.name),
        queues=services.db.queue_sizes(),
        message=tr(request)(NOTICES.get(request.query_params.get("m", ""), "")),
    )


async def take_next(request: Request) -> Response:
    user = signed_in(request)
    form = await checked_form(request)
    services = services_of(request)
    flow = str(form.get("flow", ""))
    contact_id = services.db.claim_next(
        flow, user.name, now=_clock(), timeout=services.desk.claim_timeout
    )
    if contact_id is None:
        return _redirect("/agent?m=empty")
    return await _open(request, contact_id, user)


async def typed_contact(request: Request) -> Response:
    user = signed_in(request)
    form = await checked_form(request)
    services = services_of(request)
    info = services.flows.info(str(form.get("flow", "")))
    if info is None:
        raise HTTPException(404, tr(request)(N_("No such flow.")))
    fields = {name: str(form.get(f"field_{name}", "")).strip()[:500] for name in info.inputs}
    (contact_id,) = services.db.add_contacts(info.name, [fields])
    return await _open(request, contact_id, user)


async def open_contact(request: Request) -> Response:
    user = signed_in(request)
    await checked_form(request)
    return await _open(request, int(request.path_params["contact_id"]), user)


async def call_back(request: Request) -> Response:
    """A new call to a contact who agreed to be called again (the earlier call is kept)."""
    user = signed_in(request)
    await checked_form(request)
    contact_id = int(request.path_params["contact_id"])
    if not services_of(request).db.reopen(contact_id, user.name):
        raise HTTPException(409, tr(request)(N_("This callback is not yours, or it is done.")))
    return await _open(request, contact_id, user)


async def _open(request: Request, contact_id: int, user: User) -> Response:
    services = services_of(request)
    contact = services.db.contact(contact_id)
    if contact is None:
        raise HTTPException(404, tr(request)(N_("No such contact.")))
    try:
        call_id = services.desk.open(contact, user)
    except DeskError as error:
        raise HTTPException(409, error.notice.shown(tr(request))) from error
    return _redirect(f"/calls/{call_id}")


def _contact_for(request: Request, user: User, call_id: str) -> tuple[Contact, bool]:
    """The call's contact and whether the user may only look (a supervisor's view).

    A contact is visible only to the agent holding it (or who finished it) and to
    supervisors; anyone else gets 404, as if it did not exist.
    """
    contact = services_of(request).db.contact_for_call(call_id)
    if contact is None:
        raise HTTPException(404, tr(request)(N_("No such call.")))
    if contact.claimed_by == user.name or (
        contact.claimed_by is None and contact.agent == user.name
    ):
        return contact, False
    if user.role == "supervisor":
        return contact, True
    raise HTTPException(404, tr(request)(N_("No such call.")))


async def call_page(request: Request) -> Response:
    user = signed_in(request)
    call_id = request.path_params["call_id"]
    contact, read_only = _contact_for(request, user, call_id)
    services = services_of(request)
    runner = services.desk.runner(call_id)
    notice = Notice.from_data(request.session.pop("message", None)) if not read_only else None
    message = notice.shown(tr(request)) if notice is not None else ""
    view = build_page(
        call_id=call_id,
        contact_id=contact.id,
        contact_fields=contact.fields,
        graph=runner.graph,
        state=runner.state,
        screen=services.desk.screen(call_id, runner),
        answers=services.store.get_call(call_id).answers,
        message=message,
        read_only=read_only,
    )
    return page(request, "console/call.html", call=view)


async def call_action(request: Request) -> Response:
    user = signed_in(request)
    call_id = request.path_params["call_id"]
    form = await checked_form(request)
    contact, read_only = _contact_for(request, user, call_id)
    if read_only:
        raise HTTPException(403, tr(request)(N_("Supervisors can look at this call, not work it.")))
    kind = str(form.get("action", ""))
    if kind not in ACTIONS:
        raise HTTPException(400, tr(request)(N_("Unknown action.")))
    many = [str(v) for v in form.getlist("many")]
    value: str | list[str] = many if many else str(form.get("value", "")).strip()
    if kind == "handler":
        value = str(form.get("handler", ""))
    try:
        problem = services_of(request).desk.act(call_id, contact, user, Action(kind, value))
    except DeskError as error:
        raise HTTPException(409, error.notice.shown(tr(request))) from error
    if problem:
        request.session["message"] = problem.to_data()
    return _redirect(f"/calls/{call_id}")


def _clock() -> float:
    import time

    return time.time()


def routes() -> list[BaseRoute]:
    return [
        Route("/", home),
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/agent", agent_home, methods=["GET"]),
        Route("/agent/next", take_next, methods=["POST"]),
        Route("/agent/contacts", typed_contact, methods=["POST"]),
        Route("/contacts/{contact_id:int}/open", open_contact, methods=["POST"]),
        Route("/contacts/{contact_id:int}/callback", call_back, methods=["POST"]),
        Route("/calls/{call_id:str}", call_page, methods=["GET"]),
        Route("/calls/{call_id:str}", call_action, methods=["POST"]),
    ]
