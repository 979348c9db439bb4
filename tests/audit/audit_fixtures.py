"""Builders for the audit tests: projects made through the store API directly, and the hand-made test set
(16 passages coded in consensus on the TMP codebook; its matrix, summary and verdicts are derived by hand in
test_audit_matrix.py and test_audit_propositions.py)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
REPO = Path(__file__).resolve().parents[2]
MINI = REPO / "tests" / "data" / "mini_codebook.yaml"

# ``snapshot`` of the top-level tests/conftest.py, loaded by path: several test folders have a conftest.py, so
# ``from conftest import snapshot`` may find the wrong one.
_spec = importlib.util.spec_from_file_location("duocode_tests_top_conftest_audit",
                                               REPO / "tests" / "conftest.py")
_top = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_top)
snapshot = _top.snapshot


def build_project(directory, codebook, texts: dict[str, tuple[str, str]], coders: dict[str, dict],
                  consensus: dict | None = None, informants: dict[str, dict] | None = None):
    """A project whose documents hold the given case texts.

    ``texts``: case id -> (document id, text); ``coders``: coder -> case id -> {variable: value};
    ``consensus``: case id -> {variable: value} stored as coder ``consensus`` (reason "test").
    """
    from duocode.codebook import load_codebook
    from duocode.store import Project
    from duocode.store.cases import Case, insert_cases
    from duocode.store.codes import CodeRow, set_codes
    from duocode.store.documents import Document, insert_document

    cb = load_codebook(codebook) if not hasattr(codebook, "variables") else codebook
    project = Project.create(directory, cb)
    docs: dict[str, str] = {}
    spans = []
    for case_id, (doc, text) in texts.items():
        start = len(docs.get(doc, ""))
        docs[doc] = docs.get(doc, "") + text + "\n\n"
        spans.append(Case(case_id, doc, start, start + len(text), text))
    with project.transaction():
        for doc, text in docs.items():
            insert_document(project, Document(doc, text, "txt", source_path=f"{doc}.txt"))
        for doc, attrs in (informants or {}).items():
            project.conn.execute("INSERT INTO informants(id, document_id) VALUES (?, ?)", (doc, doc))
            for k, v in attrs.items():
                project.conn.execute("INSERT INTO informant_attributes(informant_id, name, value) VALUES (?, ?, ?)",
                                     (doc, k, v))
        insert_cases(project, spans)
        rows = [CodeRow(cid, var, coder, val) for coder, by_case in coders.items()
                for cid, codes in by_case.items() for var, val in codes.items() if val is not None]
        rows += [CodeRow(cid, var, "consensus", val, reason="test", decided_by="test")
                 for cid, codes in (consensus or {}).items() for var, val in codes.items() if val is not None]
        set_codes(project, rows)
    return project




# -- the hand-made test set ---------------------------------------------------------------------------

ATTRS = ("positive_performance", "positive_benevolence", "positive_value", "negative_performance",
         "negative_benevolence", "negative_value")


def codes(tmp_type, yes, summary, effect, channel, privacy="unknown", clarity="unknown", past=None, is_case="yes"):
    out = {"is_case": is_case, "tmp_type": tmp_type, "summary": summary, "effect": effect, "channel": channel,
           "privacy_sensitivity": privacy, "preference_clarity": clarity}
    for a in ATTRS:
        out[a] = "yes" if a in yes else "no"
    if past is not None:
        out["past_accurate_recs"] = str(past)
    return out


PP, PB, PV, NP, NB, NV = ATTRS

# case id -> (document, consensus codes). Documents A..E hold their cases in this order, so document order is
# I1 I2 T1 | I3 T2 K1 | I4 T3 K2 | I5 T4 K3 | T5 K4 K5 X1.
CASES = {
    "I1": ("A", codes("interaction", {PB}, "positive", "illusionary_benevolence", "telephone", "low")),
    "I2": ("A", codes("interaction", {PB, PP}, "positive", "illusionary_benevolence", "telephone")),
    "T1": ("A", codes("transaction_outcome", {PV}, "positive", "customized_value", "web", "low", "clear")),
    "I3": ("B", codes("interaction", {NB}, "negative", "privacy_halo", "email", "high")),
    "T2": ("B", codes("transaction_outcome", {PV, NV}, "equilibrium", "customization_cost", "web", "high", "fuzzy")),
    "K1": ("B", codes("continuity", {PP, PV}, "positive", "accuracy", "web", past=1)),
    "I4": ("C", codes("interaction", {PB, NB}, "equilibrium", "privacy_halo", "telephone", "high")),
    "T3": ("C", codes("transaction_outcome", {NV}, "negative", "customization_cost", "web", "high", "clear")),
    "K2": ("C", codes("continuity", {NP, NV}, "negative", "accuracy", "email", past=5)),
    "I5": ("D", codes("interaction", {PP}, "positive", "other", "web", "low")),
    "T4": ("D", codes("transaction_outcome", {PV, PP}, "positive", "customized_value", "web", "low", "clear")),
    "K3": ("D", codes("continuity", {PB, PV}, "positive", "service_tendencies", "web", past=2)),
    "T5": ("E", codes("transaction_outcome", set(), "equilibrium", "customized_value", "web", "unknown", "fuzzy")),
    "K4": ("E", codes("continuity", {NB, NP}, "negative", "service_tendencies", "web", past=0)),
    "K5": ("E", codes("continuity", {PP}, "positive", "accuracy", "web", past=6)),
    # Not a personalization case by consensus: must appear nowhere in the matrix or the verdicts.
    "X1": ("E", codes("interaction", {PB}, "positive", "illusionary_benevolence", "telephone", is_case="no")),
}


def texts() -> dict[str, tuple[str, str]]:
    return {cid: (doc, f"Passage {cid}: the informant talks about a firm that knew them.")
            for cid, (doc, _) in CASES.items()}


def consensus() -> dict[str, dict[str, str]]:
    return {cid: dict(c) for cid, (_, c) in CASES.items()}


# -- a non-TMP set for tests/audit/data/garden.yaml (derivations in test_audit_matrix.py and
# test_audit_propositions.py) ------------------------------------------------------------------------------------
GARDEN = {
    "A1": {"service": "advice", "liked": "yes", "disliked": "no", "mechanism": "expertise", "overall": "good",
           "visits": "5"},
    "A2": {"service": "advice", "liked": "yes", "disliked": "no", "mechanism": "expertise", "overall": "good",
           "visits": "1"},
    "A3": {"service": "advice", "liked": "no", "disliked": "yes", "mechanism": "upsell", "overall": "bad",
           "visits": "0"},
    "A4": {"service": "advice", "liked": "yes", "disliked": "yes", "mechanism": "upsell", "overall": "fine",
           "visits": "2"},
    "A5": {"service": "advice", "liked": "no", "disliked": "no", "overall": "fine"},
    "D1": {"service": "delivery", "liked": "yes", "disliked": "no", "mechanism": "punctuality", "overall": "good",
           "visits": "4"},
    "D2": {"service": "delivery", "liked": "no", "disliked": "yes", "mechanism": "punctuality", "overall": "bad",
           "visits": "0"},
    "D3": {"service": "delivery", "liked": "yes", "disliked": "no", "mechanism": "other", "overall": "good",
           "visits": "1"},
    "U1": {"liked": "yes", "overall": "good"},
}
