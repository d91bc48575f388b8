"""The benchmark's own PostgreSQL database, copied from a migrated template when one exists."""

import hashlib
from importlib.metadata import version
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parent.parent


def migrations_digest() -> str:
    """What the migrated schema depends on: every migration here, and the framework versions."""
    digest = hashlib.blake2b(digest_size=6)
    for path in sorted(REPO.glob("*/migrations/*.py")):
        digest.update(path.relative_to(REPO).as_posix().encode() + path.read_bytes())
    for package in ("Django", "wagtail"):
        digest.update(version(package).encode())
    digest.update((REPO / "requirements" / "base.txt").read_bytes())
    return digest.hexdigest()


def admin_connection(url: str) -> psycopg.Connection:
    return psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)


def recreate_database(url: str) -> tuple[str, bool]:
    """Drop and create the database ``url`` names, migrated if a template of this schema exists.

    Returns the server's version and whether the copy is migrated already. Templates are named
    ``<name>_tpl_<digest of the migrations>``: a migration change makes a new one.
    """
    name = url.rsplit("/", 1)[1]
    template = f"{name}_tpl_{migrations_digest()}"
    with admin_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
        if found:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        else:
            conn.execute(f'CREATE DATABASE "{name}"')
        return conn.execute("SHOW server_version").fetchone()[0], bool(found)


def save_template(url: str) -> None:
    """Keep the freshly migrated database as the template later runs copy: seconds, not minutes."""
    name = url.rsplit("/", 1)[1]
    prefix, template = f"{name}_tpl_", f"{name}_tpl_{migrations_digest()}"
    with admin_connection(url) as conn:
        stale = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"]
        ).fetchall()
        for (old,) in stale:
            conn.execute(f'DROP DATABASE IF EXISTS "{old}"')
        conn.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
