"""Corpus flows that Choreo's engine runs as Kestra does: each one listed in passing.txt must keep passing.

Regenerate the list and the report with `.venv/bin/python bench/compat_report.py` (it writes
docs/compat-report.md with the reason for every flow that does not pass yet).
"""

from __future__ import annotations

import pytest

from corpus_runner import check_case, passing_files
from corpus_support import expectation


@pytest.mark.parametrize("file", passing_files())
def test_listed_flow_still_passes(file):
    passed, reason = check_case(expectation(file))
    assert passed, reason
