"""The Alembic migrations build exactly the schema the models describe, and an existing
database upgrades in place without losing its rows."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from sqlalchemy import text

from watcher.storage import MIGRATIONS_DIR, Database
from watcher.tables import Base


def test_the_migrations_build_the_schema_the_models_describe(database: Database) -> None:
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_a_database_from_the_first_release_upgrades_with_its_rows(database_url: str) -> None:
    db = Database(database_url)
    with db.engine.begin() as connection:
        config = AlembicConfig()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            text(
                "INSERT INTO feeds (url, next_check_at, error_count, disabled, active, "
                "lease_owner, lease_until, created_at) VALUES ('https://a.example/', "
                "'2025-01-01 00:00:00', 0, false, true, 'old-node:1', "
                "'2025-01-01 00:05:00', '2025-01-01 00:00:00')"
            )
        )
    db.upgrade()
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT lease_owner FROM feeds")).all() == [("old-node:1",)]
        assert connection.execute(text("SELECT count(*) FROM nodes")).scalar() == 0
    db.dispose()
