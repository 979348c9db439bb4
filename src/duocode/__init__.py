"""duocode: dual coding of interview transcripts, from transcripts to a Table II audit.

The command line (``duocode``) mirrors this Python API; every command calls one function that returns data.
"""
__version__ = "0.1.0"
