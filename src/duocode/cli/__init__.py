"""The ``duocode`` command line: thin click commands over the Python API.

Each module in this package (other than ``_base``) adds its commands to :data:`main`; they are discovered here so
that adding a command group never means editing a shared list.
"""
import importlib
import os

from duocode.cli._base import main

# A plain listing of this folder rather than pkgutil, whose import alone costs a fifth of the start-up time.
for _name in sorted(os.listdir(__path__[0])):
    if _name.endswith(".py") and not _name.startswith("_"):
        importlib.import_module(f"{__name__}.{_name[:-3]}")

__all__ = ["main"]
