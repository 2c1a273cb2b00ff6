"""A throwaway PostgreSQL cluster from Debian's package, for the storage tests."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.servers import free_port

# Every process on PostgreSQL is given its keys (casenote refuses to make key files there).
GIVEN_KEYS = {"audio_key": "Y2FzZW5vdGUtdGVzdC1hdWRpby1rZXktMzItYnl0ZXM=",
              "secret_key": "casenote-test-secret-key-for-postgresql",
              "text_key": "t1:Y2FzZW5vdGUtdGVzdC10ZXh0LWtleS0tMzItYnl0ZXM="}


def given_keys_env() -> dict[str, str]:
    return {f"CASENOTE_{name.upper()}": value for name, value in GIVEN_KEYS.items()}


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


class PostgresCluster:
    def __init__(self) -> None:
        bin_dir = _pg_bin()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL is not installed (scripts/install-system-deps.sh installs it)")
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="casenote-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        # initdb refuses to run as root: as root, run it as the 'postgres' user on a folder it owns.
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.user = "postgres" if self.as_user else pwd.getpwuid(os.geteuid()).pw_name

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> "PostgresCluster":
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", self.user,
                  "--no-sync", "-E", "UTF8")
        self.start_server()
        return self

    def start_server(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -F"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
                  str(self.root / "log"), "-w", "start")

    def stop_server(self) -> None:
        """The database goes away (as a crash would: no clean shutdown); ``start_server`` brings it back."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
