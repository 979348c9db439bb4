"""Exchange with other qualitative-analysis tools (REFI-QDA projects and codebooks: :mod:`duocode.interop.refi`).

This layer sits above the stages it reads and writes through (store, codebook, ingest, coding, agreement,
audit) and below the command line; nothing beneath it imports it.
"""
