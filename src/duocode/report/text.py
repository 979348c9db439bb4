"""The report's text, written from its JSON alone: a list of blocks that each writer (Markdown, Word, HTML) draws.

A block is a :class:`Heading`, a :class:`Para`, a :class:`Table` (caption, header row, rows) or a
:class:`Figure` (which of the two plots, and its caption). Every number in a block is formatted from a value of
``Report.to_dict()``; nothing here reads the project or computes a statistic.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from duocode.audit import VERDICT_WORDS

COEFFICIENT_NAMES = {"percent_agreement": "Percent agreement", "krippendorff_alpha": "Krippendorff's α",
                     "cohen_kappa": "Cohen's κ", "fleiss_kappa": "Fleiss' κ", "gwet_ac1": "Gwet's AC1",
                     "scott_pi": "Scott's π", "brennan_prediger": "Brennan–Prediger κ"}


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Para:
    text: str


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class Figure:
    kind: str                     # "agreement" | "table2"
    caption: str


@dataclass
class Doc:
    title: str
    blocks: list = field(default_factory=list)
    appendix: list = field(default_factory=list)     # the long per-document and per-case tables, at the end

    def h(self, text: str, level: int = 2) -> None:
        self.blocks.append(Heading(text, level))

    def p(self, text: str) -> None:
        if text:
            self.blocks.append(Para(text))

    def table(self, caption: str, header: list[str], rows: list[list[Any]], *, appendix: bool = False) -> None:
        (self.appendix if appendix else self.blocks).append(
            Table(caption, header, [[_cell(x) for x in row] for row in rows]))


def _cell(x: Any) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.3f}"
    return str(x)


def num(x: Any, digits: int = 3) -> str:
    """A figure as text: ``—`` for undefined, thousands separators for counts."""
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{num(n)} {word if n == 1 else (many or word + 's')}"


def listing(items: list[str]) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def with_ci(c: dict | None) -> str:
    """``0.827 [0.782, 0.869]``, or ``undefined (reason)``."""
    if not c:
        return "—"
    if c.get("value") is None:
        return "undefined" + (f" ({c['reason']})" if c.get("reason") else "")
    text = num(c["value"])
    if c.get("ci_low") is not None and c.get("ci_high") is not None:
        text += f" [{num(c['ci_low'])}, {num(c['ci_high'])}]"
    return text


def report_doc(data: dict[str, Any], title: str = "") -> Doc:
    """The whole report as blocks."""
    doc = Doc(f"Methods and results: {title}" if title else "Methods and results")
    _corpus(doc, data["corpus"])
    _case_finding(doc, data["case_finding"])
    _coding(doc, data["coding"])
    _agreement(doc, data["agreement"])
    _reconciliation(doc, data["reconciliation"])
    _audit(doc, data["audit"])
    _precoder(doc, data["precoder"])
    if doc.appendix:
        doc.h("Appendix")
        doc.blocks += doc.appendix
        doc.appendix = []
    return doc


def _corpus(doc: Doc, c: dict) -> None:
    t = c["totals"]
    inf = c["informants"]
    doc.h("Corpus")
    if t["pages"] is None:
        pages = "pages: not known (no document's format records pages)"
    elif t["documents_with_pages"] < t["documents"]:
        pages = (f"{num(t['pages'])} pages in the {plural(t['documents_with_pages'], 'document')} whose format "
                 f"records pages (pages: not known for the other {num(t['documents'] - t['documents_with_pages'])})")
    else:
        pages = f"{num(t['pages'])} pages"
    formats = listing([f"{n} {fmt}" for fmt, n in t["formats"].items()])
    doc.p(f"The corpus holds {plural(t['documents'], 'transcript')} ({formats}) of "
          f"{plural(inf['n'], 'informant')}: {num(t['words'])} words in {num(t['turns'])} speaker turns; {pages}.")
    rows = []
    for name, a in inf["attributes"].items():
        if "counts" in a:
            rows.append([name, "; ".join(f"{v}: {n}" for v, n in a["counts"].items())])
        else:
            rows.append([name, f"{a['distinct_values']} distinct values"])
    if rows:
        doc.table("Informants by attribute", ["Attribute", "Informants"], rows)
    doc.table("Transcripts", ["Document", "Informant", "Format", "Pages", "Words", "Turns"],
              [[d["id"], d["informant"] or "—", d["format"], "not known" if d["pages"] is None else d["pages"],
                num(d["words"]), num(d["turns"])] for d in c["documents"]]
              + [["Total", "", "", "not known" if t["pages"] is None else num(t["pages"]), num(t["words"]),
                  num(t["turns"])]], appendix=True)


def _case_finding(doc: Doc, cf: dict) -> None:
    doc.h("Case finding")
    cases = cf["cases"]
    if cf["method"] == "proposals":
        marks = listing([f"{coder} {plural(n, 'passage')}" for coder, n in cf["proposals"].items()])
        doc.p(f"The coders marked cases independently: {marks}.")
        m = cf.get("merge")
        if m:
            doc.p(f"Merge rule: {m['rule']}. {plural(m['proposals_merged'], 'proposal')} were merged in "
                  f"{plural(m['runs'], 'run')}: {num(m['linked_to_existing'])} linked to existing cases, "
                  f"{plural(m['new_cases'], 'new case')}.")
    else:
        doc.p("Cases were imported as one agreed list; the coders' separate markings are not in the project, so "
              "agreement on case finding is not reported.")
    pc = cf["precoder_candidates"]
    if pc["proposed"]:
        doc.p(f"The pre-coder proposed {plural(pc['proposed'], 'candidate passage')}: {num(pc['accepted'])} "
              f"accepted by a researcher, {num(pc['rejected'])} rejected, {num(pc['pending'])} still pending.")
    final = (f"{plural(cases['accepted'], 'case')} accepted ({num(cases['from_humans'])} marked by coders, "
             f"{num(cases['from_precoder'])} from pre-coder candidates); {num(cases['not_a_case_by_consensus'])} "
             f"judged not a case in the consensus; {num(cf['rejected'])} rejected; final count "
             f"{plural(cases['final'], 'case')}.")
    doc.p(final[0].upper() + final[1:])
    sa = cf.get("span_agreement")
    if sa:
        o = sa["overall"]
        doc.p(f"Agreement on where the cases are, over the coders' proposed spans before merging "
              f"({listing(sa['coders'])}): Krippendorff's |uα = {with_ci(o['u_alpha'])} (95% bootstrap interval, "
              f"{num(sa['bootstrap'])} resamples; Krippendorff, Mathet, Bouvry & Widlöcher 2016) and Mathet's "
              f"γ = {with_ci(o['gamma'])} ({num(sa['samples'])} random continua; Mathet, Widlöcher & Métivier "
              f"2015); seed {sa['seed']}.")
        doc.table("Span agreement per document", ["Document", "|uα [95% CI]", "γ"],
                  [[d, with_ci(s["u_alpha"]), with_ci(s["gamma"])] for d, s in sa["documents"].items()]
                  + [["Overall", with_ci(o["u_alpha"]), with_ci(o["gamma"])]], appendix=True)
    elif cf.get("span_agreement_reason"):
        doc.p(f"Span agreement: not computed ({cf['span_agreement_reason']}).")


def _coding(doc: Doc, c: dict) -> None:
    doc.h("Coding")
    doc.p(f"The codebook has {plural(len(c['variables']), 'variable')}; "
          f"{plural(len(c['coders']), 'coder')} ({listing(c['coders']) or 'none yet'}) coded "
          f"{plural(c['cases'], 'accepted case')} independently.")
    doc.table("Variables", ["Variable", "Label", "Level", "Values"],
              [[v["id"], v["label"], v["level"], ", ".join(x["id"] for x in v["values"]) or "a whole number"]
               for v in c["variables"]])
    if c["per_coder"]:
        doc.table("Coding per coder", ["Coder", "Cases coded", "Codes", "Completeness"],
                  [[coder, num(r["cases_coded"]), num(r["codes"]),
                    "—" if r["completeness"] is None else f"{r['completeness'] * 100:.1f}%"]
                   for coder, r in c["per_coder"].items()])


def _agreement(doc: Doc, a: dict) -> None:
    doc.h("Agreement")
    ci = (f"95% bootstrap intervals from {num(a['bootstrap'])} replicates (seed {a['seed']})"
          if a["bootstrap"] else "no bootstrap intervals")
    doc.p(f"Agreement between {listing(a['coders']) or 'the coders'} per variable, over the cases both coded; "
          f"{ci}. The pre-coder does not count as a coder.")
    shown = a["shown"]
    rows = []
    for var, r in a["variables"].items():
        rows.append([var, num(r["n_units"])] + [with_ci(r["coefficients"].get(k)) for k in shown])
    doc.table("Agreement per variable", ["Variable", "n"] + [COEFFICIENT_NAMES.get(k, k) for k in shown], rows)
    doc.blocks.append(Figure("agreement", "Krippendorff's α per variable with its 95% bootstrap interval"))
    for var, r in a["variables"].items():
        for note in r["notes"]:
            # agree's diagnostics: the kappa-paradox warning where one category dominates, the case-finding note
            doc.p(f"Note, {var}: {note}")
        if r.get("adopted_from_precoder"):
            doc.p(f"{var}: {plural(r['adopted_from_precoder'], 'counted code')} were taken from pre-coder "
                  "suggestions by a coder.")


def _reconciliation(doc: Doc, r: dict) -> None:
    doc.h("Reconciliation")
    if not r["disagreements"] and not r["consensus_codes"]:
        doc.p("No consensus has been recorded yet, and the coders' codes show no disagreement to settle."
              if not r["unsettled"] else "No consensus has been recorded yet.")
    else:
        doc.p(f"The coders disagreed on {plural(r['disagreements'], 'code')}; "
              f"{num(r['agreed_taken_over'])} values all coders agreed on were taken over as consensus. "
              f"{num(len(r['decisions']))} disagreements were settled by discussion "
              f"({num(r['with_reason'])} with a recorded reason); {num(len(r['unsettled']))} remain unsettled.")
    if r["per_variable"]:
        doc.table("Disagreements per variable", ["Variable", "Disagreements", "Settled", "Decided by"],
                  [[v, num(x["disagreements"]), num(x["settled"]),
                    "; ".join(f"{who}: {n}" for who, n in x["by"].items()) or "—"]
                   for v, x in r["per_variable"].items()])
    if r["decisions"]:
        doc.table("Settled disagreements", ["Case", "Variable", "Coders' values", "Consensus", "Decided by",
                                            "Reason"],
                  [[d["case_id"], d["variable"], "; ".join(f"{c}: {v}" for c, v in d["values"].items()),
                    d["consensus"] or "not coded", d["decided_by"] or "—", d["reason"] or "—"]
                   for d in r["decisions"]], appendix=True)
    if r["unsettled"]:
        doc.table("Unsettled disagreements", ["Case", "Variable", "Coders' values"],
                  [[d["case_id"], d["variable"],
                    "; ".join(f"{c}: {'not coded' if v is None else v}" for c, v in d["values"].items())]
                   for d in r["unsettled"]])


def _audit(doc: Doc, a: dict) -> None:
    doc.h("Audit: Table II and the propositions")
    if not a.get("available"):
        doc.p(f"The audit could not be built: {a.get('reason')}.")
        return
    for note in a["notes"]:
        doc.p(note)
    if a["table_ii_layout"]:
        types = a["layout"]["types"]
        rows = []
        for group in a["layout"]["row_groups"]:
            for i, row in enumerate(group["rows"]):
                rows.append([group["label"] if i == 0 else "", row["label"]]
                            + ["; ".join(a["cell_lines"][t["id"]][row["id"]]) for t in types])
        if a.get("summary_label"):
            rows.append([a["summary_label"], ""] + ["; ".join(a["summary_lines"][t["id"]]) for t in types])
        doc.table("Audit matrix (Table II)", ["", ""] + [t["label"] for t in types], rows)
        doc.blocks.append(Figure("table2", "Table II as a heat map: consensus cases per type and attribution"))
    if a["propositions"]:
        extra = [k for k in ("test", "p_value", "effect_size") if any(k in p for p in a["propositions"].values())]
        names = {"test": "Test", "p_value": "p", "effect_size": "Effect size"}
        rows = []
        for pid, p in a["propositions"].items():
            row = [pid, VERDICT_WORDS.get(p.get("verdict"), str(p.get("verdict"))),
                   num(p.get("n_supporting", len(p.get("supporting", [])))),
                   num(p.get("n_contradicting", len(p.get("contradicting", []))))]
            for k in extra:
                value = p.get(k)
                if k == "effect_size" and value is not None and p.get("effect_measure"):
                    value = f"{num(value)} ({p['effect_measure']})"
                elif k == "p_value" and value is None and p.get("reason"):
                    value = f"— ({p['reason']})"
                row.append(num(value))
            row.append(p.get("explanation") or "")
            rows.append(row)
        doc.table("Propositions", ["Proposition", "Verdict", "Supporting", "Contradicting"]
                  + [names[k] for k in extra] + ["Basis"], rows)
        statements = [f"{pid}: {p['statement']}" for pid, p in a["propositions"].items() if p.get("statement")]
        if statements:
            doc.table("Proposition statements", ["Proposition"], [[s] for s in statements])


def _precoder(doc: Doc, p: dict) -> None:
    doc.h("Pre-coder")
    if not p["used"]:
        doc.p("Not used: the project has no pre-coder candidates or suggestions.")
        return
    doc.p(p["role"])
    c = p["candidates"]
    s = p["suggestions"]
    doc.p(f"It proposed {plural(c['proposed'], 'candidate case')} ({num(c['accepted'])} accepted, "
          f"{num(c['rejected'])} rejected, {num(c['pending'])} pending) and {plural(s['total'], 'suggested code')}. "
          f"Of the {num(s['compared'])} suggestions on cases with a consensus value, the consensus has the same "
          f"value for {num(s['same'])} and a different one for {num(s['different'])}.")
    if s["per_variable"]:
        doc.table("Pre-coder suggestions against the consensus",
                  ["Variable", "Suggested", "With consensus", "Same", "Different", "Adopted by coders"],
                  [[v, num(r["suggested"]), num(r["compared"]), num(r["same"]), num(r["different"]),
                    num(r["adopted_by_coders"])] for v, r in s["per_variable"].items()])
    e = p.get("evaluation")
    if not e:
        doc.p("Its quality has not been measured in this project (no `duocode precode evaluate` run recorded).")
        return
    pooled = e.get("pooled", {})
    det = e.get("detection")
    line = (f"Measured quality (`precode evaluate` of {e['at'][:10]}, {e['folds']}-fold cross-validation, seed "
            f"{e['seed']}): pooled accuracy {num(pooled.get('accuracy'))} over {num(pooled.get('n'))} codes, "
            f"expected calibration error {num(pooled.get('ece'))}")
    if det:
        line += (f"; case detection recall {num(det.get('recall'))} at precision {num(det.get('precision'))} "
                 f"({det.get('method')}, threshold {num(det.get('threshold'), 2)})")
    doc.p(line + ".")
    doc.table("Pre-coder against the human codes (cross-validated)",
              ["Variable", "n", "Accuracy", "Macro-F1", "κ", "ECE"],
              [[v, num(r["n"]), num(r["accuracy"]), num(r["macro_f1"]), num(r["kappa"]), num(r["ece"])]
               for v, r in e.get("variables", {}).items()])
