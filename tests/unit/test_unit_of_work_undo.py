"""``UnitOfWork.on_failure``: what a unit did outside the file is taken back when the unit
ends without a commit, and kept when it commits (local_cache/db.py)."""

from __future__ import annotations

import pytest

from local_cache import store
from local_cache.db import UnitOfWork, open_engine


def test_undo_runs_only_when_the_unit_is_not_committed(tmp_path):
    engine = open_engine(tmp_path / "desk")
    outside = tmp_path / "letter.pdf"
    try:
        with pytest.raises(RuntimeError), UnitOfWork(engine) as uow:
            store.set_meta(uow.conn, probe="rolled back")
            outside.write_bytes(b"%PDF")
            uow.on_failure(lambda: outside.unlink(missing_ok=True))
            raise RuntimeError("a later write of the same decision failed")
        assert not outside.exists()
        with UnitOfWork(engine) as uow:
            assert store.get_meta(uow.conn, "probe") is None
            outside.write_bytes(b"%PDF")
            uow.on_failure(lambda: outside.unlink(missing_ok=True))
            store.set_meta(uow.conn, probe="kept")
            uow.commit()
        assert outside.exists()
        with engine.connect() as conn:
            assert store.get_meta(conn, "probe") == "kept"
    finally:
        engine.dispose()
