"""Shared by the ingest tests: ``snapshot`` from the top-level tests/conftest.py.

Several test folders have their own conftest.py, so ``from conftest import snapshot`` may find the wrong one;
the top-level file is loaded here by its path instead.
"""
import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("duocode_tests_top_conftest",
                                               Path(__file__).resolve().parents[1] / "conftest.py")
_top = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_top)

snapshot = _top.snapshot
