"""Settings are part of the record.

Every change the desk makes to ``settings.json`` goes through :func:`save_settings`: the
file and a ``settings.changed`` entry (``{"changes": {key: [old, new]}, "source": ...}``)
land together. Changing ``retention_days`` needs a supervisor and is refused below the
floor (``desktop.audit.retention.floor_days``).

The desk remembers, in the ``meta`` table, the file as it last wrote or accepted it: the
JSON as it may be shown (so a difference can be shown; a URL's password blanked) and
HMACs, under a key derived from the data key, of that JSON and of the whole file state
(so whoever edits the file cannot also rewrite that memory unnoticed, and a change of the
blanked part is noticed as well). At start
(:func:`notice_outside_changes`, called by the CLI's ``services()`` and by the window) a
file that differs is logged once as ``settings.tampered`` with the old and new values,
and becomes the known state.

Logged values never hold a secret: secrets are not settings (they live in the keyring),
and a URL's password (``http://user:password@proxy``) is blanked before it is logged.
``recent_items`` (the window's list of item codes used lately, rewritten after checks that
are themselves logged) and ``printer_name`` (the printer the desk last printed on) are
remembered but not logged as a change.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine, select

from desktop.audit.retention import floor_days
from desktop.settings import check_retention, default_of
from desktop.staff.accounts import Staff, StaffError
from local_cache import store
from local_cache.db import UnitOfWork
from local_cache.protect import Protector
from local_cache.tables import audit

KNOWN = "settings_known"
KNOWN_MAC = "settings_known_mac"
KNOWN_FULL = "settings_known_full_mac"
# Remembered, not logged (see the module's text).
QUIET = frozenset({"recent_items", "printer_name"})
BLANK = "***"


def shown(value: Any) -> Any:
    """``value`` as it may be logged: a URL's password blanked, anything else unchanged."""
    if not isinstance(value, str) or "@" not in value:
        return value
    try:
        parts = urlsplit(value)
    except ValueError:
        return BLANK  # unparseable and holding an "@": may hold a credential
    userinfo, at, hostport = parts.netloc.rpartition("@")
    if not at or ":" not in userinfo:
        return value
    user = userinfo.split(":", 1)[0]
    return parts._replace(netloc=f"{user}:{BLANK}@{hostport}").geturl()


def _default(key: str) -> Any:
    try:
        return default_of(key)
    except KeyError:
        return None  # a key no longer declared


def _diff(old: dict, new: dict, quiet: frozenset = frozenset()) -> dict[str, list]:
    out = {}
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key, _default(key)), new.get(key, _default(key))
        if before != after and key not in quiet:
            out[key] = [shown(before), shown(after)]
    return out


