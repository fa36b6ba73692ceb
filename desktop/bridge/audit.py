"""The bridge's default log writer: one chained entry per call, in a unit of work of its own.

``details`` come from the gate (``desktop.bridge.guard``): for ``bridge.call`` the method,
route template (``<unmatched>`` for a path no route matches), status, origin, client id,
system, handle, case number, and the masked subject and item, which go to the entry's own
columns; for ``bridge.refused`` (refusals of callers without a valid token) and
``bridge.served`` (their answered calls without an effect: health, the browser client,
preflights, pairing polls) the kind (an error code, or the method and route template),
status, count and time span. An Origin that is not an origin is logged as ``<invalid>``.
The subject is only ever the masked form: the raw identifier never reaches the bridge's
entries (nor its key column, so they are not found by subject).
"""

from __future__ import annotations

from collections.abc import Callable

from desktop.identifiers import mask
from local_cache import store
from local_cache.db import UnitOfWork


def desk_audit(services) -> Callable[[str, dict], None]:
    """``audit(event, details)`` writing to ``services``' log as its counter and the clerk
    signed in at the moment of the call (both read from settings each time)."""

    def audit(event: str, details: dict) -> None:
        details = dict(details)
        masked = details.pop("masked", None)
        item = details.pop("item", None)
        settings = services.settings
        with UnitOfWork(services.engine) as uow:
            store.append_audit(uow.conn, services.protector, counter=settings["counter_id"],
                               clerk=settings["clerk_id"], event=event,
                               masked=mask(masked) if masked else None, item=item,
                               details=details)
            uow.commit()

    return audit
