"""Fixtures of the REFI-QDA tests: the shared schemas and samples (skipped when ../shared is absent) and a small
coded project."""
from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


@pytest.fixture(scope="session")
def refi_dir() -> Path:
    folder = SHARED / "refi-qda"
    if not folder.is_dir():
        pytest.skip("../shared/refi-qda is not present")
    return folder


@pytest.fixture(scope="session")
def project_schema(refi_dir):
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(refi_dir / "Project.xsd")))


@pytest.fixture(scope="session")
def codebook_schema(refi_dir):
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(refi_dir / "Codebook.xsd")))


@pytest.fixture
def small_project(tmp_path):
    """A coded project (mini codebook) with consensus, memos, informants and proposals; yields it open."""
    from refi_helpers import build_small_project

    project = build_small_project(tmp_path / "small")
    yield project
    project.close()
