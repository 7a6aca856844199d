"""Generates large, valid flows for the benchmarks: a chain of survey-like steps."""

from __future__ import annotations


def generate_flow(lines: int) -> str:
    """A flow of about `lines` lines that checks clean: questions, branches, handlers."""
    header = [
        'flow generated "Сгенерированный опрос"',
        "  language ru",
        "  channel agent",
        "  input client_name text",
        "  result score number 1..10",
        "  outcome completed requires score",
        "  outcome gave_up",
        "",
        "choices reasons",
        '  price "цена"',
        '  stock "наличие"',
        '  other "другое"',
        "",
        "start q0",
        "",
    ]
    body: list[str] = []
    index = 0
    while len(header) + len(body) < lines - 8:
        body += [
            f"step q{index}",
            f'  say "{{{{ client_name }}}}, вопрос номер {index}."',
            f'  ask a{index} "Оцените пункт {index} от 1 до 10" scale 1..10',
            "    silence 2 times -> gave_up",
            "    invalid 2 times -> gave_up",
            f"  if a{index} <= 5 -> r{index}",
            f"  else -> q{index + 1}",
            "",
            f"step r{index}",
            f'  ask why{index} "Что повлияло?" one of reasons',
            f"    price, stock -> q{index + 1}",
            f"    else -> q{index + 1}",
            "",
        ]
        index += 1
    body += [
        f"step q{index}",
        '  ask score "Итоговая оценка?" scale 1..10',
        "    silence 2 times -> gave_up",
        "    invalid 2 times -> gave_up",
        "  -> done",
        "",
        "end done completed",
        '  say "Спасибо!"',
        "",
        "end gave_up gave_up",
        '  say "Перезвоним позже."',
    ]
    return "\n".join(header + body) + "\n"
