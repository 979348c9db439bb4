"""The figures of the methods-and-results report, gathered from the project (issue 18).

:func:`build_report` reads the project and calls the stages that already compute each figure: the store for the
corpus and the counts, :func:`duocode.coding.span_agreement` for case finding, :func:`duocode.audit.agree` for
agreement (once, with its bootstrap), :func:`duocode.audit.build_audit` for Table II and the propositions, the
pre-coder's recorded evaluation. It never writes to the project and never runs the pre-coder. The writers
(:mod:`duocode.report.markdown`, :mod:`~duocode.report.word`, :mod:`~duocode.report.html`) draw the text from
:meth:`Report.to_dict` alone, so every number in the text is one of the JSON's.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from duocode.errors import DuocodeError

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store import Project

REPORT_KEYS = ("corpus", "case_finding", "coding", "agreement", "reconciliation", "audit", "precoder")

# Attributes whose values nearly all differ (pseudonyms, ids) say nothing as a breakdown: beyond this many distinct
# values, only their number is given.
MAX_LEVELS = 12

# The coefficients a reviewer expects, in the order the report shows them (all that `agree` gives stay in the JSON).
SHOWN_COEFFICIENTS = ("percent_agreement", "krippendorff_alpha", "cohen_kappa", "fleiss_kappa", "gwet_ac1")

MERGE_RULE = ("each coder's proposals that overlap an accepted case are linked to it (the one overlapped most); "
              "proposals of any coders that overlap each other, transitively, become one case spanning them all; "
              "each proposing coder's is_case is yes where one of their proposals overlaps the case, no where none "
              "does (`duocode cases merge`)")

PRECODER_ROLE = ("The pre-coder's suggestions never count as a coder: they are stored under the reserved name "
                 "`precoder`, are left out of every agreement coefficient unless named, are hidden from coders by "
                 "default, and a candidate case becomes a case only when a person accepts it.")


@dataclass
class Report:
    """The report's figures; :meth:`to_dict` is the JSON of ``duocode report --format json``."""

    corpus: dict[str, Any]
    case_finding: dict[str, Any]
    coding: dict[str, Any]
    agreement: dict[str, Any]
    reconciliation: dict[str, Any]
    audit: dict[str, Any]
    precoder: dict[str, Any]
    title: str = ""
    path: str | None = None     # set by the writers: where the report was written

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in REPORT_KEYS}

    def to_markdown(self) -> str:
        from duocode.report.markdown import report_markdown

        return report_markdown(self.to_dict(), title=self.title)


def build_report(project: "Project", *, bootstrap: int = 1000, seed: int = 0, agreement: Any = None) -> Report:
    """Gather the report's figures from ``project`` (read only).

    Parameters
    ----------
    project : duocode.store.Project
    bootstrap : int, default 1000
        Bootstrap replicates for the confidence intervals of agreement (and of span agreement).
    seed : int, default 0
        The seed of both, so that ``duocode agree --bootstrap N --seed S`` and ``duocode agree --spans --seed S``
        give the same figures as the report.
    agreement : ProjectAgreement, optional
        ``agree(project, bootstrap=bootstrap, seed=seed)`` when the caller already has it (the demo computes it
        once for its own table and for the report).

    Returns
    -------
    Report
    """
    from duocode.audit import agree

    codebook = project.codebook
    if agreement is None:
        agreement = agree(project, bootstrap=bootstrap, seed=seed)
    agreement_dict = agreement.to_dict()
    audit = _audit(project)
    return Report(
        corpus=_corpus(project),
        case_finding=_case_finding(project, bootstrap, seed),
        coding=_coding(project),
        agreement=_agreement(agreement_dict, bootstrap, seed),
        reconciliation=_reconciliation(project, agreement_dict, audit.get("unresolved")),
        audit={k: v for k, v in audit.items() if k != "unresolved"},
        precoder=_precoder(project, agreement_dict),
        title=codebook.title,
    )


