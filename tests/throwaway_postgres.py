"""A throwaway PostgreSQL server on loopback, from Debian's packages, for tests and benchmarks.

``with throwaway_postgres() as server: url = server.new_database()`` initialises a cluster in a
temporary folder, starts it on a free port and removes it afterwards.  Run as root, the server runs
as the ``postgres`` user (initdb refuses root)."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or [shutil.which("initdb") or ""]
    if not found[-1]:
        raise RuntimeError("PostgreSQL is not installed (scripts/test.sh installs Debian's postgresql package)")
    return Path(found[-1]).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        self.numbers = itertools.count(1)

    def url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def new_database(self) -> str:
        """The URL of a new, empty database on this server."""
        import psycopg

        name = f"ledger_{os.getpid()}_{next(self.numbers)}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)


@contextmanager
def throwaway_postgres(durable: bool = False) -> Iterator[Server]:
    """A running server; ``durable`` keeps fsync on (for benchmarks) where tests turn it off for speed.
    Either way commits are not waited for (synchronous_commit off), like the SQLite ledger's WAL mode."""
    bin_dir = binaries()
    as_root = os.geteuid() == 0
    run_as = ["runuser", "-u", "postgres", "--"] if as_root else []
    folder = Path(tempfile.mkdtemp(prefix="claimledger-pg-"))
    if as_root:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", free_port()
    settings = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c synchronous_commit=off"
    if not durable:
        settings += " -c fsync=off -c full_page_writes=off"
    try:
        subprocess.run([*run_as, str(bin_dir / "initdb"), "-D", str(data), "--auth=trust", "--no-locale",
                        "-E", "UTF8", "-U", "postgres"], check=True, capture_output=True)
        subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", settings, "-l",
                        str(folder / "server.log"), "-w", "start"], check=True, capture_output=True)
        yield Server(folder, port)
    finally:
        subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
