"""Fixtures of the audit tests."""
from __future__ import annotations

import pytest

from audit_fixtures import REPO


@pytest.fixture
def tmp_codebook_path():
    path = REPO / "codebooks" / "tmp.yaml"
    if not path.is_file():
        pytest.skip("codebooks/tmp.yaml is not there yet")
    return path