# -- corpus ---------------------------------------------------------------------------------------------------------
def _corpus(project) -> dict[str, Any]:
    from duocode.store import document_pages, informants, list_documents

    pages = document_pages(project)
    docs = [{"id": d.id, "format": d.format, "pages": pages.get(d.id), "words": d.n_words, "turns": d.n_turns,
             "informant": d.informant} for d in list_documents(project)]
    people = informants(project)
    names = sorted({a for inf in people.values() for a in inf.attributes})
    attributes: dict[str, Any] = {}
    for name in names:
        values = Counter("not given" if inf.attributes.get(name) in (None, "") else inf.attributes[name]
                         for inf in people.values())
        if len(values) > MAX_LEVELS or (len(people) > 1 and len(values) == len(people)):
            attributes[name] = {"distinct_values": len(values)}
        else:
            attributes[name] = {"counts": dict(sorted(values.items()))}
    known = [d["pages"] for d in docs if d["pages"] is not None]
    return {
        "informants": {"n": len(people), "attributes": attributes},
        "documents": docs,
        "totals": {"documents": len(docs), "words": sum(d["words"] for d in docs),
                   "turns": sum(d["turns"] for d in docs), "pages": sum(known) if known else None,
                   "documents_with_pages": len(known),
                   "formats": dict(sorted(Counter(d["format"] for d in docs).items()))},
    }


# -- case finding -----------------------------------------------------------------------------------------------------
def _case_finding(project, bootstrap: int, seed: int) -> dict[str, Any]:
    from duocode import coding
    from duocode.store import RESERVED_CODERS, consensus_values, list_cases, list_proposals

    proposals = list_proposals(project)
    per_coder = dict(sorted(Counter(p.coder for p in proposals).items()))
    all_cases = list_cases(project, status=None)
    by_status = Counter((c.source, c.status) for c in all_cases)
    accepted = [c for c in all_cases if c.status == "case"]
    consensus = consensus_values(project)
    not_a_case = sorted(c.id for c in accepted if consensus.get(c.id, {}).get("is_case") == "no")
    merges = [e for e in project.events(entity="cases", action="merge")]
    merge: dict[str, Any] | None = None
    if merges:
        import json

        details = [json.loads(e["detail"]) if e.get("detail") else {} for e in merges]
        merge = {"rule": MERGE_RULE, "runs": len(merges),
                 "proposals_merged": sum(d.get("proposals", 0) for d in details),
                 "linked_to_existing": sum(d.get("linked", 0) for d in details),
                 "new_cases": sum(len(d.get("new_cases", [])) for d in details),
                 "last_run": merges[-1]["at"]}
    out: dict[str, Any] = {
        "method": "proposals" if proposals else "imported",
        "proposals": per_coder,
        "merge": merge,
        "precoder_candidates": {"proposed": sum(n for (src, _), n in by_status.items() if src == "precoder"),
                                "accepted": by_status.get(("precoder", "case"), 0),
                                "rejected": by_status.get(("precoder", "rejected"), 0),
                                "pending": by_status.get(("precoder", "candidate"), 0)},
        "rejected": sum(n for (_, status), n in by_status.items() if status == "rejected"),
        "cases": {"accepted": len(accepted), "from_humans": sum(1 for c in accepted if c.source == "human"),
                  "from_precoder": sum(1 for c in accepted if c.source == "precoder"),
                  "not_a_case_by_consensus": len(not_a_case), "final": len(accepted) - len(not_a_case)},
        "span_agreement": None,
    }
    humans = [c for c in per_coder if c not in RESERVED_CODERS]
    if len(humans) >= 2:
        spans = coding.span_agreement(project, bootstrap=bootstrap, seed=seed)
        out["span_agreement"] = {**spans.to_dict(), "coders": spans.coders, "bootstrap": spans.bootstrap,
                                 "samples": spans.samples, "seed": spans.seed}
    else:
        out["span_agreement_reason"] = ("cases were imported as one agreed list, without each coder's proposals"
                                        if not proposals else
                                        f"proposals from one coder only ({', '.join(humans) or 'none'})")
    return out


