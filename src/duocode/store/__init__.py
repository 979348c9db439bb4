"""The project store: one SQLite file per project. Only this package writes SQL."""
from duocode.store.project import DB_NAME, RESERVED_CODERS, Project, utcnow

__all__ = ["DB_NAME", "RESERVED_CODERS", "Project", "utcnow"]
