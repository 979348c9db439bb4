"""Fixtures for the dual-coding tests (helpers live in coding_helpers.py)."""
from __future__ import annotations

import pytest

from coding_helpers import build_documents_and_cases


@pytest.fixture
def project(mini_project):
    """The mini project with documents D1, D2 and cases C01-C07."""
    build_documents_and_cases(mini_project)
    return mini_project
