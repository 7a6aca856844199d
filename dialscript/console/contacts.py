"""Contacts CSV upload: UTF-8 with or without BOM, `;` or `,` separated (Russian Excel
saves `;`), headers either the flow's input names or the seed survey's Russian columns."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from dialscript.console.i18n import N_, NoticeError

__all__ = ["ALIASES", "ContactsError", "Parsed", "parse_contacts"]

# The customer's Excel headers (seed 001) and common variants -> flow input names.
ALIASES = {
    "оп": "office",
    "офис": "office",
    "инн": "inn",
    "наименование организации": "company",
    "организация": "company",
    "фио контактного лица": "client_name",
    "фио": "client_name",
    "контактное лицо": "client_name",
    "телефон": "phone",
    "тел": "phone",
}
MAX_ROWS = 100_000


class ContactsError(NoticeError, ValueError):
    """The upload cannot be read as a contacts table (`notice`: the reason, translatable)."""


@dataclass
class Parsed:
    rows: list[dict[str, str]]
    columns: list[str]  # input names matched
    ignored: list[str] = field(default_factory=list)  # headers that match no input
    missing: list[str] = field(default_factory=list)  # required inputs with no column


def _key(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").strip().lower().split())


def parse_contacts(data: bytes, inputs: list[str], required: list[str]) -> Parsed:
    """Rows keyed by input name; empty rows skipped.

    >>> data = "ИНН;Телефон\\n7701;+7 900\\n".encode("utf-8-sig")
    >>> parse_contacts(data, ["inn", "phone"], []).rows
    [{'inn': '7701', 'phone': '+7 900'}]
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ContactsError(N_("the file is not UTF-8: save it as «CSV UTF-8»")) from error
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ContactsError(N_("the file is empty"))
    header = lines[0]
    delimiter = ";" if header.count(";") >= header.count(",") and ";" in header else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    headers = next(reader)
    wanted = {name.lower(): name for name in inputs}
    mapping: dict[int, str] = {}
    ignored = []
    for index, raw in enumerate(headers):
        key = _key(raw)
        name = wanted.get(key) or ALIASES.get(key)
        if name in inputs and name not in mapping.values():
            mapping[index] = name
        elif raw.strip():
            ignored.append(raw.strip())
    if not mapping:
        raise ContactsError(N_("no column matches the flow's contact fields (%(fields)s)"),
                            fields=", ".join(inputs))  # fmt: skip
    rows = []
    for record in reader:
        row = {name: record[i].strip() for i, name in mapping.items() if i < len(record)}
        if any(row.values()):
            rows.append(row)
        if len(rows) > MAX_ROWS:
            raise ContactsError(N_("more than %(count)s contacts in one file"), count=MAX_ROWS)
    columns = list(mapping.values())
    return Parsed(rows, columns, ignored, [r for r in required if r not in columns])
