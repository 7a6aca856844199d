"""The checker's rules, in the order they run.

Names first (DS1xx), then the flow's semantics (DS2xx); each rule is a pure
function of the CheckContext and yields diagnostics.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from dialscript.dsl.check.budget import over_budget
from dialscript.dsl.check.context import CheckContext
from dialscript.dsl.check.environments import unbound_names
from dialscript.dsl.check.languages import missing_translations, undeclared_languages
from dialscript.dsl.check.names import (
    duplicate_names,
    unknown_choices,
    unknown_outcomes,
    unknown_steps,
    unknown_subflows,
    unknown_variables,
)
from dialscript.dsl.check.paths import dead_ends, endless_loops, unreachable_steps
from dialscript.dsl.check.questions import (
    impossible_answers,
    questions_without_fallback,
    unhandled_answers,
    untyped_questions,
)
from dialscript.dsl.check.reads import outcome_without_result, read_before_set
from dialscript.dsl.check.structure import (
    lookup_without_error_branch,
    misplaced_statements,
    missing_header_or_steps,
)
from dialscript.dsl.check.templates import broken_templates, unknown_template_variables
from dialscript.dsl.check.types import mixed_types
from dialscript.dsl.check.values import (
    handler_key_clashes,
    invalid_schedules,
    repeated_keys,
    reversed_ranges,
    unknown_channel,
    zero_counts,
)
from dialscript.dsl.diagnostics import Diagnostic

Rule = Callable[[CheckContext], Iterator[Diagnostic]]

RULES: tuple[Rule, ...] = (
    unknown_steps,  # DS101
    duplicate_names,  # DS102 (the rest in resolve)
    unknown_variables,  # DS103 / DS104
    unknown_template_variables,  # DS103
    unknown_choices,  # DS104
    unknown_outcomes,  # DS105
    unknown_subflows,  # DS106
    undeclared_languages,  # DS107
    missing_header_or_steps,  # DS108
    unbound_names,  # DS109
    reversed_ranges,  # DS111
    invalid_schedules,  # DS111
    unknown_channel,  # DS111
    repeated_keys,  # DS111
    handler_key_clashes,  # DS111
    zero_counts,  # DS111
    broken_templates,  # DS111
    unreachable_steps,  # DS201
    dead_ends,  # DS202
    endless_loops,  # DS203
    unhandled_answers,  # DS204
    questions_without_fallback,  # DS205
    mixed_types,  # DS206
    read_before_set,  # DS207
    outcome_without_result,  # DS208
    missing_translations,  # DS209
    over_budget,  # DS210
    misplaced_statements,  # DS211
    impossible_answers,  # DS212
    untyped_questions,  # DS213
    lookup_without_error_branch,  # DS214
)
