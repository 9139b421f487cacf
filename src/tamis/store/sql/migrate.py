"""Schema migrations with Alembic, run from code so that `tamis db upgrade` needs no ini file."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from tamis.store.sql.engine import Engines


def _config() -> Config:
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("tamis.store.sql").joinpath("migrations"))
    )
    return config


def upgrade(engines: Engines, revision: str = "head") -> None:
    with engines.write.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current(engines: Engines) -> str | None:
    with engines.read.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def revision(engines: Engines, message: str) -> None:
    """Autogenerate a migration from the models (a developer's tool)."""
    with engines.write.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
