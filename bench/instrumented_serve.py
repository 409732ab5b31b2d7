"""The app as `make run` starts it (app/serve.py), plus a count of DuckDB cursors.

Used by the load test only. The loader opens one cursor per query and closes it in a
`finally`; to check that a session leaving mid-run leaks none, the connection the loader
gets is wrapped so that every cursor() and close() is counted. The counts are written as
JSON to $FABRIQUES_CURSOR_COUNTS every 0.2 s (and at exit), for the load test to read.

    FABRIQUES_CURSOR_COUNTS=/tmp/counts.json python -m bench.instrumented_serve --server.port 8600
"""
from __future__ import annotations

import atexit
import json
import os
import sys
import threading
import time
from pathlib import Path

import queries
from app import serve

COUNTS_ENV = "FABRIQUES_CURSOR_COUNTS"


class CursorCounts:
    def __init__(self):
        self.opened = 0
        self.closed = 0
        self._lock = threading.Lock()

    def open_one(self) -> None:
        with self._lock:
            self.opened += 1

    def close_one(self) -> None:
        with self._lock:
            self.closed += 1

    def as_dict(self) -> dict:
        with self._lock:
            return {"opened": self.opened, "closed": self.closed, "open": self.opened - self.closed}


class CountedCursor:
    def __init__(self, cursor, counts: CursorCounts):
        self._cursor = cursor
        self._counts = counts
        self._closed = False
        counts.open_one()

    def execute(self, *args, **kwargs):
        return self._cursor.execute(*args, **kwargs)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._counts.close_one()
        self._cursor.close()

    def __getattr__(self, name):
        return getattr(self._cursor, name)


class CountedConnection:
    def __init__(self, connection, counts: CursorCounts):
        self._connection = connection
        self._counts = counts

    def cursor(self):
        return CountedCursor(self._connection.cursor(), self._counts)

    def __getattr__(self, name):
        return getattr(self._connection, name)


def install(counts: CursorCounts) -> None:
    """Wrap the loader's cached connection; the cache itself is left as it is."""
    cached_database = queries._database

    def counted_database(directory: str, data_version: str):
        return CountedConnection(cached_database(directory, data_version), counts)

    queries._database = counted_database


def _write(path: Path, counts: CursorCounts) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(counts.as_dict()), encoding="utf-8")
    temporary.replace(path)


def _write_forever(path: Path, counts: CursorCounts) -> None:
    while True:
        _write(path, counts)
        time.sleep(0.2)


def main(argv: list[str]) -> int:
    counts = CursorCounts()
    install(counts)
    target = os.environ.get(COUNTS_ENV)
    if target:
        path = Path(target)
        threading.Thread(target=_write_forever, args=(path, counts), daemon=True).start()
        atexit.register(_write, path, counts)
    return serve.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
