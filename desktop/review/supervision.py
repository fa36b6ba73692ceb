"""What the supervisor's area decides, without a screen: who may enter (and that entering is
logged), checking the log against the platform's anchors, importing another desk's bundle
with the platform's keys. (The retention purge is ``desktop.audit.retention``.)

The window (``ui/supervisor/window.py``) and the ``creditdesk audit`` commands both call
these, so a verdict reads the same in either place.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from desktop.audit import anchors as witness
from desktop.audit import bundle as audit_bundle
from desktop.audit.anchors import WitnessCheck
from desktop.audit.bundle_import import ImportResult, import_bundle
from desktop.audit.verify import VerifyResult, verify
from desktop.platform.client import PlatformError
from desktop.staff.accounts import Staff, StaffError
from local_cache import store
from local_cache.db import UnitOfWork


@dataclass(frozen=True)
class LogCheck:
    """The log's verdict, and why the platform's anchors were not compared (if so).

    ``result`` is the whole verdict: the chain, the anchors and the head the platform
    witnessed (a witnessed entry missing or rewritten makes it not ok, naming the entry).
    ``witness`` says what the platform has witnessed and what not yet (None when the
    platform was not asked); ``parked`` lists anchors the platform refused.
    """

    result: VerifyResult
    note: str = ""
    witness: WitnessCheck | None = None
    parked: tuple[dict, ...] = ()

    @property
    def ok(self) -> bool:
        """Intact, and no anchor parked: nothing for a supervisor to look into."""
        return self.result.ok and not self.parked


def enter(svc, person: Staff | None) -> None:
    """Let ``person`` into the supervisor's area, logged as ``supervisor.open``.

    A clerk is refused (and the refusal logged as ``supervisor.refused``): the area shows
    every clerk's decisions and can reveal whole identifiers.
    """
    allowed = person is not None and person.is_supervisor
    with UnitOfWork(svc.engine) as uow:
        store.append_audit(uow.conn, svc.protector, counter=svc.settings["counter_id"],
                           clerk=person.staff_id if person else "",
                           event="supervisor.open" if allowed else "supervisor.refused")
        uow.commit()
    if not allowed:
        raise StaffError("只有科室负责人可以进入监督审查", "only a supervisor may open the review")


def verify_log(svc, local: bool = False) -> LogCheck:
    """Walk the chain; unless ``local``, compare the heads the platform holds for this desk:
    its anchors, and the highest head it witnessed on the desk's calls."""
    anchors, witnessed, note = None, None, ""
    if not local:
        counter = svc.settings["counter_id"]
        try:
            # The witness first: asked without this desk's head, it says what the platform
            # knew before this verification (the anchors call then witnesses the head).
            witnessed = svc.client.witness(counter)
            listed = svc.client.anchors(counter).anchors
            anchors = {a.seq: a.head_hash for a in listed}
        except PlatformError as exc:
            witnessed = None
            note = f"未能与平台锚点比对 / anchors not compared: {exc}"
    with svc.engine.connect() as conn:
        result = verify(conn, svc.protector, anchors)
        seen = None
        if witnessed is not None:
            seen = witness.check(conn, witnessed.seq, witnessed.head_hash)
            if result.ok and not seen.ok:
                result = dataclasses.replace(result, ok=False, first_bad=seen.first_bad,
                                             problem=seen.problem)
        parked = tuple(witness.parked_anchors(conn))
    return LogCheck(result, note, seen, parked)


def import_bundle_file(svc, path: Path) -> ImportResult:
    """Verify another desk's bundle with the keys and anchors the platform holds for it,
    then store it; refused (nothing written) when it cannot be proven genuine."""
    path = Path(path)
    try:
        header = audit_bundle.read_header(path)
    except OSError as exc:
        return ImportResult(False, f"无法读取文件 / cannot read the file: {exc.strerror}")
    except ValueError as exc:
        return ImportResult(False, str(exc))
    counter = str(header.get("counter", ""))
    try:
        keys = {k.public_key for k in svc.client.desk_keys(counter).keys}
        anchors = {a.seq: a.head_hash for a in svc.client.anchors(counter).anchors}
    except PlatformError as exc:
        return ImportResult(False, f"未能向平台核对密钥和锚点，未导入 / key and anchors could "
                            f"not be checked with the platform, nothing imported: {exc}",
                            counter)
    return import_bundle(svc, path, keys, anchors)