# -- coding ---------------------------------------------------------------------------------------------------------
def _coding(project) -> dict[str, Any]:
    from duocode.store import coded_counts, list_cases

    codebook = project.codebook
    variables = [{"id": v.id, "label": v.label, "level": v.level,
                  "values": [{"id": val.id, "label": val.label} for val in v.values]} for v in codebook.variables]
    n_cases = len(list_cases(project))
    counts = coded_counts(project)
    humans = project.coders(kind="human")
    coded_cases = _cases_coded(project)
    per_coder = {}
    for coder in humans:
        cells = sum(counts.get(coder, {}).get(v.id, 0) for v in codebook.variables)
        total = n_cases * len(codebook.variables)
        per_coder[coder] = {"cases_coded": coded_cases.get(coder, 0),
                            "codes": cells, "per_variable": {v.id: counts.get(coder, {}).get(v.id, 0)
                                                             for v in codebook.variables},
                            "completeness": round(cells / total, 4) if total else None}
    return {"variables": variables, "coders": humans, "cases": n_cases, "per_coder": per_coder}


def _cases_coded(project) -> dict[str, int]:
    """coder -> accepted cases with at least one of that coder's codes."""
    seen: dict[str, set] = {}
    for case_id, _var, coder, _value in project.codes_long():
        seen.setdefault(coder, set()).add(case_id)
    return {c: len(ids) for c, ids in seen.items()}


# -- agreement ------------------------------------------------------------------------------------------------------
def _agreement(agreement: dict[str, Any], bootstrap: int, seed: int) -> dict[str, Any]:
    variables = {}
    for var, r in agreement["variables"].items():
        diag = r.get("diagnostics") or {}
        variables[var] = {"level": r.get("level"), "n_units": r.get("n_units"), "n_coders": r.get("n_coders"),
                          "n_codes": r.get("n_codes"), "coefficients": r.get("coefficients", {}),
                          "dominant_category": diag.get("dominant_category"),
                          "dominant_share": diag.get("dominant_share"), "notes": list(diag.get("notes") or []),
                          "adopted_from_precoder": r.get("adopted_from_precoder", 0)}
    return {"bootstrap": bootstrap, "seed": seed, "coders": agreement.get("coders", []),
            "shown": list(SHOWN_COEFFICIENTS), "variables": variables}


# -- reconciliation -------------------------------------------------------------------------------------------------
def _reconciliation(project, agreement: dict[str, Any], unresolved: list | None = None) -> dict[str, Any]:
    """``unresolved``: the audit's open disagreements (the same list :func:`duocode.audit.disagreements` gives),
    read again only when the audit could not be built."""
    from duocode.store import consensus_codes

    between = agreement.get("disagreements", {})
    settled_by = {(c.case_id, c.variable): c for c in consensus_codes(project)}
    per_variable: dict[str, Any] = {}
    decisions = []
    for var, items in between.items():
        if not items:
            continue
        settled = [settled_by.get((d["case_id"], var)) for d in items]
        per_variable[var] = {"disagreements": len(items), "settled": sum(1 for s in settled if s is not None),
                             "by": dict(sorted(Counter(s.decided_by or "not recorded" for s in settled
                                                       if s is not None).items()))}
        for d, s in zip(items, settled):
            if s is not None:
                decisions.append({"case_id": d["case_id"], "variable": var, "values": d["values"],
                                  "consensus": s.value, "decided_by": s.decided_by, "reason": s.reason})
    if unresolved is None:
        from duocode.audit import disagreements

        unresolved = [{"case_id": d.case_id, "variable": d.variable, "values": d.values}
                      for d in disagreements(project)]
    unsettled = list(unresolved)
    auto = sum(1 for c in settled_by.values() if c.decided_by == "auto")
    return {"disagreements": sum(v["disagreements"] for v in per_variable.values()),
            "per_variable": per_variable, "decisions": decisions,
            "with_reason": sum(1 for d in decisions if d["reason"]),
            "unsettled": unsettled, "agreed_taken_over": auto, "consensus_codes": len(settled_by)}


