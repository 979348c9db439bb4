"""Pre-coder v2: embeddings offline, passages grown like a researcher's, the seed corpus, external evaluation."""
from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from duocode.cli import main

from tests.precode.conftest import SHOP, add_document


def test_embeddings_load_offline_and_place_like_meanings_together(monkeypatch):
    import socket

    import numpy as np

    from duocode.precode import embed

    def no_network(*args, **kwargs):
        raise AssertionError("the embedding model tried the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    vectors = embed.embed(["The bank greeted me by my first name.", "The clerk at the bank knew my name.",
                           "It rained all weekend in the hills.", ""])
    assert vectors.shape == (4, embed.DIM)
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, atol=1e-5) and not vectors[3].any()
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.1
    again = embed.embed(["The clerk at the bank knew my name."])
    assert np.array_equal(again[0], vectors[1])      # deterministic (and served from the cache)


def test_importing_the_embedding_module_loads_no_model():
    import subprocess
    import sys

    code = "import sys, duocode.precode.embed; print('wordllama' in sys.modules, 'numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


@pytest.mark.parametrize("probs, expected", [
    ({0: 0.1, 1: 0.9, 2: 0.2, 3: 0.05}, [(1, 2)]),                 # grows into a near-hit, not past it
    ({0: 0.2, 1: 0.9, 2: 0.1, 3: 0.1, 4: 0.9}, [(0, 1), (4, 4)]),  # two seeds too far apart
    ({0: 0.9, 1: 0.2, 2: 0.9}, [(0, 2)]),                          # hits one sentence apart merge
    ({0: 0.9, 1: 0.16, 2: 0.16, 3: 0.16, 4: 0.9}, [(0, 4)]),  # grown ranges that meet merge
    ({0: 0.9, 1: 0.16, 2: 0.16, 3: 0.1, 4: 0.1, 5: 0.9}, [(0, 2), (5, 5)]),
    ({0: 0.1, 1: 0.2}, []),
])
def test_hit_sentences_grow_into_whole_passages(probs, expected):
    from duocode.precode.detector import passages

    # threshold 0.3, growth down to 0.15, hits at most one sentence apart merge
    assert passages(probs, 0.3, 1) == expected


def test_a_new_tmp_project_learns_from_the_seed_corpus_before_any_coding(tmp_path):
    from duocode.codebook import load_codebook
    from duocode.precode.detect import detect
    from duocode.store import Project

    project = Project.create(tmp_path / "p", load_codebook("tmp"))
    text = ("Interviewer: What do you remember about the pharmacy?\n\n"
            "Wendell: Oh, I go there for my blood pressure pills, have done for years. Last winter their app "
            "sent me a note saying my repeat was nearly due and it had already put the order through with my "
            "usual dose. Honestly that took a weight off, I always forget until the last tablet. I felt they "
            "were looking out for me, not just selling.\n\n"
            "Interviewer: And the weather where you live?\n\n"
            "Wendell: Grey, mostly. We had a wet summer and the garden flooded twice, so I gave up on tomatoes.\n")
    add_document(project, "W1", text)
    res = detect(project, dry_run=True)
    assert res.method == "seed" and "seed corpus 'demo'" in res.model
    assert len(res.candidates) == 1
    (c,) = res.candidates
    assert "their app sent me a note" in c.text and "tomatoes" not in c.text
    assert "closest in meaning to a coded passage of" in c.explanation
    project.close()


def test_method_seed_is_refused_for_a_codebook_without_a_seed_corpus(shop_project):
    res = CliRunner().invoke(main, ["precode", "detect", "--method", "seed", "--project",
                                    str(shop_project.directory)])
    assert res.exit_code == 1 and "names no seed corpus" in res.output and "Traceback" not in res.output


def test_a_seed_corpus_that_does_not_exist_is_a_clear_error(tmp_path):
    from duocode.codebook.model import codebook_from_text
    from duocode.errors import InputError
    from duocode.precode.seeds import seed_corpus

    text = SHOP.read_text(encoding="utf-8").replace("  packs: [personalization]\n",
                                                     "  packs: [personalization]\n  seed_corpus: nowhere\n")
    assert "seed_corpus: nowhere" in text
    codebook = codebook_from_text(text, str(tmp_path / "shop.yaml"))
    with pytest.raises(InputError) as info:
        seed_corpus(codebook)
    assert "seed corpus 'nowhere' not found" in str(info.value) and "precode.seed_corpus" in str(info.value)


