"""``duocode demo``: build a project from the bundled corpus and run every stage on it.

Stages: init -> ingest (interviews + informants) -> cases -> dual coding (both demo coders' workbooks written,
filled and imported back; case-finding proposals merged) -> agreement -> consensus (reconcile workbook filled and
imported) -> audit workbook -> pre-coding (detect, suggest, evaluate against the consensus).
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from duocode._util import no_progress
from duocode.errors import RefusedError


DEFAULT_CODEBOOK = "tmp"


def corpora_root() -> Path:
    """Where the bundled corpora live (``corpora/``)."""
    return Path(__file__).resolve().parent / "data" / "corpora"


def corpus_dir(codebook_id: str = DEFAULT_CODEBOOK) -> Path:
    """The bundled corpus of a bundled codebook: ``corpora/ID`` when there is one, else the bundled corpus the
    codebook names as its pre-coder's seed (``precode.seed_corpus``; the default codebook's is ``corpora/demo``).

    Raises
    ------
    InputError
        ``codebook_id`` is no bundled codebook with a bundled corpus (the message lists those that have one).
    """
    found = _bundled_corpus(codebook_id)
    if found is None:
        from duocode.errors import InputError

        raise InputError(f"no bundled corpus for codebook '{codebook_id}'",
                         expected="one of " + ", ".join(demo_codebooks()))
    return found


def demo_codebooks() -> list[str]:
    """The bundled codebooks that have a bundled corpus (what ``duocode demo --codebook`` accepts)."""
    from duocode.codebook import bundled_codebook_names

    return [name for name in bundled_codebook_names() if _bundled_corpus(name) is not None]


def _bundled_corpus(codebook_id: str) -> Path | None:
    from duocode.codebook import bundled_codebook_names, load_codebook

    if codebook_id not in bundled_codebook_names():
        return None
    root = corpora_root()
    for name in (codebook_id, load_codebook(codebook_id).seed_corpus):
        if name and "/" not in name and (root / name / "cases.csv").is_file():
            return root / name
    return None


def corpus_coders(corpus: Path) -> list[str]:
    """The demo coders of a corpus: one per ``codes_NAME.csv``."""
    return sorted(p.stem[len("codes_"):] for p in corpus.glob("codes_*.csv") if p.stem != "codes_")


@dataclass
class DemoResult:
    directory: str
    steps: list[tuple[str, str]] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    audit_path: str | None = None
    report_path: str | None = None
    agreement: Any = None
    evaluation: Any = None

    def to_dict(self) -> dict:
        return {"project": self.directory, "steps": [{"step": s, "result": r} for s, r in self.steps],
                "figures": self.figures, "audit": self.audit_path, "report": self.report_path}


# What `duocode demo` writes into its folder (the project database with SQLite's side files, the coders' and
# the reconcile workbooks, the audit workbook, the methods report).
DEMO_OUTPUTS = ("duocode.db", "duocode.db-wal", "duocode.db-shm", "workbooks", "audit.xlsx", "reconcile.xlsx",
                "report.md")

# Bootstrap replicates of the agreement intervals, in the demo's agreement table and its methods report alike
REPORT_BOOTSTRAP = 1000


def _remove_demo_outputs(directory: Path) -> None:
    """Remove what an earlier demo wrote, and nothing else: a folder holding other files is refused."""
    others = sorted(p.name for p in directory.iterdir() if p.name not in DEMO_OUTPUTS)
    if others:
        raise RefusedError("this folder holds an earlier demo project and other files (" + ", ".join(others[:5])
                           + ("…" if len(others) > 5 else "") + "); the demo would replace the project, so "
                           "choose an empty or new folder", path=str(directory))
    for name in DEMO_OUTPUTS:
        target = directory / name
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)


def run_demo(directory: str | Path = "demo-project", *, progress: Callable[[str], None] | None = None,
             learning_curve: bool = False, codebook: str = DEFAULT_CODEBOOK) -> DemoResult:
    """Build ``directory`` from the bundled corpus of ``codebook`` and run every stage; returns what each step
    did.

    An existing demo project in ``directory`` (one made by this command) is rebuilt; any other project there is
    refused, unchanged. An unknown ``codebook`` (or one without a bundled corpus) is refused before anything is
    touched.
    """
    from duocode.codebook import load_codebook
    from duocode.store import DB_NAME, Project

    directory = Path(directory)
    corpus = corpus_dir(codebook)
    say = progress or no_progress
    if (directory / DB_NAME).exists():
        with Project.open(directory) as existing:
            is_demo = existing.meta("demo") == "1"
            # the coders the earlier demo created (recorded since demos run on several corpora), else this one's
            recorded = existing.meta("demo_coders")
            made = recorded.split(",") if recorded else corpus_coders(corpus)
            added = sorted(set(existing.coders(kind="human")) - set(made))
        if is_demo and added:
            raise RefusedError("this demo project holds the work of coders the demo did not create ("
                               + ", ".join(added) + "); rebuilding it would lose that work, so choose another "
                               "folder", path=str(directory))
        if not is_demo:
            raise RefusedError("a project that was not made by `duocode demo` is already here; choose another "
                               "folder", path=str(directory))
        _remove_demo_outputs(directory)
    result = DemoResult(str(directory))
    project = Project.create(directory, load_codebook(codebook))
    try:
        with project.transaction():
            project.set_meta("demo", "1")
            project.set_meta("demo_coders", ",".join(corpus_coders(corpus)))
        _run_stages(project, corpus, directory, result, say, learning_curve)
    finally:
        project.close()
    return result


def _run_stages(project, corpus: Path, directory: Path, result: DemoResult, say, learning_curve: bool = False
                ) -> None:
    from duocode.ingest import import_cases, ingest

    say("ingesting the demo interviews")
    ing = ingest(project, [corpus / "interviews"], informants=corpus / "informants.csv")
    result.steps.append(("ingest", f"{ing.n_added} documents, {ing.n_words:,} words, informants joined"))
    result.figures["documents"] = ing.n_added

    cases = import_cases(project, corpus / "cases.csv")
    result.steps.append(("cases", f"{len(cases.cases)} cases imported from cases.csv"))
    result.figures["cases"] = len(cases.cases)

    say("writing, filling and importing the coders' workbooks")
    from duocode.coding import code_demo

    coding = code_demo(project, corpus, directory / "workbooks")
    result.steps.append(("dual coding", coding.get("summary", "")))
    result.figures["coding"] = coding

    say("computing agreement")
    from duocode.audit import agree

    # with the report's bootstrap intervals, so that the report reuses it
    result.agreement = agree(project, bootstrap=REPORT_BOOTSTRAP, seed=0)
    result.steps.append(("agreement", "per variable for the demo coders (table below)"))

    say("reconciling and writing the audit workbook")
    from duocode.audit import audit_demo

    audit_path = directory / "audit.xlsx"
    aud = audit_demo(project, corpus, audit_path)
    result.steps.append(("consensus + audit", aud.get("summary", "")))
    result.figures["audit"] = {k: v for k, v in aud.items() if k != "summary"}
    result.audit_path = str(audit_path)

    # Pre-coding runs once the consensus exists, so that it learns from (and is measured against) the settled
    # codes rather than only the values both coders happened to agree on.
    from duocode.precode import precode_demo

    pre = precode_demo(project, learning_curve=learning_curve, progress=say)
    result.evaluation = pre.pop("evaluation", None)
    result.steps.append(("pre-coding", pre.get("summary", "")))
    result.figures["precode"] = {k: v for k, v in pre.items() if k != "summary"}

    say("writing the methods report")
    from duocode.report import build_report, write_report   # the methods-and-results report of all the above

    report_path = directory / "report.md"
    write_report(build_report(project, bootstrap=REPORT_BOOTSTRAP, seed=0, agreement=result.agreement), report_path)
    result.steps.append(("report", "methods and results, every figure from the project (duocode report)"))
    result.report_path = str(report_path)