# -- audit ----------------------------------------------------------------------------------------------------------
def _audit(project) -> dict[str, Any]:
    from duocode.audit import build_audit

    try:
        # read only: no automatic consensus written; unsettled cases are left out and the audit says so
        result = build_audit(project, allow_unresolved=True, auto=False)
    except DuocodeError as exc:
        return {"available": False, "reason": str(exc)}
    d = result.to_dict()
    m = result.matrix
    propositions = {}
    for pid, p in result.propositions.items():
        entry = dict(d["proposition_details"].get(pid, {}))
        entry.update(d["propositions"][pid])     # the contract's fields (verdict, test, p_value, ...) win
        entry["label"] = p.label
        propositions[pid] = entry
    layout = {"types": [{"id": t, "label": result.type_label(t)} for t in m.types],
              "row_groups": [{"label": label, "rows": [{"id": r, "label": result.row_label(r)} for r in rows]}
                             for label, rows in m.row_groups]}
    return {"available": True, "table_ii_layout": d["table_ii_layout"], "layout": layout,
            "matrix": d["matrix"], "summary": d["summary"], "effect_counts": d["effect_counts"],
            "cell_lines": {t: {r: result.cell_lines(m.cells[t][r]) for r in m.rows} for t in m.types},
            "summary_label": result.summary_group() if m.summary_variable else None,
            "summary_lines": {t: result.summary_lines(t) for t in m.types},
            "propositions": propositions, "cases": d["cases"], "notes": result.notes(),
            "codebook": d["codebook"], "unresolved": d["unresolved"]}


# -- pre-coder ------------------------------------------------------------------------------------------------------
def _precoder(project, agreement: dict[str, Any]) -> dict[str, Any]:
    from duocode.precode import recorded_evaluation
    from duocode.store import consensus_values, list_cases, suggestion_rows

    candidates = [c for c in list_cases(project, status=None) if c.source == "precoder"]
    suggestions = suggestion_rows(project)
    evaluation = recorded_evaluation(project)
    used = bool(candidates or suggestions)
    out: dict[str, Any] = {"used": used, "counts_as_coder": False, "role": PRECODER_ROLE,
                           "evaluation": evaluation}
    if not used:
        return out
    status = Counter(c.status for c in candidates)
    out["candidates"] = {"proposed": len(candidates), "accepted": status.get("case", 0),
                         "rejected": status.get("rejected", 0), "pending": status.get("candidate", 0)}
    consensus = consensus_values(project)
    accepted_ids = {c.id for c in list_cases(project)}
    per_variable: dict[str, dict[str, int]] = {}
    for case_id, var, value, _conf, _expl in suggestions:
        row = per_variable.setdefault(var, {"suggested": 0, "compared": 0, "same": 0, "different": 0,
                                            "adopted_by_coders": 0})
        row["suggested"] += 1
        final = consensus.get(case_id, {}).get(var) if case_id in accepted_ids else None
        if final:
            row["compared"] += 1
            row["same" if final == value else "different"] += 1
    for var, r in agreement["variables"].items():
        if var in per_variable:
            per_variable[var]["adopted_by_coders"] = r.get("adopted_from_precoder", 0)
    order = [v.id for v in project.codebook.variables]
    per_variable = dict(sorted(per_variable.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order
                               else len(order)))
    out["suggestions"] = {"total": len(suggestions), "per_variable": per_variable,
                          "compared": sum(r["compared"] for r in per_variable.values()),
                          "same": sum(r["same"] for r in per_variable.values()),
                          "different": sum(r["different"] for r in per_variable.values())}
    return out


__all__ = ["MAX_LEVELS", "MERGE_RULE", "PRECODER_ROLE", "REPORT_KEYS", "Report", "build_report"]
