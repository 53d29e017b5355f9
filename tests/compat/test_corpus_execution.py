"""Corpus flows that Choreo's engine runs as Kestra does: each one listed in passing.txt must keep passing.

Regenerate the list and the report with `.venv/bin/python bench/compat_report.py` (it writes
docs/compat-report.md with the reason for every flow that does not pass yet).
"""

from __future__ import annotations

import pytest

from corpus_runner import check_case, passing_files, resolve_case


@pytest.mark.parametrize("case", passing_files())
def test_listed_flow_still_passes(case):
    passed, reason = check_case(resolve_case(case))
    assert passed, reason
