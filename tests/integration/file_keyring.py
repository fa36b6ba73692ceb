"""A keyring backend for tests of ``creditdesk login`` in a process of its own: a JSON file
named by ``CREDITDESK_TEST_KEYRING`` (the machine running the tests has no OS keyring).
Selected with ``PYTHON_KEYRING_BACKEND=tests.integration.file_keyring.FileKeyring``."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    """Secrets in one JSON file (tests only: nothing here is protected)."""

    priority = 1

    def _path(self) -> Path:
        return Path(os.environ["CREDITDESK_TEST_KEYRING"])

    def _load(self) -> dict:
        path = self._path()
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def get_password(self, service, username):
        return self._load().get(f"{service}/{username}")

    def set_password(self, service, username, password):
        data = self._load() | {f"{service}/{username}": password}
        self._path().write_text(json.dumps(data), encoding="utf-8")

    def delete_password(self, service, username):
        data = self._load()
        if data.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError(username)
        self._path().write_text(json.dumps(data), encoding="utf-8")
