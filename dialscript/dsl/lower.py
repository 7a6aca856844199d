"""Stage 3: lowering.  AST + Scope -> FlowModel (the FlowGraph's data).

Each step becomes a chain of nodes; its first node is named after the step,
the rest `step.1`, `step.2`...  Lowering never fails: unknown names become
routes to nowhere that the checker reports; `compile` refuses to hand out a
graph while errors remain.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from dialscript.dsl import ast
from dialscript.dsl.lower_expr import lower_expr, lower_text
from dialscript.dsl.lower_question import lower_question, route_for_patterns
from dialscript.dsl.resolve import Scope
from dialscript.dsl.span import Span
from dialscript.graph import model as ir
from dialscript.graph.expr import Expr


def lower(scope: Scope) -> ir.FlowModel:
    """The FlowModel of a resolved flow, with its subflows."""
    header = scope.module.flow
    nodes: list[ir.Node] = []
    steps: list[ir.StepInfo] = []
    for step in scope.steps.values():
        nodes.extend(_lower_block(scope, step, step.body, step.end_outcome))
        steps.append(
            ir.StepInfo(
                name=step.name.value,
                entry=step.name.value,
                span=step.span,
                is_end=step.end_outcome is not None,
            )
        )
    handlers: list[ir.Handler] = []
    for handler in scope.handlers.values():
        nodes.extend(_lower_block(scope, handler, handler.body, None))
        handlers.append(
            ir.Handler(
                name=handler.name.value,
                title=handler.title,
                keys=tuple(k.value for k in handler.keys),
                entry=handler.name.value,
                span=handler.span,
            )
        )
    channel = header.channel.value if header and header.channel else "any"
    return ir.FlowModel(
        name=scope.name,
        title=header.title if header else None,
        path=scope.path,
        languages=scope.languages,
        channel=channel if channel in ("agent", "ivr", "any") else "any",
        budget_seconds=header.budget_seconds if header else None,
        record_calls=header.record_calls if header else False,
        variables=tuple(_variable(v) for v in scope.variables.values()),
        outcomes=tuple(
            ir.Outcome(
                name=name,
                title=decl.title if decl else None,
                requires=tuple(r.value for r in decl.requires) if decl else (),
            )
            for name, decl in scope.outcomes.items()
        ),
        choices={
            name: tuple(
                ir.Choice(name=o.name.value, label=lower_text(scope, o.label), key=o.key)
                for o in choices.options
            )
            for name, choices in scope.choices.items()
        },
        schedules={name: _schedule(s) for name, s in scope.schedules.items()},
        start=scope.start or "",
        steps=tuple(steps),
        handlers=tuple(handlers),
        nodes=tuple(nodes),
        subflows={name: lower(sub) for name, sub in scope.subflows.items()},
    )


def _variable(variable: object) -> ir.Variable:
    from dialscript.dsl.resolve import Variable

    assert isinstance(variable, Variable)
    spec = variable.type
    role = variable.role if variable.role in ("input", "result") else "var"
    return ir.Variable(
        name=variable.name,
        role=role,
        type=spec.kind if spec else "text",
        low=spec.low if spec else None,
        high=spec.high if spec else None,
        choice_list=spec.choices.value if spec and spec.choices else None,
        optional=variable.optional,
        default=lower_expr_or_none(variable.default),
    )


def lower_expr_or_none(expr: ast.Expr | None) -> Expr | None:
    return None if expr is None else lower_expr(None, expr)


def _schedule(schedule: ast.Schedule) -> ir.Schedule:
    return ir.Schedule(
        name=schedule.name.value,
        timezone=schedule.timezone or "UTC",
        hours=tuple(
            ir.Hours(days=tuple(range(h.first_day, h.last_day + 1)), ranges=h.ranges)
            for h in schedule.hours
        ),
        holidays=tuple((h.first, h.last) for h in schedule.holidays),
    )


# ------------------------------------------------------------------ blocks

NodeMaker = Callable[..., ir.Node]


class _Chain:
    """Builds the nodes of one block, linking each to the next."""

    def __init__(self, block_name: str) -> None:
        self.block = block_name
        self.nodes: list[NodeMaker] = []
        self.routes: list[list[ir.Route]] = []
        self.open: list[bool] = []  # does node i fall through to the following node?

    def next_id(self) -> str:
        count = len(self.nodes)
        return self.block if count == 0 else f"{self.block}.{count}"

    def add(self, make: NodeMaker, routes: list[ir.Route], falls_through: bool) -> None:
        """Add the node that `make(routes=...)` builds once the block's routes are known."""
        if self.open and self.open[-1]:
            self.routes[-1].append(ir.Route(kind="next", target=self.next_id()))
            self.open[-1] = False
        self.nodes.append(make)
        self.routes.append(routes)
        self.open.append(falls_through)

    def jump(self, kind: str, target: str, span: Span) -> bool:
        """Attach a jump to the last node if it still falls through; False if it cannot."""
        if self.open and self.open[-1]:
            self.routes[-1].append(ir.Route(kind=kind, target=target, span=span))
            self.open[-1] = False
            return True
        return False

    def finish(self) -> list[ir.Node]:
        return [
            make(routes=tuple(routes)) for make, routes in zip(self.nodes, self.routes, strict=True)
        ]


