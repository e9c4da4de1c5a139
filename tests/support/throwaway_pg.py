"""A PostgreSQL server of a test's own, to stop and start at will (a database outage),
never the machine's shared one.

`throwaway_postgres()` runs initdb and pg_ctl from /usr/lib/postgresql/*/bin (the newest
version found) into a temporary directory, on a free 127.0.0.1 port, with fsync off,
and removes it all afterwards. initdb refuses to run as root: as root, every command
runs as the `postgres` user (runuser), which owns the directory. `stop()` is
`pg_ctl stop -m immediate` (a crash, as far as clients can tell); `start()` brings it
back on the same port and data.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from content.db import make_engine
from tests.support.server import free_port


def postgres_bin() -> Path | None:
    """The bin directory of the newest PostgreSQL installed with initdb, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda path: int(Path(path).parent.parent.name)
                   if Path(path).parent.parent.name.isdigit() else 0)
    return Path(found[-1]).parent if found else None


@dataclass
class ThrowawayPostgres:
    """One running server: its port, data directory and the commands that drive it."""

    bin: Path
    folder: Path
    port: int
    user: str | None  # run the server as this user (as root), else as ourselves

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                  "-A", "trust", "-E", "UTF8", "--locale", "C", "--no-sync")

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
                   "-c fsync=off -c full_page_writes=off -c max_connections=200")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.folder / "log"), "-w", "-t", "60", "start")

    def stop(self) -> None:
        """An immediate stop: connections drop, nothing is flushed politely."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                  "-w", "stop")

    def create_database(self, name: str) -> str:
        """Creates a UTF-8 database and returns its URL."""
        admin = make_engine(self.url()).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' '
                              "TEMPLATE template0"))
        admin.dispose()
        return self.url(name)


@contextmanager
def throwaway_postgres() -> Iterator[ThrowawayPostgres]:
    """A fresh PostgreSQL server; raises LookupError when none is installed."""
    binary = postgres_bin()
    if binary is None:
        raise LookupError("no PostgreSQL server installed (/usr/lib/postgresql/*/bin/initdb)")
    user = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="peerlearn-pg-"))  # /tmp: the user can reach it
    if user:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    server = ThrowawayPostgres(binary, folder, free_port(), user)
    try:
        server.init()
        server.start()
        yield server
    finally:
        try:
            server.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(folder, ignore_errors=True)
