"""Opening the cache file: engine, pragmas, migrations, unit of work.

SQLite in WAL mode with ``synchronous=FULL``: a decision the clerk made (outbox row and
its audit entry) is on disk when the commit returns, even if the power goes a moment
later. A busy timeout lets the window and a CLI command share the file without "database
is locked" reaching a person; a writer keeps asking for the write lock for
``WRITE_PATIENCE_S`` (another program's long write, e.g. a big batch's log, may hold it
longer than one busy timeout), and only then gives up with a bilingual
``DatabaseBusyError``, nothing written.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import OperationalError

from local_cache.private import private_dir, private_file

FILE_NAME = "creditdesk.sqlite"
BUSY_TIMEOUT_MS = 15_000
# How long a writer waits for the write lock in all (several busy timeouts). It waits on a
# worker thread or in a command, never on the GUI thread; giving up loses the clerk's work.
WRITE_PATIENCE_S = 180.0
# Taking turns. SQLite's busy handler polls at up to 100 ms intervals, so a program that
# writes unit after unit (a batch's log, a sync's pages) would keep the lock from a waiting
# writer for as long as it runs: the waiter polls every few ms (POLL_MS per attempt), and
# a unit that held the lock LONG_HOLD_S or more leaves it free for YIELD_S before the same
# engine takes it again.
POLL_MS = 20
LONG_HOLD_S = 0.2
YIELD_S = 0.025


class DiskFullError(OSError):
    """The cache file cannot grow (the disk or the file's page cap is full); the
    transaction was rolled back, so nothing of the operation was written."""

    zh = "本机磁盘空间已满，本次操作未保存，请清理磁盘后重试"
    en = "the disk is full: nothing of this operation was saved; free some space and retry"

    def __init__(self) -> None:
        super().__init__(f"{self.zh} / {self.en}")


class DatabaseBusyError(RuntimeError):
    """Another program (a batch, a command) held the cache file's write lock for longer
    than ``WRITE_PATIENCE_S``; the operation was rolled back, nothing of it was written."""

    zh = "本机缓存被另一个程序（如批量核查或命令行）占用过久，本次操作未保存，请稍后重试"
    en = ("the desk's cache was held by another program (a batch run or a command) for too "
          "long: nothing of this operation was saved; try again shortly")

    def __init__(self) -> None:
        super().__init__(f"{self.zh} / {self.en}")


_SQLITE_FULL = 13
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6  # primary codes (extended codes keep them in the low byte)


def _is_full(exc: BaseException | None) -> bool:
    return getattr(exc, "sqlite_errorcode", None) == _SQLITE_FULL or (
        "database or disk is full" in str(exc or ""))


def _is_busy(exc: BaseException | None) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    return "database is locked" in str(exc or "")


_POLL_PRAGMA = f"PRAGMA busy_timeout={POLL_MS}"
_PATIENT_PRAGMA = f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}"


class _Turns:
    """When this engine may take the write lock again after a long unit of work."""

    def __init__(self) -> None:
        self.free_until = 0.0


def _begin_immediate(conn: Connection, turns: _Turns) -> None:
    """BEGIN IMMEDIATE, asked again every few ms while another program holds the lock.

    Each attempt waits ``POLL_MS`` inside SQLite; retrying is safe, nothing of the unit of
    work has run yet. Gives up with ``DatabaseBusyError`` after ``WRITE_PATIENCE_S``.
    """
    pause = turns.free_until - time.monotonic()
    if pause > 0:
        time.sleep(pause)  # our last unit was long: another program's turn first
    deadline = time.monotonic() + WRITE_PATIENCE_S
    # The two pragmas straight on the driver's connection: they only set a number, and
    # each statement through SQLAlchemy cost as much as one of a check's inserts.
    driver = conn.connection.driver_connection
    driver.execute(_POLL_PRAGMA)
    try:
        while True:
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                break
            except DatabaseBusyError:
                if time.monotonic() >= deadline:
                    raise
    finally:
        driver.execute(_PATIENT_PRAGMA)
    conn.info["write_since"] = time.monotonic()


def open_engine(data_dir: Path) -> Engine:
    """The engine for the cache in ``data_dir``, migrated to the newest schema.

    The folder is left 0700 and its files 0600 on POSIX (``local_cache.private``): the
    cache file is created 0600 before SQLite opens it, so its -wal and -shm follow.
    """
    private_dir(data_dir)
    private_file(data_dir / FILE_NAME)
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

    turns = _Turns()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # A writer takes the write lock up front (BEGIN IMMEDIATE), so two writers queue
        # instead of one failing half-way with "database is locked"; readers in WAL mode
        # never wait.
        if conn.get_execution_options().get("write", False):
            _begin_immediate(conn, turns)
        else:
            conn.exec_driver_sql("BEGIN")

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _end(conn: Connection) -> None:
        since = conn.info.pop("write_since", None)
        now = time.monotonic()
        if since is not None and now - since >= LONG_HOLD_S:
            turns.free_until = now + YIELD_S

    @event.listens_for(engine, "handle_error")
    def _plain_words(context) -> OSError | DatabaseBusyError | None:
        # SQLite says "database or disk is full" / "database is locked" with the statement
        # attached; the clerk needs to hear what happened and that nothing was saved, in
        # both languages.
        if _is_full(context.original_exception):
            return DiskFullError()
        if _is_busy(context.original_exception):
            return DatabaseBusyError()
        return None

    migrate(engine)
    return engine


MIGRATIONS = Path(__file__).with_name("migrations")


def newest_revision() -> str:
    """The newest schema revision, read from the migration file names (``0005_x.py`` is
    revision ``0005``; tests/unit/test_cache_schema.py holds the files to that rule)."""
    return max(p.name[:4] for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def _stored_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except OperationalError:  # no such table: a new file
            return None


def migrate(engine: Engine) -> None:
    """Bring the file to the newest schema (Alembic ``upgrade head``).

    A file already at the newest schema is only read, without loading Alembic (a command
    starts faster; one started while the window writes does not queue for the write
    lock); otherwise the upgrade runs under the write lock, so two programs opening an old
    file at once upgrade it once, one after the other, instead of one failing on a read
    transaction turned writer.
    """
    if _stored_revision(engine) == newest_revision():
        return
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    heads = set(ScriptDirectory.from_config(cfg).get_heads())
    with engine.connect() as conn:
        if set(MigrationContext.configure(conn).get_current_heads()) == heads:
            return
    with engine.connect().execution_options(write=True) as conn, conn.begin():
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


_QUEUED = "creditdesk_rows_queued"  # Connection.info key: outbox rows added in this unit
_queued_listeners: WeakKeyDictionary[Engine, list[Callable[[int], None]]] = WeakKeyDictionary()


def when_rows_queued(engine: Engine, callback: Callable[[int], None]) -> None:
    """Call ``callback(rows)`` after a unit of work on ``engine`` that added outbox rows
    has committed (on the committing thread; never for a unit rolled back)."""
    _queued_listeners.setdefault(engine, []).append(callback)


def note_row_queued(conn: Connection) -> None:
    """Count an outbox row added on ``conn`` (``store.add_outbox``), announced at commit."""
    conn.info[_QUEUED] = conn.info.get(_QUEUED, 0) + 1


class UnitOfWork:
    """One write transaction: commits only when told, rolls back otherwise.

    ``with UnitOfWork(engine) as uow: ...; uow.commit()``; ``uow.conn`` runs the
    statements. Everything done in one unit lands together or not at all; what a unit put
    outside the file (a printed PDF) is taken back by its ``on_failure`` hooks.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.conn: Connection | None = None
        self._tx = None
        self._committed = False
        self._undo: list[Callable[[], None]] = []

    def on_failure(self, undo: Callable[[], None]) -> None:
        """Run ``undo`` when this unit ends without a successful commit (an error before
        it, or the commit itself failing, e.g. on a full disk): for what the unit did
        outside the database, such as a file put in place before the commit."""
        self._undo.append(undo)

    def __enter__(self) -> UnitOfWork:
        self.conn = self._engine.connect().execution_options(write=True)
        self.conn.info.pop(_QUEUED, None)  # the pooled connection's info outlives a unit
        try:
            self._tx = self.conn.begin()
        except BaseException:
            self.conn.close()  # __exit__ does not run when __enter__ fails
            raise
        return self

    def commit(self) -> None:
        """Make everything done in this unit permanent."""
        self._tx.commit()
        self._committed = True
        queued = self.conn.info.pop(_QUEUED, 0)
        if queued:
            for callback in list(_queued_listeners.get(self._engine, ())):
                callback(queued)

    def __exit__(self, *exc: object) -> None:
        try:
            if self._tx.is_active:
                self._tx.rollback()
        finally:
            self.conn.close()
            if not self._committed:
                for undo in reversed(self._undo):
                    undo()
