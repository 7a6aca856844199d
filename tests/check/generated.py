"""A large, realistic flow of any size, for the speed benchmark and a no-false-positive test."""

from __future__ import annotations


def big_flow(steps: int = 100) -> str:
    """About ten lines per step: a say, a question with routes, a condition, a jump."""
    lines = [
        'flow big "A generated flow"',
        "  languages ru, en",
        "  channel any",
        "  input client_name text",
        "  result score number 1..10",
        "  var total number = 0",
        "  outcome completed requires score",
        "",
        "choices reasons",
        "  price",
        '    ru "цена"',
        '    en "price"',
        "  other",
        '    ru "другое"',
        '    en "other"',
        "",
    ]
    for index in range(steps):
        following = f"s{index + 1}" if index + 1 < steps else "done"
        lines += [
            f"step s{index}",
            "  say",
            f'    ru "{{{{ client_name }}}}, вопрос номер {index}"',
            f'    en "{{{{ client_name }}}}, question number {index}"',
            f"  ask a{index} yes/no",
            '    ru "Ответ?"',
            '    en "Your answer?"',
            f"    yes -> {following}",
            "    silence 2 times -> done",
            "    invalid 2 times -> done",
            f"  if a{index} == no and total > 3 -> done",
            "  set total = total + 1",
            f"  -> {following}",
            "",
        ]
    lines += [
        "step done",
        "  ask score",
        '    ru "Оценка?"',
        '    en "Your score?"',
        "    silence 2 times -> bye",
        "    invalid 2 times -> bye",
        "  -> finish",
        "",
        "end finish completed",
        "  say",
        '    ru "Спасибо, {{ score }}"',
        '    en "Thank you, {{ score }}"',
        "",
        "step bye",
        "  hangup",
        "",
    ]
    return "\n".join(lines)
