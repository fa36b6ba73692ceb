"""Importing another desk's signed log bundle, so the supervisor can browse it here.

Only a genuine bundle is stored: it is verified first (``desktop.audit.bundle.verify``
with the keys and anchors the platform holds for the bundle's counter); a tampered,
forged or unconfirmed bundle is refused with the verifier's reason and nothing is
written. A file already imported (same SHA-256) is not stored again; entries a second,
overlapping bundle of the same counter brings again are kept once (by counter and seq).
Subjects are stored masked whatever the bundle held; resident numbers inside the details
are masked too. A stored import is logged locally as ``bundle.import``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from desktop.audit import bundle as audit_bundle
from desktop.identifiers import mask, mask_in_text
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.tables import imported_bundles, imported_entries


@dataclass(frozen=True)
class ImportResult:
    """What importing a bundle did."""

    stored: bool
    problem: str = ""  # "中文 / English" when refused
    counter: str = ""
    entries: int = 0
    bundle_id: int | None = None
    duplicate: bool = False


def import_bundle(svc, path: Path, keys: set[str] | None,
                  anchors: dict[int, str] | None) -> ImportResult:
    """Verify the bundle at ``path`` and store it when genuine."""
    path = Path(path)
    if path.stat().st_size > audit_bundle.MAX_BYTES:
        return ImportResult(False, "日志包过大 / bundle too large")
    data = path.read_bytes()
    result = audit_bundle.verify(data, keys, anchors)
    counter = str(result.header.get("counter", ""))
    if not result.ok:
        return ImportResult(False, result.problem, counter)
    if not result.key_confirmed:
        return ImportResult(False, "未能向平台核对签名密钥，日志包真伪无法证实 / the signing "
                            "key was not checked with the platform; the bundle is not proven "
                            "genuine", counter)
    digest = hashlib.sha256(data).hexdigest()
    h = result.header
    with UnitOfWork(svc.engine) as uow:
        known = uow.conn.execute(select(imported_bundles.c.id)
                                 .where(imported_bundles.c.sha256 == digest)).scalar()
        if known is not None:
            return ImportResult(False, "该日志包已导入过 / this bundle was imported before",
                                counter, len(result.entries), known, duplicate=True)
        bundle_id = uow.conn.execute(imported_bundles.insert().values(
            counter=counter, file_name=path.name[:255], sha256=digest,
            imported_at=time.time(), from_day=str(h.get("from", "")),
            to_day=str(h.get("to", "")), entries=len(result.entries),
            masked=int(bool(h.get("masked", True))))).inserted_primary_key[0]
        rows = [_entry(e, counter, bundle_id) for e in result.entries]
        for start in range(0, len(rows), 500):
            uow.conn.execute(sqlite_insert(imported_entries).on_conflict_do_nothing(),
                             rows[start:start + 500])
        store.append_audit(uow.conn, svc.protector, counter=svc.settings["counter_id"],
                           clerk=svc.settings["clerk_id"], event="bundle.import",
                           details={"counter": counter, "file": path.name, "sha256": digest,
                                    "entries": len(rows), "from": h.get("from"),
                                    "to": h.get("to")})
        uow.commit()
    return ImportResult(True, "", counter, len(rows), bundle_id)


def _entry(e: dict, counter: str, bundle_id: int) -> dict:
    subject = e.get("subject")
    return {"counter": counter, "seq": int(e["seq"]), "bundle_id": bundle_id,
            "at": dt.datetime.fromisoformat(e["at"]).timestamp(), "clerk": e["clerk"],
            "event": e["event"], "item": e.get("item"), "verdict": e.get("verdict"),
            "source": e.get("source"), "subject_masked": mask(subject) if subject else None,
            "details": mask_in_text(e.get("details") or "{}"),
            "purged": int(bool(e.get("purged"))), "hash": e["hash"]}


def list_imports(engine) -> list[dict]:
    """Imported bundles, newest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(imported_bundles)
                            .order_by(imported_bundles.c.id.desc())).all()
    return [{"id": r.id, "counter": r.counter, "file_name": r.file_name, "sha256": r.sha256,
             "imported_at": r.imported_at, "from": r.from_day, "to": r.to_day,
             "entries": r.entries, "masked": bool(r.masked)} for r in rows]
