"""A keyring backend kept in one JSON file, for tests only.

It stands in for the OS keyring (Windows Credential Manager, GNOME Keyring, KWallet)
because none runs on the test machine, and the CLI's key import must write to a keyring
that a later process reads. A test selects it for a ``creditdesk`` subprocess with
``PYTHON_KEYRING_BACKEND=tests.file_keyring.FileKeyring`` and names the file in
``CREDITDESK_TEST_KEYRING``; one file is one PC's keyring. It is not a place for real
secrets: the file is plain JSON.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

VARIABLE = "CREDITDESK_TEST_KEYRING"


class FileKeyring(KeyringBackend):
    """Entries as ``{service: {name: secret}}`` in the file ``$CREDITDESK_TEST_KEYRING``."""

    priority = 1

    @staticmethod
    def _path() -> Path:
        return Path(os.environ[VARIABLE])

    def _load(self) -> dict:
        path = self._path()
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def _save(self, entries: dict) -> None:
        path = self._path()
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(entries), encoding="utf-8")
        tmp.replace(path)

    def get_password(self, service: str, username: str) -> str | None:
        """The stored secret, or None."""
        return self._load().get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        """Store a secret."""
        entries = self._load()
        entries.setdefault(service, {})[username] = password
        self._save(entries)

    def delete_password(self, service: str, username: str) -> None:
        """Forget a secret."""
        entries = self._load()
        if username not in entries.get(service, {}):
            raise PasswordDeleteError(username)
        del entries[service][username]
        self._save(entries)
