"""The layers run one way: the import-linter contracts in ``pyproject.toml`` hold for the code as it is, and they
break on a backwards import.

The contracts (``[tool.importlinter]``): every top-level module and package of ``duocode`` sits in one layer and
imports only from the layers below its own, never from a sibling of its own layer; the agreement engine and the
codebook never import the store; a private (``_``) module is imported only inside its own package; outside a
stage, only the stage's public face (its ``__init__``) is imported; only the render layer and the command line
import rich. import-linter reads the source, so an import
inside a function counts as much as one at the top.
"""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def lint(root: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` on the ``duocode`` package under ``root`` with the contracts of ``root/pyproject.toml``,
    in a process of its own (this one has already imported the real package)."""
    code = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    return subprocess.run([sys.executable, "-c", code, "--config", str(root / "pyproject.toml"), "--no-cache"],
                          cwd=root, capture_output=True, text=True, env={"PYTHONPATH": str(root / "src"),
                                                                        "NO_COLOR": "1", "COLUMNS": "200"})


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_import_contracts_are_kept():
    out = lint(REPO)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


# A copy of the package with one backwards import of each kind; each row: the file added, its text, and the line
# of lint-imports' report that names the import.
BACKWARDS = {
    "a lower layer imports a higher one, inside a function": (
        "store/backwards.py", "def f():\n    from duocode.audit import build_audit\n",
        "duocode.store.backwards -> duocode.audit (l.2)"),
    "a stage imports a sibling of its own layer": (
        "ingest/sibling.py", "from duocode.agreement import agreement\n",
        "duocode.ingest.sibling -> duocode.agreement (l.1)"),
    "the agreement engine imports the store": (
        "agreement/leak.py", "import duocode.store\n",
        "duocode.agreement.leak -> duocode.store (l.1)"),
    "the codebook imports the store": (
        "codebook/leak.py", "def f():\n    from duocode.store import Project\n",
        "duocode.codebook.leak -> duocode.store (l.2)"),
    "a stage imports another stage's private module": (
        "audit/peek.py", "from duocode.coding._common import select_cases\n",
        "Private modules may only be imported from within their parent package: "
        "- duocode.audit.peek -> duocode.coding._common (l.1)"),
    "a stage reaches past another stage's public face": (
        "precode/peek.py", "from duocode.coding.sheet import write_sheet\n",
        "duocode.precode.peek -> duocode.coding.sheet (l.1)"),
    "a stage draws with rich": (
        "coding/draw.py", "def f():\n    from rich.table import Table\n",
        "duocode.coding.draw -> rich (l.2)"),
    "a new package is in no layer": (
        "newstage/__init__.py", "",
        "The following modules are not listed as layers: - duocode.newstage"),
}


@pytest.fixture(scope="module")
def broken_report(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("layers")
    shutil.copytree(REPO / "src" / "duocode", root / "src" / "duocode",
                    ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    for rel, text, _ in BACKWARDS.values():
        target = root / "src" / "duocode" / rel
        target.parent.mkdir(exist_ok=True)
        target.write_text(text, encoding="utf-8")
    out = lint(root)
    assert out.returncode == 1, out.stdout + out.stderr
    return squeeze(out.stdout)


@pytest.mark.parametrize("case", list(BACKWARDS))
def test_a_backwards_import_breaks_the_contracts(broken_report, case):
    assert squeeze(BACKWARDS[case][2]) in broken_report
