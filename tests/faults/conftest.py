"""The fault-injection suite: real `choreo server <component>` processes on the machine's PostgreSQL, killed,
stopped, drained and cut off from the database while executions run (issue 7 §5).

Each test gets its own database and CHOREO_HOME (`cluster`), and every process it started is killed at the end,
whatever happens. PostgreSQL must be reachable (CHOREO_TEST_POSTGRES_ADMIN_URL, default the local server): like the
store's PostgreSQL tests, these are never skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from faults.processes import ADMIN_URL, Cluster


@pytest.fixture
def cluster(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Cluster]:
    try:
        opened = Cluster(tmp_path / "home")
    except OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {ADMIN_URL}: {exc.orig}", pytrace=False)
    try:
        yield opened
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            print(opened.logs())  # shown with the failure
        opened.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # noqa: ANN201
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
