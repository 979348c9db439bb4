"""The project store: one SQLite file per project. Only this package writes SQL."""
from duocode.store.project import CONSENSUS, DB_NAME, PRECODER, RESERVED_CODERS, Project, utcnow

__all__ = ["CONSENSUS", "DB_NAME", "PRECODER", "RESERVED_CODERS", "Project", "utcnow"]
