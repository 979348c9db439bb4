"""``python -m duocode`` is the same as the ``duocode`` command."""
from duocode.cli import main

main(prog_name="duocode")
