"""Opening the cache file: engine, pragmas, migrations, unit of work.

SQLite in WAL mode with ``synchronous=FULL``: a decision the clerk made (outbox row and
its audit entry) is on disk when the commit returns, even if the power goes a moment
later. A busy timeout lets the window and a CLI command share the file without "database
is locked" reaching a person.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event

FILE_NAME = "creditdesk.sqlite"
BUSY_TIMEOUT_MS = 15_000


class DiskFullError(OSError):
    """The cache file cannot grow (the disk or the file's page cap is full); the
    transaction was rolled back, so nothing of the operation was written."""

    zh = "本机磁盘空间已满，本次操作未保存，请清理磁盘后重试"
    en = "the disk is full: nothing of this operation was saved; free some space and retry"

    def __init__(self) -> None:
        super().__init__(f"{self.zh} / {self.en}")


_SQLITE_FULL = 13


def _is_full(exc: BaseException | None) -> bool:
    return getattr(exc, "sqlite_errorcode", None) == _SQLITE_FULL or (
        "database or disk is full" in str(exc or ""))


def open_engine(data_dir: Path) -> Engine:
    """The engine for the cache in ``data_dir``, migrated to the newest schema."""
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        f"sqlite:///{data_dir / FILE_NAME}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # A writer takes the write lock up front (BEGIN IMMEDIATE), so two writers queue
        # on the busy timeout instead of one failing half-way with "database is locked";
        # readers in WAL mode never wait.
        write = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    @event.listens_for(engine, "handle_error")
    def _disk_full(context) -> DiskFullError | None:
        # SQLite says "database or disk is full" with the statement attached; the clerk
        # needs to hear what happened and that nothing was saved, in both languages.
        return DiskFullError() if _is_full(context.original_exception) else None

    migrate(engine)
    return engine


def migrate(engine: Engine) -> None:
    """Bring the file to the newest schema (Alembic ``upgrade head``)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class UnitOfWork:
    """One write transaction: commits only when told, rolls back otherwise.

    ``with UnitOfWork(engine) as uow: ...; uow.commit()``; ``uow.conn`` runs the
    statements. Everything done in one unit lands together or not at all.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.conn: Connection | None = None
        self._tx = None

    def __enter__(self) -> UnitOfWork:
        self.conn = self._engine.connect().execution_options(write=True)
        self._tx = self.conn.begin()
        return self

    def commit(self) -> None:
        """Make everything done in this unit permanent."""
        self._tx.commit()

    def __exit__(self, *exc: object) -> None:
        try:
            if self._tx.is_active:
                self._tx.rollback()
        finally:
            self.conn.close()
