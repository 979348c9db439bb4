"""``duocode.render``: one place draws every result for a terminal, found by the result's type."""
import inspect
import subprocess
import sys

import pytest

import duocode.agreement
import duocode.audit
import duocode.codebook
import duocode.coding
import duocode.ingest
import duocode.precode
from duocode.demo import DemoResult
from duocode.project import InitResult
from duocode.render import renderer, tables

# Classes with to_dict() that are parts of a result or plain data, never shown on their own.
NOT_SHOWN = {"CoderProgress", "AutoConsensusResult", "Coefficient", "Codebook"}


def results():
    for face in (duocode.ingest, duocode.coding, duocode.audit, duocode.precode, duocode.agreement,
                 duocode.codebook):
        for name in face.__all__:
            obj = getattr(face, name)
            if inspect.isclass(obj) and hasattr(obj, "to_dict") and name not in NOT_SHOWN:
                yield obj
    yield from (InitResult, DemoResult)


@pytest.mark.parametrize("cls", list(results()), ids=lambda c: c.__name__)
def test_every_result_a_stage_returns_has_a_terminal_rendering(cls):
    assert not hasattr(cls, "tables"), "rendering belongs in duocode.render, not on the result"
    assert renderer(cls.__new__(cls)) is not None


def test_a_type_without_a_rendering_is_refused_by_name():
    class Unknown:
        pass

    assert renderer(Unknown()) is None
    with pytest.raises(TypeError, match="no terminal rendering for Unknown"):
        tables(Unknown())


def test_rendering_a_stage_result_loads_only_that_stage_rendering():
    """A reconcile summary is drawn without importing the agreement engine (numpy) or the pre-coder."""
    code = ("import sys\n"
            "from duocode.audit import ReconcileWorkbook\n"
            "from duocode.render import tables\n"
            "r = ReconcileWorkbook.__new__(ReconcileWorkbook)\n"
            "r.auto_agreed, r.disagreements, r.path = 0, 0, 'x.xlsx'\n"
            "print(tables(r)[0])\n"
            "print(sorted(m for m in ('numpy', 'duocode.render.agreement', 'duocode.render.precode') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["No open disagreements; x.xlsx has no rows to settle.", "[]"]