def _lower_block(
    scope: Scope,
    block: ast.Step | ast.Handler,
    body: tuple[ast.Stmt, ...],
    end_outcome: ast.Name | None,
) -> list[ir.Node]:
    chain = _Chain(block.name.value)
    name = block.name.value
    if end_outcome is not None:
        chain.add(
            partial(
                ir.OutcomeNode,
                id=chain.next_id(),
                step=name,
                span=end_outcome.span,
                outcome=end_outcome.value,
            ),  # fmt: skip
            [],
            True,
        )
    index = 0
    while index < len(body):
        stmt = body[index]
        if isinstance(stmt, ast.If):
            group: list[ast.If] = []
            while index < len(body) and isinstance(body[index], ast.If):
                item = body[index]
                assert isinstance(item, ast.If)
                group.append(item)
                index += 1
            otherwise = body[index] if index < len(body) else None
            routes = [
                ir.Route(
                    kind="condition",
                    target=i.target.value,
                    when=lower_expr(scope, i.condition),
                    span=i.span,
                )  # fmt: skip
                for i in group
            ]
            has_else = isinstance(otherwise, ast.Else)
            if isinstance(otherwise, ast.Else):
                routes.append(
                    ir.Route(kind="else", target=otherwise.target.value, span=otherwise.span)
                )
                index += 1
            span = group[0].span
            chain.add(
                partial(ir.BranchNode, id=chain.next_id(), step=name, span=span),
                routes,
                not has_else,
            )
            continue
        index += 1
        if isinstance(stmt, ast.Goto | ast.Else):
            if not chain.jump("goto", stmt.target.value, stmt.span):
                route = ir.Route(kind="goto", target=stmt.target.value, span=stmt.span)
                chain.add(
                    partial(ir.BranchNode, id=chain.next_id(), step=name, span=stmt.span),
                    [route],
                    False,
                )
            continue
        node, routes, falls_through = _lower_stmt(scope, block, chain.next_id(), stmt)
        chain.add(node, routes, falls_through)
    if end_outcome is not None and (not chain.nodes or chain.open[-1]):
        span = block.span
        chain.add(partial(ir.HangupNode, id=chain.next_id(), step=name, span=span), [], False)
    return chain.finish()


