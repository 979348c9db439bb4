"""Agreement over a project, reconciliation and the audit (issue 6).

This ``__init__`` is the stage's one public face (a contract in ``pyproject.toml``):

- :mod:`duocode.audit.agreement`: :func:`agree`, agreement per variable over the project's coded cases; the
  one place where the store meets the agreement engine (which itself never opens a project).
- :mod:`duocode.audit.consensus`: values all coders agree on become consensus; open disagreements; CSV import.
- :mod:`duocode.audit.reconcile`: the reconcile workbook, written and read back.
- :mod:`duocode.audit.matrix`: the Table II matrix and summary row, driven by the codebook's ``audit`` section.
- :mod:`duocode.audit.propositions`: verdicts on the codebook's propositions, with their evidence.
- :mod:`duocode.audit.report`: :func:`build_audit` and its renderings (JSON, Markdown, workbook).
- :mod:`duocode.audit.demo`: the consensus and audit steps of ``duocode demo``.

numpy (the agreement engine) is imported only when agreement is computed.
"""
from duocode.audit.agreement import ProjectAgreement, agree, variable_seed
from duocode.audit.consensus import (AutoConsensusResult, ConsensusImportResult, auto_consensus, disagreements,
                                     import_consensus_csv)
from duocode.audit.demo import audit_demo
from duocode.audit.reconcile import ReconcileImportResult, ReconcileWorkbook, import_reconcile_sheet, write_reconcile
from duocode.audit.report import PROPOSITIONS_GROUP, VERDICT_WORDS, AuditResult, build_audit

__all__ = ["PROPOSITIONS_GROUP", "VERDICT_WORDS", "AuditResult", "AutoConsensusResult", "ConsensusImportResult", "ProjectAgreement",
           "ReconcileImportResult", "ReconcileWorkbook", "agree", "audit_demo", "auto_consensus", "build_audit",
           "disagreements", "import_consensus_csv", "import_reconcile_sheet", "variable_seed", "write_reconcile"]
