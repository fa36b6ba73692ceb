"""After real work, the desk's files hold no resident number, person name or API key.

Syncs, checks persons online and offline, records and sends feedback, then reads every
file in the data directory as raw bytes (the cache, its WAL and shared-memory files,
settings) while the cache is still open, and looks for every person's number and name the
platform knows, and for the API key.
"""

from __future__ import annotations

import base64
import os
import sqlite3

from desktop.bootstrap import bootstrap
from desktop.staff.credentials import SecretStore
from sandbox.process import spawn

KEY = "pii-scan-key-0123456789-secret"


def test_no_personal_data_or_key_in_plaintext_at_rest(tmp_path):
    platform_db = tmp_path / "platform.sqlite"
    platform = spawn(f"sqlite:///{platform_db}", seed=21, subjects=3000, api_key=KEY)
    desk = tmp_path / "desk"
    secrets = SecretStore(
        environ={
            "CREDITDESK_API_KEY": KEY,
            "CREDITDESK_DATA_KEY": base64.b64encode(os.urandom(32)).decode(),
        }
    )
    svc = bootstrap(desk, {"platform_url": platform.url, "deadline": 3.0}, secrets=secrets)
    try:
        svc.sync.sync()
        with sqlite3.connect(platform_db) as db:
            persons = db.execute("SELECT id, name FROM subjects WHERE kind='person'").fetchall()
            listed = [
                r[0]
                for r in db.execute(
                    "SELECT DISTINCT r.subject_id FROM records r JOIN subjects s "
                    "ON s.id = r.subject_id WHERE s.kind='person' LIMIT 20"
                )
            ]
        for subject in listed[:10]:
            outcome = svc.checks.check(subject, "GOV_PROCUREMENT")
            svc.outbox.record(
                outcome.model_dump_json(),
                action="terminated",
                reason="列入失信名单",
                case_no="SX-2026-1",
            )
        svc.outbox.flush(svc.client)
        platform.stop()
        for subject in listed[10:]:
            assert svc.checks.check(subject, "GOV_PROCUREMENT").source == "offline"
        # Scan while the cache is open, so the WAL still holds the latest pages.
        files = {p.name: p.read_bytes() for p in desk.iterdir() if p.is_file()}
    finally:
        if platform.process.poll() is None:
            platform.stop()
        svc.close()
    assert "creditdesk.sqlite" in files and "creditdesk.sqlite-wal" in files
    assert sum(len(b) for b in files.values()) > 100_000  # the snapshot really is in there
    leaks = []
    for name, data in files.items():
        for number, person in persons:
            if number.encode() in data:
                leaks.append((name, "resident number"))
            if len(person) >= 3 and person.encode() in data:
                leaks.append((name, "person name"))
        if KEY.encode() in data:
            leaks.append((name, "API key"))
    assert leaks == []
