"""The desk's log file: ``logs/creditdesk.log`` in the data directory, rotated.

Set up once per process at start by whoever runs (``desktop.cli.main.main`` for a command
with ``--data-dir``, ``ui.app.run`` for the window): a ``RotatingFileHandler`` on the
root logger, 2 MB a file and four old files kept (``creditdesk.log.1`` .. ``.4``), so
the folder never holds more than about 10 MB. The folder is 0700 and the files 0600 on
POSIX, as the rest of the data directory (``local_cache.private``).

What it holds: the desk's own warnings and errors with their tracebacks, the platform
client's retries and breaker, the background jobs' failures, and httpx's one line per
request (method, URL, status). A request URL carries the subject's identifier, so every
line and traceback passes :class:`MaskResidentNumbers` first: a resident number keeps
its first six and last four characters. Nothing logs the API key, a password or the data
key; argument lists are not logged (a command line may carry an identifier).

Level INFO; ``CREDITDESK_LOG_LEVEL=DEBUG`` (or any level name) in the environment
changes it for that run.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Mapping
from logging.handlers import RotatingFileHandler
from pathlib import Path

from local_cache.private import FILE_MODE, POSIX, private_dir

FOLDER, FILE = "logs", "creditdesk.log"
MAX_BYTES, BACKUPS = 2 * 1024 * 1024, 4
LEVEL_ENV = "CREDITDESK_LOG_LEVEL"
FORMAT = "%(asctime)s %(levelname)s [%(process)d %(threadName)s] %(name)s: %(message)s"

# A resident number (18 digits, or 15 in the old form) standing alone, as in a URL.
_RESIDENT = re.compile(r"(?<![0-9])([0-9]{6})([0-9]{8}|[0-9]{5})([0-9]{3}[0-9Xx])(?![0-9])")
_LOCK = threading.Lock()
_handler: _PrivateRotatingFile | None = None


def mask_resident_numbers(text: str) -> str:
    """``text`` with every resident number masked (first six and last four kept)."""
    return _RESIDENT.sub(lambda m: m[1] + "*" * len(m[2]) + m[3], text)


class MaskResidentNumbers(logging.Filter):
    """httpx logs every request's URL at INFO, and a subject's URL carries its identifier:
    mask resident numbers (first six and last four kept) before any handler sees the line,
    in the message and in the traceback text alike."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except (TypeError, ValueError):  # a bad format: the handler reports it, masked below
            text = str(record.msg)
        masked = mask_resident_numbers(text)
        if masked != text:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_resident_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_resident_numbers(record.stack_info)
        return True


class _PrivateRotatingFile(RotatingFileHandler):
    """A rotating file opened 0600 (the rotated files keep that mode through the rename)."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
        if POSIX:
            os.fchmod(fd, FILE_MODE)  # an older file made under a looser umask
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def path_in(data_dir: Path) -> Path:
    """Where the log file of ``data_dir`` is."""
    return Path(data_dir) / FOLDER / FILE


def level_from(environ: Mapping[str, str] | None = None) -> int:
    """The level asked for by ``CREDITDESK_LOG_LEVEL`` (INFO when unset or unknown)."""
    name = (os.environ if environ is None else environ).get(LEVEL_ENV, "").strip().upper()
    level = logging.getLevelName(name) if name else logging.INFO
    return level if isinstance(level, int) else logging.INFO


def setup(data_dir: Path, level: int | None = None) -> Path:
    """Log to ``data_dir``'s log file from now on; returns its path.

    Called again for the same folder it changes nothing; for another folder (tests run
    several desks in one process) the handler moves there. The root logger is made at
    least as verbose as ``level``, never less (a caller's DEBUG stays DEBUG)."""
    global _handler
    path = path_in(data_dir)
    wanted = level_from() if level is None else level
    with _LOCK:
        if _handler is not None and _handler.baseFilename == os.path.abspath(path):
            _handler.setLevel(wanted)
            return path
        private_dir(Path(data_dir))
        private_dir(path.parent)
        handler = _PrivateRotatingFile(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                       encoding="utf-8", errors="backslashreplace")
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(MaskResidentNumbers())
        handler.setLevel(wanted)
        root = logging.getLogger()
        root.addHandler(handler)
        if root.level > wanted:  # NOTSET (0) already lets everything through
            root.setLevel(wanted)
        old, _handler = _handler, handler
    if old is not None:
        _detach(old)
    logging.getLogger(__name__).info("log opened (pid %d)", os.getpid())
    return path


def current() -> Path | None:
    """The log file this process writes to, or None."""
    handler = _handler
    return Path(handler.baseFilename) if handler is not None else None


def shutdown() -> None:
    """Stop writing the log file (before its folder is removed, e.g. the demo's)."""
    global _handler
    with _LOCK:
        old, _handler = _handler, None
    if old is not None:
        _detach(old)


def _detach(handler: logging.Handler) -> None:
    logging.getLogger().removeHandler(handler)
    handler.close()


def tail(data_dir: Path, lines: int) -> list[str]:
    """The last ``lines`` lines of ``data_dir``'s log (its newest rotated file first when
    the current one holds fewer), masked once more on the way out."""
    path = path_in(data_dir)
    kept: list[str] = []
    for candidate in (path, *(path.with_name(f"{FILE}.{n}") for n in range(1, BACKUPS + 1))):
        if len(kept) >= lines or not candidate.is_file():
            break
        with candidate.open(encoding="utf-8", errors="replace") as stream:
            kept = stream.read().splitlines()[-(lines - len(kept)):] + kept
    return [mask_resident_numbers(line) for line in kept[-lines:]] if lines > 0 else []