def _lower_stmt(
    scope: Scope, block: ast.Step | ast.Handler, node_id: str, stmt: ast.Stmt
) -> tuple[NodeMaker, list[ir.Route], bool]:
    step = block.name.value
    common = {"id": node_id, "step": step, "span": stmt.span}
    node: NodeMaker
    match stmt:
        case ast.Say():
            return partial(ir.SayNode, **common, text=lower_text(scope, stmt.text)), [], True
        case ast.Play():
            return partial(ir.PlayNode, **common, audio=lower_text(scope, stmt.audio)), [], True
        case ast.Note():
            return partial(ir.NoteNode, **common, text=lower_text(scope, stmt.text)), [], True
        case ast.Ask():
            return _lower_ask(scope, block, common, stmt)
        case ast.SetVar():
            value = lower_expr(scope, stmt.value)
            return partial(ir.SetNode, **common, var=stmt.name.value, value=value), [], True
        case ast.Call():
            node = partial(
                ir.CallNode,
                **common,
                flow=stmt.flow.value,
                args={a.name.value: lower_expr(scope, a.value) for a in stmt.args},
                returning={a.name.value: _returned_name(a) for a in stmt.returning},
            )
            return node, [], True
        case ast.Transfer():
            routes = []
            if stmt.failed is not None:
                routes.append(
                    ir.Route(kind="failed", target=stmt.failed.value, span=stmt.failed.span)
                )
            node = partial(
                ir.TransferNode,
                **common,
                mode=stmt.kind,
                destination=stmt.destination.value,
                timeout=stmt.timeout,
            )
            return node, routes, stmt.failed is None
        case ast.Record():
            prompt = lower_text(scope, stmt.prompt) if stmt.prompt else None
            node = partial(
                ir.RecordNode,
                **common,
                var=stmt.var.value,
                prompt=prompt,
                max_seconds=stmt.max_seconds or 60.0,
            )
            return node, [], True
        case ast.Hangup():
            return (
                partial(ir.HangupNode, **common, cause=stmt.cause.value if stmt.cause else None),
                [],
                False,
            )
        case ast.Sms():
            return (
                partial(ir.SmsNode, **common, to=stmt.to.value, text=lower_text(scope, stmt.text)),
                [],
                True,
            )
        case ast.Notify():
            node = partial(
                ir.NotifyNode,
                **common,
                channel=stmt.kind,
                destination=stmt.destination.value,
                subject=lower_text(scope, stmt.subject) if stmt.subject else None,
                fields=tuple(f.value for f in stmt.fields),
            )
            return node, [], True
        case ast.Lookup():
            routes = []
            if stmt.error is not None:
                routes.append(ir.Route(kind="error", target=stmt.error.value, span=stmt.error.span))
            node = partial(
                ir.LookupNode,
                **common,
                var=stmt.var.value,
                source=stmt.source.value,
                args={a.name.value: lower_expr(scope, a.value) for a in stmt.args},
                timeout=stmt.timeout or 5.0,
            )
            return node, routes, True
        case ast.SetOutcome():
            return partial(ir.OutcomeNode, **common, outcome=stmt.name.value), [], True
        case ast.Resume():
            return partial(ir.ResumeNode, **common), [], False
        case ast.Limit():
            route = ir.Route(kind="limit", target=stmt.target.value, span=stmt.target.span)
            return partial(ir.LimitNode, **common, times=stmt.times), [route], True
    raise TypeError(f"no lowering for {type(stmt).__name__}")


def _returned_name(arg: ast.Arg) -> str:
    value = arg.value
    if isinstance(value, ast.Ref):
        return ".".join(value.path)
    return ""


def _lower_ask(
    scope: Scope, block: ast.Step | ast.Handler, common: dict[str, object], ask: ast.Ask
) -> tuple[NodeMaker, list[ir.Route], bool]:
    var = scope.ask_var(block, ask)
    question = lower_question(scope, ask, scope.variables.get(var))
    routes: list[ir.Route] = [route_for_patterns(r, question) for r in ask.routes]
    if ask.otherwise is not None:
        routes.append(
            ir.Route(kind="otherwise", target=ask.otherwise.value, span=ask.otherwise.span)
        )
    for kind, fallback in (("silence", ask.silence), ("invalid", ask.invalid)):
        if fallback is not None:
            routes.append(
                ir.Route(
                    kind=kind,
                    target=fallback.target.value,
                    times=fallback.times,
                    span=fallback.span,
                )  # fmt: skip
            )
    node = partial(
        ir.AskNode,
        **common,
        var=var,
        text=lower_text(scope, ask.text) if ask.text else {},
        question=question,
        is_menu=ask.is_menu,
        reprompts=tuple(lower_text(scope, t) for t in ask.reprompts),
        hints=tuple(lower_text(scope, t) for t in ask.hints),
        timeout=ask.timeout or 5.0,
        requires=tuple(
            ir.Check(
                when=lower_expr(scope, r.condition), text=lower_text(scope, r.message), span=r.span
            )  # fmt: skip
            for r in ask.requires
        ),
        confirms=tuple(
            ir.Check(
                when=lower_expr(scope, c.condition), text=lower_text(scope, c.question), span=c.span
            )  # fmt: skip
            for c in ask.confirms
        ),
    )
    return node, routes, True