def _canonical(state: dict) -> str:
    return json.dumps(state, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _mac(protector: Protector, purpose: str, text: str) -> str:
    return hmac.new(protector.settings_key, f"{purpose}\0{text}".encode(),
                    hashlib.sha256).hexdigest()


def _remember(conn: Connection, protector: Protector, state: dict) -> None:
    """Remember ``state`` as the file the desk knows: the JSON as it may be shown (a URL's
    password blanked: the cache holds no copy of it) with its MAC, and a MAC of the whole
    state (so a change of the blanked part is noticed too)."""
    text = _canonical({k: shown(v) for k, v in state.items()})
    store.set_meta(conn, **{KNOWN: text, KNOWN_MAC: _mac(protector, "shown", text),
                            KNOWN_FULL: _mac(protector, "full", _canonical(state))})


def _known(conn: Connection, protector: Protector) -> tuple[dict | None, bool, str]:
    """The remembered file state (as shown), whether its MAC holds, and the MAC of the
    whole state; (None, True, "") when the desk remembers nothing yet."""
    stored = store.get_metas(conn, KNOWN, KNOWN_MAC, KNOWN_FULL)
    text, mac, full = stored.get(KNOWN), stored.get(KNOWN_MAC), stored.get(KNOWN_FULL, "")
    if text is None and mac is None:
        return None, True, ""
    if text is None or mac is None or not hmac.compare_digest(_mac(protector, "shown", text),
                                                              mac):
        return {}, False, ""
    try:
        return json.loads(text), True, full
    except ValueError:
        return {}, False, ""


def save_settings(svc, who: str, *, approver: Staff | None = None, source: str = "desk",
                  **changes: Any) -> dict[str, list]:
    """Write ``changes`` to settings.json and log them (``settings.changed``) together.

    ``who`` is the staff id that made the change (or "system"); ``approver`` a supervisor,
    needed when ``retention_days`` changes. Returns the logged changes (key: [old, new]).
    A refused change (bad value, retention below the floor, no supervisor) writes nothing.
    """
    settings = svc.settings
    typed = settings.typed(changes, "save")
    changed = {k: v for k, v in typed.items() if v != settings.value_of(k)}
    if not changed:
        return {}
    if "retention_days" in changed and (approver is None or not approver.is_supervisor):
        raise StaffError("更改日志保存期限需要科室负责人批准",
                         "changing retention_days needs a supervisor's approval")
    previous = {k: settings.value_of(k) for k in changed}
    logged = _diff(previous, changed, QUIET)
    with UnitOfWork(svc.engine) as uow:
        if "retention_days" in changed:
            check_retention(changed["retention_days"], floor_days(uow.conn))
        if logged:
            details: dict[str, Any] = {"changes": logged, "source": source}
            if approver is not None:
                details["approved_by"] = approver.staff_id
            # A new counter id is logged under the counter the desk becomes.
            store.append_audit(uow.conn, svc.protector,
                               counter=changed.get("counter_id", settings["counter_id"]),
                               clerk=who, event="settings.changed", details=details)
        settings.save(**changed)
        try:
            _remember(uow.conn, svc.protector, settings.file_state())
            uow.commit()
        except BaseException:
            settings.save(**previous)  # the file goes back: no change without its entry
            raise
    return logged


def notice_outside_changes(svc) -> dict[str, list] | None:
    """At start: log a settings.json that differs from what the desk last wrote.

    Logged once as ``settings.tampered`` (``{"changes": {key: [old, new]}, "source":
    "file"}``; ``"known_state": "altered"`` when the desk's own memory of the file fails
    its MAC, and then every value is shown as new; ``"hidden": true`` when only a blanked
    part, a URL's password, changed). On a desk that remembers nothing yet (first start,
    or first start of this version) a file holding values is logged as
    ``settings.adopted``. Returns the changes logged, or None when the file is as known.
    """
    state = json.loads(_canonical(svc.settings.file_state()))  # JSON types, as remembered
    full = _mac(svc.protector, "full", _canonical(state))

    def as_known(known: dict | None, trusted: bool, known_full: str) -> bool:
        return known is not None and trusted and hmac.compare_digest(known_full, full)

    with svc.engine.connect() as conn:
        if as_known(*_known(conn, svc.protector)):
            return None
    with UnitOfWork(svc.engine) as uow:
        known, trusted, known_full = _known(uow.conn, svc.protector)  # under the write lock
        if as_known(known, trusted, known_full):
            return None
        event, details = "settings.tampered", {"source": "file"}
        if known is None:
            event, known = "settings.adopted", {}
        elif not trusted:
            details["known_state"] = "altered"
        changes = _diff(known, {k: shown(v) for k, v in state.items()})
        details["changes"] = changes
        if not changes and event == "settings.tampered" and trusted:
            details["hidden"] = True  # only a blanked part (a URL's password) differs
        if changes or event == "settings.tampered":
            store.append_audit(uow.conn, svc.protector, counter=svc.settings["counter_id"],
                               clerk="system", event=event, details=details)
        _remember(uow.conn, svc.protector, state)
        uow.commit()
    return changes


def outside_changes(engine: Engine, limit: int = 20) -> list[dict]:
    """The newest settings changes made outside the desk (``settings.tampered``): each
    ``{"seq", "at", "changes", "known_state", "hidden"}``, newest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(audit.c.seq, audit.c.at, audit.c.details)
                            .where(audit.c.event == "settings.tampered")
                            .order_by(audit.c.seq.desc()).limit(limit)).all()
    out = []
    for seq, at, details in rows:
        try:
            d = json.loads(details)
        except ValueError:
            d = {}
        out.append({"seq": seq, "at": at, "changes": d.get("changes", {}),
                    "known_state": d.get("known_state", ""),
                    "hidden": bool(d.get("hidden"))})
    return out
