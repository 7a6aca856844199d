"""Starter flows for `dialscript new`: one .flow template per kind, shipped as package data."""

from __future__ import annotations

from importlib.resources import files
from string import Template

__all__ = ["KINDS", "starter_flow"]

KINDS = ("survey", "ivr", "sales")


def starter_flow(name: str, kind: str = "survey") -> str:
    """The starter flow of that kind, named `name` (an ASCII identifier).

    >>> starter_flow("hello").splitlines()[1]
    'flow hello "Hello"'
    """
    if not (name.isascii() and name.isidentifier()):
        raise ValueError(f'"{name}" is not a flow name: use letters, digits and _ (ASCII)')
    if kind not in KINDS:
        raise ValueError(f"no starter of kind {kind!r}: choose one of {', '.join(KINDS)}")
    template = (files("dialscript.templates_new") / f"{kind}.flow").read_text(encoding="utf-8")
    title = name.replace("_", " ").strip().capitalize()
    return Template(template).substitute(name=name, title=title)
