"""The pre-coder gives the same suggestions and figures with one worker process or several."""
import sys

import pytest

from duocode.precode import evaluate, suggest

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork only on Linux")


@linux_only
def test_suggest_and_evaluate_are_identical_with_one_or_two_workers(coded_project, monkeypatch):
    from duocode.store import CodeRow, set_codes

    with coded_project.transaction():   # a consensus, so that the classifiers train and evaluate has labels
        set_codes(coded_project, [CodeRow(f"C{i + 1:02d}", "liked", "consensus", "yes" if i >= 12 else "no")
                                  for i in range(24)])
    runs = []
    for n in ("1", "2"):
        monkeypatch.setenv("DUOCODE_WORKERS", n)
        runs.append((suggest(coded_project, dry_run=True).to_dict(),
                     evaluate(coded_project, folds=3, learning_curve=False).to_dict()))
    assert runs[0] == runs[1]
    assert any(m.startswith("trained") for m in runs[0][0]["models"].values())
