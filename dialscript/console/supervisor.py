"""Supervisor pages: the campaign's numbers, contacts upload, answer exports."""

from __future__ import annotations

from datetime import date

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from dialscript.console.contacts import ContactsError, parse_contacts
from dialscript.console.export import export_csv, export_rows, export_xlsx
from dialscript.console.i18n import N_
from dialscript.console.session import services_of, signed_in
from dialscript.console.stats import flow_stats
from dialscript.console.web import checked_form, page, tr

__all__ = ["routes"]

MAX_UPLOAD = 20 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def dashboard(request: Request, message: str = "", status: int = 200) -> Response:
    signed_in(request, "supervisor")
    services = services_of(request)
    not_reached = services.db.unreached_calls()
    stats = [flow_stats(services.store, graph, date.today(), not_reached)
             for _name, graph in sorted(services.flows.current.items())]  # fmt: skip
    in_progress = services.store.calls_in_progress()
    agents = services.db.agents_by_call()
    return page(request, "console/supervisor.html", status, stats=stats,
                flows=services.flows.infos(), queues=services.db.queue_sizes(),
                live=[(c.flow, agents.get(c.id, ""), c.started, c.id) for c in in_progress],
                problems=services.flows.problems, message=message,
                calling=services.db.calling_summary())  # fmt: skip


async def upload_contacts(request: Request) -> Response:
    signed_in(request, "supervisor")
    form = await checked_form(request)
    services = services_of(request)
    info = services.flows.info(str(form.get("flow", "")))
    upload = form.get("file")
    if info is None or not isinstance(upload, UploadFile):
        await form.close()
        return await dashboard(request, tr(request)(N_("Choose a flow and a CSV file.")), 400)
    try:
        data = await upload.read(MAX_UPLOAD + 1)
    finally:
        await form.close()
    if len(data) > MAX_UPLOAD:
        return await dashboard(
            request, tr(request)(N_("The file is too large (20 MB at most).")), 400
        )
    try:
        parsed = parse_contacts(data, list(info.inputs), list(info.required))
    except ContactsError as error:
        _ = tr(request)
        return await dashboard(request, _("Not imported: %(why)s.", why=error.notice.shown(_)), 400)
    services.db.add_contacts(info.name, parsed.rows)
    _ = tr(request)
    notes = [_("Imported %(count)s contact(s) for %(flow)s.", count=len(parsed.rows),
               flow=info.name)]  # fmt: skip
    if parsed.ignored:
        notes.append(_("Columns ignored: %(columns)s.", columns=", ".join(parsed.ignored)))
    if parsed.missing:
        notes.append(_("No column for: %(fields)s.", fields=", ".join(parsed.missing)))
    return await dashboard(request, " ".join(notes))


async def export(request: Request) -> Response:
    signed_in(request, "supervisor")
    services = services_of(request)
    graph = services.flows.get(request.query_params.get("flow", ""))
    if graph is None:
        raise HTTPException(404, tr(request)(N_("No such flow.")))
    rows = export_rows(graph, services.store.results(graph.name), services.db.agents_by_call(),
                       services.db.unreached_calls())  # fmt: skip
    fmt = request.path_params["fmt"]
    if fmt not in ("csv", "xlsx"):
        raise HTTPException(404, tr(request)(N_("Exports are csv or xlsx.")))
    stamp = date.today().isoformat()
    if fmt == "xlsx":
        body, media = export_xlsx(rows, graph.name), XLSX
    else:
        body, media = export_csv(rows), "text/csv; charset=utf-8"
    name = f"{graph.name}-{stamp}.{fmt}"
    return Response(body, media_type=media,
                    headers={"content-disposition": f'attachment; filename="{name}"'})  # fmt: skip


def routes() -> list[BaseRoute]:
    return [
        Route("/supervisor", dashboard, methods=["GET"]),
        Route("/supervisor/contacts", upload_contacts, methods=["POST"]),
        Route("/supervisor/export.{fmt:str}", export, methods=["GET"]),
    ]
