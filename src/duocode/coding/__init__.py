"""Dual coding: coders' CSV codes, blind coding workbooks and their import, terminal coding, progress, and
double-coded case finding (proposals and ``cases merge``).

Modules: :mod:`~duocode.coding.csvcodes`, :mod:`~duocode.coding.sheet`, :mod:`~duocode.coding.importsheet`,
:mod:`~duocode.coding.terminal`, :mod:`~duocode.coding.status`, :mod:`~duocode.coding.proposals`,
:mod:`~duocode.coding.demo`. Nothing heavy is imported here, so the CLI starts fast.
"""
