"""The data directory is the desk user's alone: folder 0700, the desk's files in it 0600.

Personal data in the cache is sealed, but the file still holds the log, the staff's
password hashes and the outbox; another account on the same PC has no business reading
them or copying them away. On POSIX the folder is made (or tightened) to 0700 and each
file the desk writes there to 0600, and those of an older desk are tightened when the
desk opens them. A new file the desk keeps there is named ``creditdesk*`` or
``settings*`` (what is tightened on open) and written with :func:`open_private`. SQLite
gives its ``-wal`` and ``-shm`` files the mode of the database file, so creating that
file 0600 before SQLite opens it covers them too.

On Windows nothing is changed: a folder under ``%LOCALAPPDATA%`` is already private to
the user by its inherited ACL, and POSIX modes do not apply there.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

DIR_MODE, FILE_MODE = 0o700, 0o600
POSIX = os.name == "posix"


# The desk's own files in the data directory (cache, its -wal, -shm or -journal, settings
# and their temp files). Only these are tightened: ``--data-dir`` may name a folder that
# holds other people's files too, whose modes are not the desk's business.
DESK_FILES = ("creditdesk", "settings")


def private_dir(path: Path) -> None:
    """Make ``path`` (and missing parents) and leave it 0700, the desk's files in it 0600.

    A folder that is not the user's own, or has the sticky bit (``/tmp``: shared by
    design), is left as it is; only the desk's files in it are tightened.
    """
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    if not POSIX:
        return
    info = os.stat(path)
    if info.st_uid == os.getuid() and not info.st_mode & stat.S_ISVTX:
        if stat.S_IMODE(info.st_mode) != DIR_MODE:
            os.chmod(path, DIR_MODE)
    for child in path.iterdir():
        if child.name.startswith(DESK_FILES):
            _tighten_file(child)


def private_file(path: Path) -> None:
    """Create ``path`` empty when missing, 0600 either way (its folder must exist)."""
    if POSIX:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
        os.close(fd)
        os.chmod(path, FILE_MODE)


def open_private(path: Path) -> int:
    """A new file descriptor for writing ``path`` from scratch, mode 0600 on POSIX."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    if POSIX:
        os.fchmod(fd, FILE_MODE)  # an existing file keeps its old mode through O_CREAT
    return fd


def _tighten_file(path: Path) -> None:
    # lstat: a symlink someone placed in the folder is not followed to chmod its target.
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISREG(mode) and stat.S_IMODE(mode) != FILE_MODE:
            os.chmod(path, FILE_MODE)
    except OSError:
        pass  # vanished meanwhile (a -shm of a closing connection): nothing to tighten
