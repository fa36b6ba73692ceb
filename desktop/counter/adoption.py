"""Which counter (窗口) this desk is: the platform says, the desk adopts it once, and refuses
to run under another one afterwards.

The platform knows which counter an API key belongs to (``GET /v1/whoami``), and refuses
anchors signed for any other (422 ``wrong_counter``). A desk whose ``counter_id`` setting
differs from its key's counter would park every anchor and print reports under a
prefix that is not its own, so:

- **Adoption.** When the platform first answers (``creditdesk login``, any online CLI
  command, the window's start or a saved API key) the desk stores the key's counter in
  ``meta`` (``platform_counter``, with ``platform_retention_floor_days``). When
  ``counter_id`` was never set by anyone (not in settings.json, no ``--counter``) it
  becomes the platform's: saved to settings.json and logged as ``settings.changed`` with
  ``source: platform``.
- **Refusal.** A ``counter_id`` set explicitly to another counter is refused, naming both
  and how to fix it; so is, from then on and without asking the network, any
  ``counter_id`` that differs from the adopted one.
"""

from __future__ import annotations

from desktop.settings import SettingsError
from desktop.settings_record import save_settings
from desktop.staff.credentials import API_KEY, SecretsUnavailable
from local_cache import store
from local_cache.db import UnitOfWork

META_COUNTER = "platform_counter"
META_FLOOR = "platform_retention_floor_days"
STAMPED = ("checks", "batch", "reports")  # services that stamp the counter (the outbox
# reads it at each record)


class CounterMismatch(SettingsError):
    """The desk's counter id is not the counter its API key belongs to.

    ``case``: ``explicit`` (counter_id set to another counter than the key's), ``adopted``
    (counter_id differs from the counter this data directory adopted) or ``key`` (the API
    key belongs to another counter than the adopted one)."""

    def __init__(self, mine: str, theirs: str, *, case: str) -> None:
        zh, en = {
            "explicit": (f"设置的窗口编号为 {mine}，而平台登记本机接口密钥属于窗口 {theirs}",
                         f"counter_id is {mine} but the platform says this desk's API key "
                         f"belongs to counter {theirs}"),
            "adopted": (f"设置的窗口编号为 {mine}，而本机数据目录已归属窗口 {theirs}",
                        f"counter_id is {mine} but this data directory belongs to counter "
                        f"{theirs}"),
            "key": (f"接口密钥属于窗口 {mine}，而本机数据目录已归属窗口 {theirs}",
                    f"the API key belongs to counter {mine} but this data directory belongs "
                    f"to counter {theirs}"),
        }[case]
        fix_zh = (f"请使用窗口 {theirs} 的接口密钥" if case == "key" else
                  f"请把设置中的窗口编号改为 {theirs}（或去掉 --counter），或为窗口 {mine} "
                  f"使用它自己的接口密钥和数据目录")
        fix_en = (f"use counter {theirs}'s API key" if case == "key" else
                  f"set counter_id to {theirs} (or drop --counter), or give counter {mine} "
                  f"its own API key and data directory")
        super().__init__(f"窗口编号不一致：{zh}，日志锚点会被平台拒收。{fix_zh} / counter "
                         f"mismatch: {en}, so the platform would refuse its anchors. {fix_en}")
        self.mine, self.theirs = mine, theirs


def adopted(svc) -> str | None:
    """The counter this data directory adopted from the platform, or None (not yet)."""
    with svc.engine.connect() as conn:
        return store.get_meta(conn, META_COUNTER)


def check_adopted(svc, counter: str | None = None) -> None:
    """Refuse when ``counter_id`` (or ``counter``, a value about to be saved) differs from
    the adopted counter; no network."""
    known = adopted(svc)
    mine = svc.settings["counter_id"] if counter is None else counter
    if known is not None and known != mine:
        raise CounterMismatch(mine, known, case="adopted")


def adopt(svc, counter: str, retention_floor_days: int) -> bool:
    """Take ``counter`` (the key's, from whoami) as this desk's; True when the setting changed.

    Raises ``CounterMismatch`` when ``counter_id`` was set explicitly to another counter,
    or when this data directory already adopted another counter (a key of another
    counter). Settings are written before the log entry: should the entry fail, the next
    run finds the setting right and only stores the meta values.
    """
    known = adopted(svc)
    if known is not None and known != counter:
        raise CounterMismatch(counter, known, case="key")
    old = svc.settings["counter_id"]
    change = old != counter
    if change and svc.settings.is_explicit("counter_id"):
        with UnitOfWork(svc.engine) as uow:  # remembered: later runs refuse without asking
            store.set_meta(uow.conn, **{META_COUNTER: counter, META_FLOOR: retention_floor_days})
            uow.commit()
        raise CounterMismatch(old, counter, case="explicit")
    if change:
        # Through the settings record: settings.json, its known state and the
        # ``settings.changed`` entry (source "platform") land together.
        save_settings(svc, "system", source="platform", counter_id=counter)
        for name in STAMPED:  # built with the old counter: rebuilt on next use
            svc.__dict__.pop(name, None)
    with UnitOfWork(svc.engine) as uow:
        store.set_meta(uow.conn, **{META_COUNTER: counter, META_FLOOR: retention_floor_days})
        uow.commit()
    return change


def ensure_counter(svc, *, online: bool = True, ask: bool = False) -> bool:
    """Check the counter before a command or the window works; True when it was adopted now.

    Always compares with the adopted counter (offline). When ``online`` and nothing was
    adopted yet (or ``ask``: a new API key was just stored), asks the platform whoami and
    adopts its answer; a platform that cannot be reached, or no API key, is no reason to
    stop an offline check: the question waits for the next run.
    """
    from desktop.platform.client import PlatformError  # the web client loads for this

    check_adopted(svc)
    if not online or (adopted(svc) is not None and not ask):
        return False
    try:
        if not svc.secrets.get(API_KEY):
            return False
        who = svc.client.whoami()
    except (PlatformError, SecretsUnavailable):
        return False  # no answer or no key: the question waits for the next run
    return adopt(svc, who.counter, who.retention_floor_days)
