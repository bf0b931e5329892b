"""Only what pyproject.toml cannot say: the Alembic migrations ship inside the package.

They live in the top-level ``migrations/`` folder (where Alembic and a reader look for
them) and are installed as ``stateset_gql/migrations``, so an installed package migrates
its database with no checkout beside it (``stateset_gql/db/migrate.py`` finds them in
either place). pyproject.toml's package discovery cannot add a package from another
folder, hence this file.
"""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["stateset_gql", "stateset_gql.*"]),
        "stateset_gql.migrations",
        "stateset_gql.migrations.versions",
    ],
    package_dir={"stateset_gql.migrations": "migrations"},
)
