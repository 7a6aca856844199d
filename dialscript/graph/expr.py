"""Conditions and assignments in the graph: a small typed expression tree, never `eval`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Value = float | str | bool | None
_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Lit(BaseModel):
    """A constant: a number, a string, yes/no, a choice name or dont_know/refused."""

    model_config = _FROZEN
    kind: Literal["lit"] = "lit"
    value: Value


class Var(BaseModel):
    """A variable, or a field of one (`order.status`)."""

    model_config = _FROZEN
    kind: Literal["var"] = "var"
    path: tuple[str, ...]


class Cmp(BaseModel):
    model_config = _FROZEN
    kind: Literal["cmp"] = "cmp"
    op: Literal["==", "!=", "<", "<=", ">", ">="]
    left: Expr
    right: Expr


class InRange(BaseModel):
    model_config = _FROZEN
    kind: Literal["range"] = "range"
    value: Expr
    low: float
    high: float


class InList(BaseModel):
    model_config = _FROZEN
    kind: Literal["in"] = "in"
    value: Expr
    options: tuple[Expr, ...]


class IsSet(BaseModel):
    model_config = _FROZEN
    kind: Literal["isset"] = "isset"
    value: Expr
    negated: bool = False


class Not(BaseModel):
    model_config = _FROZEN
    kind: Literal["not"] = "not"
    value: Expr


class BoolOp(BaseModel):
    model_config = _FROZEN
    kind: Literal["and", "or"]
    values: tuple[Expr, ...]


class Arith(BaseModel):
    model_config = _FROZEN
    kind: Literal["arith"] = "arith"
    op: Literal["+", "-"]
    left: Expr
    right: Expr


class OpenNow(BaseModel):
    """Business hours: true when the schedule is open (or closed) at the call's time."""

    model_config = _FROZEN
    kind: Literal["open"] = "open"
    schedule: str
    want_open: bool = True


Expr = Annotated[
    Lit | Var | Cmp | InRange | InList | IsSet | Not | BoolOp | Arith | OpenNow,
    Field(discriminator="kind"),
]

for _model in (Cmp, InRange, InList, IsSet, Not, BoolOp, Arith):
    _model.model_rebuild()
