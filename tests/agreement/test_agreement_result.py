"""The result object: contract JSON, notebook helpers, rendering, workbook; and the docstring examples."""
from __future__ import annotations

import doctest
import importlib
import json

import numpy as np
import pandas as pd
import pytest

from duocode.agreement import COEFFICIENTS, agreement
from duocode.render import tables

MODULES = ["api", "bootstrap", "brennan_prediger", "data", "gwet", "kappa", "krippendorff", "percent", "weights"]


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_run(module):
    mod = importlib.import_module(f"duocode.agreement.{module}")
    failures, attempted = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert failures == 0


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 3, 60)
    rows = []
    for coder in ("ann", "bob", "cat"):
        codes = np.where(rng.random(60) < 0.75, truth, rng.integers(0, 3, 60))
        for unit, code in enumerate(codes):
            if rng.random() > 0.1:
                rows.append({"unit": f"U{unit}", "coder": coder, "code": ["neg", "mid", "pos"][code]})
    return pd.DataFrame(rows)


def test_to_dict_is_strict_json_without_nan(frame):
    result = agreement(frame, level="ordinal", categories=["neg", "mid", "pos"], bootstrap=100, seed=1)
    text = json.dumps(result.to_dict(), allow_nan=False)
    doc = json.loads(text)
    assert list(doc["coefficients"]) == list(COEFFICIENTS)
    assert {"weighted", "diagnostics", "benchmarks", "bootstrap"} <= doc.keys()
    assert doc["benchmarks"]["krippendorff_alpha"]["krippendorff_2004"]


def test_api_accepts_a_dataframe_or_tuples_and_gives_the_same_numbers(frame):
    a = agreement(frame).to_dict()
    b = agreement(list(frame.itertuples(index=False, name=None))).to_dict()
    assert a == b


def test_api_ignores_nan_codes_in_a_dataframe_as_missing_ratings():
    df = pd.DataFrame({"unit": [1, 1, 2, 2, 3, 3], "coder": list("ababab"), "code": [1.0, 1.0, 2.0, np.nan, 2, 1]})
    result = agreement(df)
    assert result.n_codes == 5 and result.categories == ["1", "2"]


def test_result_offers_confusion_matrices_and_a_coefficient_frame_for_notebooks(frame):
    result = agreement(frame, level="ordinal", categories=["neg", "mid", "pos"])
    m = result.confusion_matrix("bob", "ann")
    assert list(m.index) == ["neg", "mid", "pos"] and m.index.name == "bob"
    assert m.values.sum() == next(p.n_units for p in result.pairs if set(p.coders) == {"ann", "bob"})
    table = result.to_frame()
    assert table.loc["krippendorff_alpha", "value"] == result.value("krippendorff_alpha")
    assert "gwet_ac2_quadratic" in table.index


def test_per_category_diagnostics_single_out_the_category_that_drives_disagreement():
    # coders agree perfectly on "a" and "b"; they confuse "c" and "d" every time
    rows = []
    for u, (x, y) in enumerate([("a", "a")] * 6 + [("b", "b")] * 6 + [("c", "d"), ("d", "c")] * 3):
        rows += [(u, "one", x), (u, "two", y)]
    result = agreement(rows)
    by_cat = {c.category: c for c in result.per_category}
    assert by_cat["a"].alpha > 0.9 and by_cat["b"].alpha > 0.9
    assert by_cat["c"].specific_agreement == 0 and by_cat["c"].alpha < 0


def test_tables_render_with_rich(frame):
    from rich.console import Console

    console = Console(record=True, width=140)
    for t in tables(agreement(frame, bootstrap=50, seed=2, title="demo")):
        console.print(t)
    text = console.export_text()
    assert "Agreement - demo: nominal" in text
    assert "Per category" in text and "Coder pairs" in text and "Confusion ann x bob" in text


def test_write_xlsx_stores_full_precision_numbers(frame, tmp_path):
    from openpyxl import load_workbook

    result = agreement(frame, title="codes.csv")
    path = tmp_path / "a.xlsx"
    result.write_xlsx(path)
    wb = load_workbook(path)
    summary = list(wb["Summary"].iter_rows(values_only=True))
    header, row = summary[0], summary[1]
    assert row[header.index("Krippendorff's alpha")] == result.value("krippendorff_alpha")
    assert row[0] == "codes.csv"
