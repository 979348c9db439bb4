"""A throw-away PostgreSQL server for the tests and benchmarks: ``initdb`` into a temporary folder, ``pg_ctl start``
listening only on a Unix socket in that folder (no port to collide with), ``stop`` and delete at the end.

The server binaries are looked up on ``PATH``, then in ``/usr/lib/postgresql/*/bin`` (Debian's layout). ``initdb``
refuses to run as root, so as root the server runs as the unprivileged user ``nobody`` (through ``runuser``),
owning only the temporary folder. Authentication is ``trust`` on that socket only, so the tests can connect as
any role they create (a coder's role) without passwords.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def find_binaries() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or None."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.access(os.path.join(folder, "initdb"), os.X_OK) and os.access(os.path.join(folder, "pg_ctl"), os.X_OK):
            return Path(folder)
    return None


def unavailable_reason() -> str | None:
    """Why no test server can be started here, or None when one can."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[dev]')"
    if find_binaries() is None:
        return "no PostgreSQL server binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root, and there is no runuser to start PostgreSQL as an unprivileged user"
    return None


class TempServer:
    """``with TempServer() as server: server.url("dbname")``."""

    def __init__(self):
        self.bin = find_binaries()
        if self.bin is None:
            raise RuntimeError(unavailable_reason())
        self.folder = Path(tempfile.mkdtemp(prefix="duocode-pg-"))
        self.data = self.folder / "data"
        self.socket = str(self.folder)
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            os.chown(self.folder, _nobody_uid(), -1)
            self._as_user = ["runuser", "-u", "nobody", "--"]
        self._counter = 0

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as_user, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       cwd=self.socket)

    def start(self) -> "TempServer":
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-locale", "--no-sync")
        # no TCP at all, fsync off (a throw-away server), enough connections for the concurrency tests
        options = f"-k {self.socket} -c listen_addresses='' -F -c max_connections=60"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
                  "-w", "start")
        return self

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "TempServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def url(self, database: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql://{user}@/{database}?host={self.socket}"

    def admin(self):
        """An autocommit psycopg connection as the superuser to the ``postgres`` database."""
        import psycopg

        return psycopg.connect(self.url(), autocommit=True)

    def fresh_url(self, user: str = "postgres") -> str:
        """The URL of a new, empty schema in the session's shared database ``tests``: a place for one project, made
        in milliseconds (a new database takes ~0.5 s). The schema is the connection's ``search_path``."""
        if not getattr(self, "_shared", None):
            self._shared = self.new_database("tests")
        self._counter += 1
        schema = f"p{self._counter}"
        with self.admin_to(self._shared) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
            conn.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO PUBLIC')
        return self.url(self._shared, user) + f"&options=-csearch_path%3D{schema}"

    def admin_to(self, database: str):
        import psycopg

        return psycopg.connect(self.url(database), autocommit=True)

    def new_database(self, prefix: str = "t") -> str:
        """A fresh empty database; returns its name."""
        self._counter += 1
        name = f"{prefix}{os.getpid()}_{self._counter}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 STRATEGY FILE_COPY')
        return name


def _nobody_uid() -> int:
    import pwd

    return pwd.getpwnam("nobody").pw_uid
