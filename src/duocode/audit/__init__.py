"""Reconciliation and the audit (issue 6).

- :mod:`duocode.audit.consensus`: values all coders agree on become consensus; open disagreements; CSV import.
- :mod:`duocode.audit.reconcile`: the reconcile workbook, written and read back.
- :mod:`duocode.audit.matrix`: the Table II matrix and summary row, driven by the codebook's ``audit`` section.
- :mod:`duocode.audit.propositions`: verdicts on the codebook's propositions, with their evidence.
- :mod:`duocode.audit.report`: :func:`build_audit` and its renderings (JSON, Markdown, terminal, workbook).
- :mod:`duocode.audit.demo`: the consensus and audit steps of ``duocode demo``.
"""
