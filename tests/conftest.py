"""Fixtures shared by the whole suite: a migrated database on SQLite and on PostgreSQL.

`database` is parametrised over both backends, so every storage test runs twice:

- `sqlite`: a file in `tmp_path` (WAL mode, as in production), migrated by
  `Database.upgrade()`;
- `postgres`: a fresh, uniquely named database on the local server
  (`NEWSWATCH_TEST_PG`, default `postgresql://postgres@127.0.0.1:5432/postgres`),
  dropped with `WITH (FORCE)` afterwards. It is a copy of a template that
  `Database.upgrade()` migrated once per session, made ahead in a worker thread;
  `upgrade()` then runs again on the copy and finds nothing to do.

CI starts PostgreSQL (`.ci/run`), so an unreachable server FAILS the postgres tests
instead of skipping them; deselect them locally with `-m "not postgres"`.
"""

from __future__ import annotations

import os
import uuid
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from watcher.storage import Database

PG_ADMIN_URL = os.environ.get("NEWSWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_CONNECT_TIMEOUT = 5  # seconds; a stopped server refuses at once anyway


def _pg_admin() -> psycopg.Connection:
    """An autocommit connection to the maintenance database; fails the test if unreachable."""
    try:
        return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=PG_CONNECT_TIMEOUT)
    except psycopg.OperationalError as exc:
        problem = str(exc).strip()
    pytest.fail(
        f"PostgreSQL is unreachable at {PG_ADMIN_URL}: {problem}\n"
        "The storage tests need it (CI starts it in .ci/run); start it, or run "
        "`pytest -m 'not postgres'` to leave these tests out.",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[psycopg.Connection]:
    """An autocommit connection to the server's maintenance database."""
    connection = _pg_admin()
    yield connection
    connection.close()


def _pg_url(admin: psycopg.Connection, name: str) -> str:
    info = admin.info
    return f"postgresql+psycopg://{info.user}@{info.host}:{info.port}/{name}"


def _drop(admin: psycopg.Connection, name: str) -> None:
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


class _FreshDatabases:
    """Copies of a migrated template, made a few tests ahead in a worker thread.

    `CREATE DATABASE` costs from 30 ms to several hundred on a busy disk (it waits on
    fsync); making copies ahead while tests run hides most of that. Drops run on a second
    worker. Each worker has its own connection, so the main thread's `pg_admin` stays free.
    """

    AHEAD = 2  # copies kept ready

    def __init__(self, template: str) -> None:
        self.template = template
        self._creator, self._dropper = _pg_admin(), _pg_admin()
        self._creating = ThreadPoolExecutor(1, thread_name_prefix="pg-create")
        self._dropping = ThreadPoolExecutor(1, thread_name_prefix="pg-drop")
        self._ready: deque[Future[str]] = deque(
            self._creating.submit(self._create) for _ in range(self.AHEAD)
        )

    def _create(self) -> str:
        name = f"nw_test_{uuid.uuid4().hex[:16]}"
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}")
        self._creator.execute(statement.format(sql.Identifier(name), sql.Identifier(self.template)))
        return name

    def take(self) -> str:
        """The name of a fresh database nobody else uses; start making another one."""
        name = self._ready.popleft().result()
        self._ready.append(self._creating.submit(self._create))
        return name

    def drop(self, name: str) -> None:
        self._dropping.submit(_drop, self._dropper, name)

    def close(self) -> None:
        try:
            for future in self._ready:
                self.drop(future.result())
        finally:
            self._creating.shutdown(wait=True)
            self._dropping.shutdown(wait=True)
            self._creator.close()
            self._dropper.close()


@pytest.fixture(scope="session")
def pg_fresh(pg_admin: psycopg.Connection) -> Iterator[_FreshDatabases]:
    """A template migrated once by `Database.upgrade()`, and its copies for each test."""
    template = f"nw_template_{uuid.uuid4().hex[:16]}"
    pg_admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(template)))
    db = Database(_pg_url(pg_admin, template))
    try:
        db.upgrade()
    finally:
        db.dispose()  # CREATE DATABASE … TEMPLATE needs the template without connections
    fresh = _FreshDatabases(template)
    yield fresh
    fresh.close()
    _drop(pg_admin, template)


@pytest.fixture
def pg_database_url(pg_admin: psycopg.Connection, pg_fresh: _FreshDatabases) -> Iterator[str]:
    """The SQLAlchemy URL of a fresh, uniquely named PostgreSQL database (a copy of the
    migrated template), dropped with `WITH (FORCE)` after the test."""
    name = pg_fresh.take()
    yield _pg_url(pg_admin, name)
    pg_fresh.drop(name)


def _sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'newswatch.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh database on each backend (SQLite: empty; PostgreSQL: migrated)."""
    if request.param == "sqlite":
        return _sqlite_url(tmp_path)
    return request.getfixturevalue("pg_database_url")


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A migrated `Database` on each backend; open another `Database(database.url)` to
    play a restarted process or a second node."""
    db = Database(database_url)
    db.upgrade()
    yield db
    db.dispose()


@pytest.fixture
def pg_database(pg_database_url: str) -> Iterator[Database]:
    """A migrated `Database` on PostgreSQL only (multi-node tests)."""
    db = Database(pg_database_url)
    db.upgrade()
    yield db
    db.dispose()
