"""The window started on a data directory with another data key: a dialog, exit 4, and
the cache file untouched (the same check as the CLI's, desktop/staff/desk_key.py)."""

from __future__ import annotations

import base64
import sqlite3
from contextlib import closing

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.bootstrap import bootstrap
from desktop.staff.credentials import SecretStore
from local_cache import store
from local_cache.db import FILE_NAME, UnitOfWork
from tests.ui.test_main_window import drive


def test_the_window_refuses_another_data_key_in_a_dialog_and_writes_nothing(
        qtbot, tmp_path, monkeypatch):
    from ui import app

    key_a, key_b = (base64.b64encode(k * 32).decode() for k in (b"A", b"B"))
    svc = bootstrap(tmp_path, secrets=SecretStore(environ={"CREDITDESK_DATA_KEY": key_a}))
    with UnitOfWork(svc.engine) as uow:
        store.append_audit(uow.conn, svc.protector, counter="SX-T", clerk="c", event="test")
        uow.commit()
    svc.close()
    before = (tmp_path / FILE_NAME).read_bytes()
    monkeypatch.setenv("CREDITDESK_DATA_KEY", key_b)
    seen: dict = {}

    def read_and_close(box) -> None:
        seen["text"] = box.text()
        qtbot.keyClick(box, Qt.Key.Key_Return)

    drive(lambda: isinstance(d := QApplication.activeModalWidget(), QMessageBox) and d,
          read_and_close)
    assert app.run([], data_dir=tmp_path) == 4
    assert "数据密钥与本数据目录不符" in seen["text"]
    assert "data key does not match this data directory" in seen["text"]
    assert "creditdesk key import" in seen["text"]
    with closing(sqlite3.connect(tmp_path / FILE_NAME)) as db:
        assert db.execute("SELECT count(*) FROM audit").fetchone() == (1,)
    assert (tmp_path / FILE_NAME).read_bytes() == before
