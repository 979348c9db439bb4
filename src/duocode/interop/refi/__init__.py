"""REFI-QDA 1.5 exchange: ``.qdpx`` projects and ``.qdc`` codebooks, out of and into duocode.

- :mod:`~duocode.interop.refi.model`: the parsed content of a file (users, code tree, sources, selections, cases,
  notes) and the deterministic GUIDs of an export;
- :mod:`~duocode.interop.refi.container`: reading an untrusted ``.qdpx`` zip and its XML safely (no entities, no
  DTD, no path tricks, size limits);
- :mod:`~duocode.interop.refi.xmlread`: XML into the model, lenient about the schema breaks real tools commit;
- :mod:`~duocode.interop.refi.positions`: the counting conventions of selection offsets and their conversion;
- :mod:`~duocode.interop.refi.codetree`: a duocode codebook as a REFI code tree and a foreign code tree as a
  duocode codebook;
- :mod:`~duocode.interop.refi.exporter` and :mod:`~duocode.interop.refi.importer`: the two commands.
"""
