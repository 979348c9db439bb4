"""The ``duocode`` command line: thin click commands over the Python API.

Each module in this package (other than ``_base``) adds its commands to :data:`main`; they are discovered here so
that adding a command group never means editing a shared list.
"""
import importlib
import pkgutil

from duocode.cli._base import main

for _mod in pkgutil.iter_modules(__path__):
    if not _mod.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_mod.name}")

__all__ = ["main"]
