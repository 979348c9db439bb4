"""The project store: one SQLite file per project, or one PostgreSQL database. Only this package writes SQL.

This ``__init__`` is the store's one public face: the other stages import from ``duocode.store``, never from its
modules (a contract in ``pyproject.toml``). The store keeps the codebook's YAML text and hands back the
:class:`~duocode.codebook.Codebook` that :mod:`duocode.codebook` builds from it; it parses nothing itself.

Modules: ``project`` (opening, transactions, the event log, settings, the codebook), ``documents`` (texts,
turns, informants), ``cases``, ``codes`` (codes and memos), ``proposals`` (double-coded case finding),
``consensus``, ``coding`` (progress and workbook baselines), ``embeddings`` (the cache of slow embeddings), ``precode`` (the pre-coder's candidates and
suggestions), ``schema`` (migrations), ``team`` (PostgreSQL roles), ``transfer`` (``duocode migrate``),
``_dialect`` (what differs between SQLite and PostgreSQL).
"""
from duocode.store.cases import (Case, case_context, case_ids, case_informant, case_speaker, document_case_counts,
                                 get_case, insert_cases, list_cases)
from duocode.store.codes import AGREED, CodeRow, code_rows, codes_by_case, insert_codes, memos, set_codes, set_memo
from duocode.store.coding import changes_since, coded_counts, coder_kinds, memo_counts, workbook_baseline
from duocode.store.consensus import (ConsensusCode, ConsensusEvent, consensus_codes, consensus_events,
                                     consensus_values, count_consensus_events, informant_of_documents)
from duocode.store.embeddings import cached_embedding_keys, cached_embeddings, count_embeddings, store_embeddings
from duocode.store.documents import (Document, DocumentSummary, Informant, Turn, count_words, document_hashes,
                                     document_ids, document_pages, document_text, get_document, informant_attributes, informants,
                                     insert_document, list_documents, text_sha256, write_informants)
from duocode.store.precode import (ADOPT_ACTION, ADOPT_SOURCE, adopted_codes, case_spans, coded_pairs,
                                   coders_with_own_codes, labelled_codes, set_case_status, suggestion_rows)
from duocode.store._dialect import Retryable
from duocode.store.project import (CONSENSUS, DATABASE_ENV, DB_NAME, PRECODER, RESERVED_CODERS, URL_NAME, Project,
                                   utcnow)
from duocode.store.proposals import Proposal, insert_proposals, link_proposals, list_proposals, proposal_coders
from duocode.store.team import TeamRole, add_team_role, session_role, team_roles
from duocode.store.transfer import Transfer, move_project

__all__ = [
    "ADOPT_ACTION", "ADOPT_SOURCE", "AGREED", "CONSENSUS", "DB_NAME", "PRECODER", "RESERVED_CODERS", "Case",
    "CodeRow", "ConsensusCode", "ConsensusEvent", "Document", "DocumentSummary", "Informant", "Project", "Proposal",
    "Turn", "adopted_codes", "case_context", "case_ids", "case_informant", "case_spans", "case_speaker",
    "cached_embedding_keys", "cached_embeddings", "changes_since", "code_rows", "count_embeddings",
    "coded_counts", "coded_pairs", "coder_kinds", "coders_with_own_codes",
    "codes_by_case", "consensus_codes", "consensus_events", "consensus_values", "count_consensus_events",
    "count_words", "document_case_counts", "document_hashes", "document_ids", "document_pages", "document_text", "get_case",
    "get_document", "informant_attributes", "informant_of_documents", "informants", "insert_cases",
    "insert_codes", "insert_document", "insert_proposals", "labelled_codes", "link_proposals", "list_cases", "list_documents",
    "list_proposals", "memo_counts", "memos", "proposal_coders", "set_case_status", "set_codes", "set_memo",
    "store_embeddings", "suggestion_rows", "text_sha256", "utcnow", "workbook_baseline", "write_informants",
    # the PostgreSQL backend, team roles and migrate
    "DATABASE_ENV", "Retryable", "TeamRole", "Transfer", "URL_NAME", "add_team_role", "move_project", "session_role",
    "team_roles",
]
