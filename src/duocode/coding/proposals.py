"""Double-coded case finding: each coder's proposed cases, and ``cases merge`` that turns them into cases.

In the reference study both researchers read every transcript and marked the personalization cases
independently. ``cases import CSV --coder NAME`` stores one coder's marks as *proposals*; :func:`merge_cases`
then

1. links every proposal that overlaps an existing (accepted) case to that case (the one it overlaps most);
2. groups the remaining proposals that overlap each other (any coder, transitively) into one new case spanning
   all of them, with a new id continuing the project's numbering (``C07`` after ``C06``);
3. derives each proposing coder's ``is_case`` code on every case that at least one proposal overlaps: ``yes``
   where one of that coder's proposals overlaps the case, ``no`` where none does.

So ``agree`` reports case-finding agreement like any other variable. Merging again after new proposals only adds
what is new; the derived codes are recomputed (and every change logged).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from duocode.codebook import CASE_VARIABLE
from duocode.coding._common import check_coder
from duocode.errors import InputError, RefusedError

if TYPE_CHECKING:  # pragma: no cover
    from duocode.store import Project, Proposal



@dataclass
class ProposalsImportResult:
    coder: str
    path: str
    added: int
    unchanged: int

    def to_dict(self) -> dict:
        return {"coder": self.coder, "file": self.path, "proposals_added": self.added,
                "proposals_unchanged": self.unchanged}


def import_proposals(project: "Project", csv_path: str | Path, coder: str) -> ProposalsImportResult:
    """Store a cases CSV (``document`` + ``quote`` or ``start``/``end``; ``case_id`` optional) as a coder's
    proposals. All or nothing; a span this coder already proposed is not stored twice.

    Raises
    ------
    InputError
        Every problem of the CSV (line, case id, what was expected), or a file without rows.
    RefusedError
        A reserved coder name.
    """
    from duocode.ingest import parse_case_rows
    from duocode.store import insert_proposals

    coder = check_coder(coder)
    rows = parse_case_rows(project, csv_path, need_case_id=False)
    if not rows:
        raise InputError("no proposed cases below the header", path=str(csv_path),
                         expected="one row per proposed case: document and quote (or start and end)")
    with project.transaction():
        added, unchanged = insert_proposals(project, coder, [(r.document, r.start, r.end) for r in rows],
                                            source_file=str(csv_path))
    return ProposalsImportResult(coder, str(csv_path), added, unchanged)


@dataclass
class MergeResult:
    linked: int = 0                               # proposals linked to cases that already existed
    new_cases: list[str] = field(default_factory=list)
    proposals: int = 0                            # proposals merged by this run
    coders: list[str] = field(default_factory=list)
    codes: dict[str, int] = field(default_factory=dict)
    is_case: dict[str, dict[str, int]] = field(default_factory=dict)   # coder -> {"yes": n, "no": n}
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"proposals_merged": self.proposals, "linked_to_existing": self.linked,
                "new_cases": self.new_cases, "coders": self.coders, "is_case_codes": self.codes,
                "is_case": self.is_case, "warnings": self.warnings}


_ID = re.compile(r"^(.*?)(\d+)$")


def next_case_ids(existing: set[str] | list[str], n: int, *, taken: set[str] | None = None) -> list[str]:
    """``n`` new case ids continuing the numbering of ``existing`` (most common prefix, same zero padding),
    skipping any id in ``existing`` or ``taken``.

    >>> next_case_ids({"C01", "C02", "C10"}, 2)
    ['C11', 'C12']
    >>> next_case_ids(set(), 2)
    ['C01', 'C02']
    """
    existing = set(existing)
    parsed = [m.groups() for m in map(_ID.match, existing) if m]
    if parsed:
        prefix = Counter(p for p, _ in parsed).most_common(1)[0][0]
        numbers = [(int(d), len(d)) for p, d in parsed if p == prefix]
        last = max(num for num, _ in numbers)
        width = max(w for _, w in numbers)
    else:
        prefix, last, width = "C", 0, 2
    out: list[str] = []
    k = last
    while len(out) < n:
        k += 1
        cid = f"{prefix}{k:0{width}d}"
        if cid not in existing and cid not in (taken or ()):
            out.append(cid)
    return out


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def merge_cases(project: "Project") -> MergeResult:
    """Turn every coder's proposals into cases and derive each coder's ``is_case`` codes (see the module doc).

    Returns
    -------
    MergeResult
        Proposals linked to existing cases, new case ids, and the derived codes per coder.

    Raises
    ------
    RefusedError
        No coder has proposed any case yet.
    """
    from duocode.store import Case, insert_cases, link_proposals, list_cases, list_proposals, proposal_coders, set_codes

    proposals = list_proposals(project)
    if not proposals:
        raise RefusedError("no case proposals to merge", path=str(project.directory),
                           expected="proposals first: `duocode cases import CSV --coder NAME` for each coder")
    result = MergeResult(coders=proposal_coders(project))
    cases = list_cases(project)
    by_doc: dict[str, list] = {}
    for c in cases:
        by_doc.setdefault(c.document, []).append(c)

    links: list[tuple["Proposal", str]] = []
    loose: dict[str, list["Proposal"]] = {}
    for p in proposals:
        if p.case_id is not None:
            continue
        best, best_overlap = None, 0
        for c in by_doc.get(p.document, []):
            o = _overlap(p.start, p.end, c.start, c.end)
            if o > best_overlap:
                best, best_overlap = c, o
        if best is not None:
            links.append((p, best.id))
            result.linked += 1
        else:
            loose.setdefault(p.document, []).append(p)

    # Proposals overlapping each other (transitively) become one case spanning them all.
    groups: list[tuple[str, int, int, list["Proposal"]]] = []
    for doc, props in loose.items():
        props.sort(key=lambda q: (q.start, q.end))
        current: list["Proposal"] = []
        start = end = 0
        for p in props:
            if current and p.start < end:
                current.append(p)
                end = max(end, p.end)
                continue
            if current:
                groups.append((doc, start, end, current))
            current, start, end = [p], p.start, p.end
        if current:
            groups.append((doc, start, end, current))
    groups.sort(key=lambda g: (g[0], g[1], g[2]))
    # Numbering follows the accepted cases (pre-coder candidates may be numbered otherwise); no id is reused.
    new_ids = next_case_ids([c.id for c in cases], len(groups),
                            taken={c.id for c in list_cases(project, status=None)})
    new_cases = []
    for cid, (doc, start, end, props) in zip(new_ids, groups):
        new_cases.append(Case(id=cid, document=doc, start=start, end=end, text="", source="human", status="case"))
        links.extend((p, cid) for p in props)
        by_doc.setdefault(doc, []).append(new_cases[-1])
    result.new_cases = [c.id for c in new_cases]
    result.proposals = len(links)
    for cid, (_doc, _start, _end, props) in zip(new_ids, groups):
        warning = _chain_warning(cid, props)
        if warning:
            result.warnings.append(warning)

    codes = _derived_codes(project, proposals, by_doc, result)
    with project.transaction():
        if new_cases:
            insert_cases(project, new_cases, source_file="cases merge")
        link_proposals(project, links)
        if codes:
            result.codes = set_codes(project, codes, source_file="cases merge", action="merge")
        project.log_event("merge", "cases", None, detail={"proposals": result.proposals, "linked": result.linked,
                                                           "new_cases": result.new_cases})
    return result


def _components(props: list["Proposal"]) -> list[list["Proposal"]]:
    """``props`` grouped by overlap (transitively), each group and the groups in span order."""
    groups: list[list["Proposal"]] = []
    end = 0
    for p in sorted(props, key=lambda q: (q.start, q.end)):
        if groups and p.start < end:
            groups[-1].append(p)
            end = max(end, p.end)
        else:
            groups.append([p])
            end = p.end
    return groups


def _chain_warning(case_id: str, props: list["Proposal"]) -> str | None:
    """A warning when the case joins proposals that do not overlap each other only through some coder's
    proposal (remove that coder's spans and the rest fall apart): its extent then deserves a look."""
    coders = sorted({p.coder for p in props})
    bridges = [c for c in coders if len(_components([p for p in props if p.coder != c])) > 1]
    if not bridges:
        return None
    parts = _components([p for p in props if p.coder not in bridges])
    if len(parts) < 2:
        bridges = bridges[:1]
        parts = _components([p for p in props if p.coder != bridges[0]])
    spans = ", ".join(f"{p.coder}: {p.start}-{p.end}" for part in parts for p in part)
    through = (f"{bridges[0]}'s longer span" if len(bridges) == 1
               else "the longer spans of " + ", ".join(bridges[:-1]) + f" and {bridges[-1]}")
    return f"case {case_id} joins proposals that do not overlap each other ({spans}) through {through}; check its extent"


def _derived_codes(project: "Project", proposals: list["Proposal"], by_doc: dict[str, list],
                   result: MergeResult) -> list:
    from duocode.store import CodeRow

    if CASE_VARIABLE not in project.codebook.variables_by_id:
        result.warnings.append(f"the codebook has no variable '{CASE_VARIABLE}', so no case-finding codes were "
                               "derived and agreement on case finding cannot be computed")
        return []
    var = project.codebook.variables_by_id[CASE_VARIABLE]
    if not {"yes", "no"} <= set(var.value_ids):
        result.warnings.append(f"the codebook's variable '{CASE_VARIABLE}' lacks the values 'yes' and 'no', so "
                               "no case-finding codes were derived and agreement on case finding cannot be "
                               "computed")
        return []
    mine: dict[tuple[str, str], bool] = {}        # (case id, coder) -> has an overlapping proposal
    touched: list[str] = []
    seen: set[str] = set()
    for p in proposals:
        for c in by_doc.get(p.document, []):
            if _overlap(p.start, p.end, c.start, c.end) > 0:
                mine[(c.id, p.coder)] = True
                if c.id not in seen:
                    seen.add(c.id)
                    touched.append(c.id)
    rows = []
    for cid in sorted(touched):
        for coder in result.coders:
            value = "yes" if mine.get((cid, coder)) else "no"
            rows.append(CodeRow(cid, CASE_VARIABLE, coder, value))
            result.is_case.setdefault(coder, {"yes": 0, "no": 0})[value] += 1
    return rows
