"""Open the store: SQLite under ``.secplan/`` by default, PostgreSQL when ``SECPLAN_DATABASE_URL`` says so.

Opening migrates the schema to the newest revision (all Alembic branches: each engine owns one),
under a lock so that concurrent processes do not migrate twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from secplan.errors import InputError
from secplan.fsutil import PRIVATE_FILE, keep_private, private_dir, private_file

STATE_DIR = ".secplan"
DB_FILENAME = "secplan.db"
URL_ENV = "SECPLAN_DATABASE_URL"
_MIGRATION_LOCK_KEY = 0x5EC9_1A40


def state_dir(root: Path) -> Path:
    """The project's private state folder (store, ledger key, caches), created or tightened to 0700."""
    return private_dir(root / STATE_DIR)


class Store:
    """A connection to secplan's database. One per process and project; cheap to create."""

    def __init__(self, url: str, home: Path, *, migrate: bool = True, private: bool = False) -> None:
        self.url = url
        self.home = home
        """Folder for state that must live outside the database (ledger key and checkpoint); its parent
        is the checkout whose project (:func:`secplan.projects.project_of`) this store acts for."""
        self.private = private
        """True for the project's own SQLite file under ``.secplan/``: every row in it is that project's."""
        self.engine = _make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if migrate:
            self.migrate()

    @classmethod
    def for_project(cls, root: Path, *, migrate: bool = True) -> Store:
        home = state_dir(root.resolve())
        url = os.environ.get(URL_ENV)
        if not url:
            database = home / DB_FILENAME
            private_file(database)  # SQLite gives its -wal and -shm files the database's mode
            for companion in ("-wal", "-shm"):
                keep_private(database.with_name(database.name + companion), PRIVATE_FILE)
            return cls(f"sqlite:///{database}", home, migrate=migrate, private=True)
        return cls(url, home, migrate=migrate)

    @staticmethod
    def exists_for(root: Path) -> bool:
        return bool(os.environ.get(URL_ENV)) or (root / STATE_DIR / DB_FILENAME).exists()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed when the block ends, rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    def migrate(self) -> None:
        from alembic import command
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        config = _alembic_config(self.url)
        heads = set(ScriptDirectory.from_config(config).get_heads())
        with self.engine.connect() as conn:
            if set(MigrationContext.configure(conn).get_current_heads()) == heads:
                return
        with self._migration_lock(), self.engine.begin() as conn:
            config.attributes["connection"] = conn
            if self.private:  # lets a migration that moves rows to a project know whose rows they are
                config.attributes["project_root"] = str(self.home.parent)
            command.upgrade(config, "heads")

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[None]:
        if self.dialect == "postgresql":
            with self.engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATION_LOCK_KEY})
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATION_LOCK_KEY})
                    conn.commit()
        else:
            with private_file(self.home / "migrate.lock").open("a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def dispose(self) -> None:
        self.engine.dispose()


def _alembic_config(url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "secplan.store:migrations")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": 60})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
        else:
            engine = create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # sqlalchemy.exc.ArgumentError and missing drivers
        raise InputError(f"cannot use database URL from {URL_ENV}: {type(exc).__name__}") from None
    event.listen(engine, "handle_error", _explain_database_error)
    return engine


#: What SQLite says when a file is not a database, or no longer one (truncated, overwritten).
_SQLITE_DAMAGE = ("file is not a database", "database disk image is malformed", "file is encrypted")


def _explain_database_error(context) -> None:
    """Turn a damaged or unreachable store into a message that says what to do (exit 2), instead of
    an internal error with a driver's link. Credentials in the URL never appear in the message."""
    exc = context.original_exception
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    engine = context.engine
    if engine is None:
        return
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        if any(marker in text for marker in _SQLITE_DAMAGE):
            raise StoreDamaged(
                f"{path}: the secplan store is damaged ({text})",
                hint="restore it from a backup (`secplan backup restore`), or move it aside to start a new "
                     "store; check an exported audit trail with `secplan audit verify`",
            ) from None
        if "unable to open database file" in text or "readonly database" in text:
            raise StoreDamaged(f"{path}: cannot open the secplan store ({text})",
                               hint="check the folder's owner and permissions") from None
    elif context.is_disconnect or isinstance(exc, _psycopg_operational()):
        where = f"{engine.url.host or 'localhost'}:{engine.url.port or 5432}/{engine.url.database or ''}"
        raise StoreDamaged(f"cannot reach the secplan store at {where} ({URL_ENV}): {text}",
                           hint="check that the database server runs and accepts this user") from None


def _psycopg_operational() -> tuple[type[BaseException], ...]:
    try:
        import psycopg
    except ImportError:
        return ()
    return (psycopg.OperationalError,)


class StoreDamaged(InputError):
    """The store cannot be read: not a database, truncated, or out of reach."""


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the driver, manage transactions, so that BEGIN IMMEDIATE can be issued.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.close()


def _sqlite_begin(conn) -> None:
    # IMMEDIATE takes the write lock at the start: concurrent writers queue instead of failing to upgrade.
    conn.exec_driver_sql("BEGIN IMMEDIATE")