def _external_folder(tmp_path, quote_ok=True):
    folder = tmp_path / "heldout"
    (folder / "interviews").mkdir(parents=True)
    a = ("Interviewer: Tell me about the shops you use.\n\n"
         "Anna: The bookshop recommended a novel based on what I bought last year. I loved it, honestly.\n\n"
         "Interviewer: And the bakery?\n\nAnna: The bakery is just a bakery. I go on Saturdays.\n")
    b = ("Interviewer: Any hotels?\n\nBert: At the hotel the receptionist said welcome back Bert and knew my "
         "name. It felt lovely.\n\nInterviewer: Anything else?\n\nBert: Not really, I walk the dog a lot.\n")
    (folder / "interviews" / "A.txt").write_text(a, encoding="utf-8")
    (folder / "interviews" / "B.txt").write_text(b, encoding="utf-8")
    with (folder / "gold.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["document", "quote", "kind"])
        w.writerow(["A", "The bookshop recommended a novel based on what I bought last year. I loved it, honestly.",
                    "advice"])
        w.writerow(["B", "At the hotel the receptionist said welcome back Bert and knew my name." if quote_ok
                    else "a sentence that is not in the interview", "greeting"])
    return folder


def test_evaluate_external_scores_an_unseen_folder_and_changes_nothing(shop_project, tmp_path):
    folder = _external_folder(tmp_path)
    before = sorted(p.name for p in folder.rglob("*"))
    rows_before = shop_project.conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
    res = CliRunner().invoke(main, ["precode", "evaluate", "--external", str(folder), "--format", "json",
                                    "--project", str(shop_project.directory)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["n_documents"] == 2 and out["n_gold"] == 2
    assert out["detection"]["method"] == "rules" and 0.0 <= out["detection"]["recall"] <= 1.0
    assert {r["method"] for r in out["detection_rows"]} == {"rules"}
    assert out["variables"]["kind"]["n"] == 2 and out["trained_on"].startswith("detection: the codebook alone")
    assert sorted(p.name for p in folder.rglob("*")) == before
    assert shop_project.conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == rows_before


def test_evaluate_external_names_the_gold_line_whose_quote_is_not_in_the_interview(shop_project, tmp_path):
    folder = _external_folder(tmp_path, quote_ok=False)
    res = CliRunner().invoke(main, ["precode", "evaluate", "--external", str(folder), "--project",
                                    str(shop_project.directory)])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert "not found in B" in res.output and "line 3" in res.output


def test_evaluate_external_without_interviews_is_a_clear_error(shop_project, tmp_path):
    res = CliRunner().invoke(main, ["precode", "evaluate", "--external", str(tmp_path), "--project",
                                    str(shop_project.directory)])
    assert res.exit_code == 1 and "no interviews/ folder" in res.output


def test_a_second_codebook_runs_detect_suggest_and_evaluate_with_no_code_for_it(tmp_path):
    """The telecare codebook and its corpus (remote GP consultations): nothing in the pre-coder names them."""
    from pathlib import Path

    from duocode.codebook import load_codebook
    from duocode.precode.corpus import load_corpus, read_corpus
    from duocode.precode.detect import detect
    from duocode.precode.evaluate import evaluate
    from duocode.precode.suggest import suggest
    from duocode.store import Project

    root = Path(__file__).resolve().parents[2]
    project = Project.create(tmp_path / "tc", load_codebook(root / "codebooks" / "telecare.yaml"))
    load_corpus(project, read_corpus(root / "corpora" / "telecare"), coders=False)
    det = detect(project, dry_run=True)
    assert det.method == "trained"            # 36 coded cases in 12 interviews
    sug = suggest(project, dry_run=True)
    assert {s.variable for s in sug.suggestions} >= {"mode", "felt_heard", "overall"}
    assert all(0.0 <= s.confidence <= 1.0 and s.explanation for s in sug.suggestions)
    res = evaluate(project, folds=4, learning_curve=False)
    assert res.variables["mode"].n == 36 and res.detection.n_human == 36
    assert res.detection.recall >= 0.75
    project.close()
    pre = (root / "src" / "duocode" / "precode")
    for path in pre.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "telecare" not in text and "felt_heard" not in text, path.name
