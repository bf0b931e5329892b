"""Alembic, configured in code: ``upgrade`` to head, ``check`` for drift, ``revision``.

The migrations are the checkout's top-level ``migrations/`` folder; an installed package
carries them as ``stateset_gql/migrations`` (setup.py maps the one onto the other).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

_PACKAGE = Path(__file__).resolve().parents[1]
PLACES = (_PACKAGE / "migrations", _PACKAGE.parent / "migrations")


class MigrationsMissing(Exception):
    """Neither an installed package nor a checkout holds the migrations."""


def migrations() -> Path:
    for place in PLACES:
        if (place / "env.py").is_file():
            return place
    raise MigrationsMissing(
        f"the database migrations are not installed (looked in {PLACES[0]} and "
        f"{PLACES[1]}); install the package again from its source: pip install ."
    )


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations()))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def check(database_url: str) -> None:
    """Raises when the models and the migrations disagree."""
    command.check(alembic_config(database_url))


def revision(database_url: str, message: str) -> None:
    command.revision(alembic_config(database_url), message=message, autogenerate=True)
