"""Collects every .feature file in this folder for the plain `pytest` run (pytest-bdd).

`dialscript test tests/features` collects the same files itself (--dialscript-features).
"""

from pytest_bdd import scenarios

scenarios(".")
