"""Fixtures shared by the test folders: a real PostgreSQL server for the journal tests, a real
FreeSWITCH for the telephony tests."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import psycopg
import pytest
from freeswitch_server import BundleMissing, FreeSwitch, bundle_script, freeswitch, required
from postgres_server import database_url, postgres_server  # tests/ is on sys.path (conftest)

_names = itertools.count(1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A PostgreSQL server for the whole run (started on first use, stopped at the end)."""
    with postgres_server() as url:
        yield url


@pytest.fixture
def postgres_db(postgres: str) -> Iterator[str]:
    """A new, empty database for one test; dropped after it."""
    name = f"journal_{next(_names)}"
    with psycopg.connect(postgres, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    yield database_url(postgres, name)
    with psycopg.connect(postgres, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def real_switch() -> Iterator[FreeSwitch]:
    """A real FreeSWITCH 1.10.12 for the whole run, from the test bundle (see freeswitch_server).

    Skipped, with the reason, where the bundle is absent; failed instead when
    DIALSCRIPT_FREESWITCH_REQUIRED is set (CI, which always has it).
    """
    try:
        bundle_script()
    except BundleMissing as why:
        if required():
            pytest.fail(f"the real-switch tests must run here: {why}")
        pytest.skip(f"real FreeSWITCH tests skipped: {why}")
    with freeswitch() as instance:
        yield instance
