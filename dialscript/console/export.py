"""Exports of a flow's answers as CSV and XLSX with the seed survey's columns.

Cells that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, CR at
the start) are neutralised with a leading `'`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from typing import Any

from openpyxl import Workbook

from dialscript.console.page import show_value
from dialscript.graph.flowgraph import FlowGraph
from dialscript.runtime.store.base import ResultRecord

__all__ = ["SEED_COLUMNS", "export_csv", "export_rows", "export_xlsx", "neutralise"]

# (header, input or result name): the customer's Excel layout (seed 001).
SEED_COLUMNS = (
    ("ОП", "office"),
    ("ИНН", "inn"),
    ("Наименование организации", "company"),
    ("ФИО контактного лица", "client_name"),
    ("Телефон", "phone"),
    ("Оценка (1-10)", "score"),
    ("Что повлияло на оценку", "reason"),
    ("Комментарий", "comment"),
)
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading `'`.

    >>> neutralise("=HYPERLINK(1)"), neutralise("-5"), neutralise(7), neutralise("ok")
    ("'=HYPERLINK(1)", "'-5", 7, 'ok')
    """
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


NOT_REACHED = {"unreached": "Не дозвонились (нет ответа)", "inactive": "Номер не обслуживается"}
"""The «Итог» of a call that did not reach the client."""


def export_rows(graph: FlowGraph, records: list[ResultRecord], agents: dict[str, str],
                not_reached: Mapping[str, str] | None = None) -> Iterator[list[Any]]:  # fmt: skip
    """The header, then one row per finished call (neutralised); a call that did not reach
    the client (`not_reached`: call id -> unreached | inactive) says so as its «Итог»."""
    not_reached = not_reached or {}
    names = {name for _h, name in SEED_COLUMNS}
    extra = [v.name for v in graph.model.variables if v.role == "result" and v.name not in names]
    titles = {o.name: o.title or o.name for o in graph.model.outcomes}
    choices = tuple(c for options in graph.model.choices.values() for c in options)
    yield [h for h, _n in SEED_COLUMNS] + extra + ["Итог", "Оператор", "Начало", "Окончание",
                                                    "Звонок"]  # fmt: skip
    for r in records:
        if not r.ended:
            continue
        row: list[Any] = []
        for name in [n for _h, n in SEED_COLUMNS] + extra:
            value = r.results[name] if name in r.results else r.inputs.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool):
                row.append(value)
            else:
                row.append("" if value is None else show_value(value, choices))
        outcome = titles.get(r.outcome or "", r.outcome or "")
        if r.call_id in not_reached:
            outcome = NOT_REACHED.get(not_reached[r.call_id], outcome)
        row += [outcome, agents.get(r.call_id, ""),
                r.started, r.ended or "", r.call_id]  # fmt: skip
        yield [neutralise(v) for v in row]


def export_csv(rows: Iterator[list[Any]]) -> bytes:
    """UTF-8 with BOM and `;` (what Russian Excel opens correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def export_xlsx(rows: Iterator[list[Any]], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31] or "answers"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
