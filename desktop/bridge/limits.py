"""The gate's counters: token buckets for the rate, summaries that keep floods out of the
log, and the check that an Origin written to the log is an origin and nothing else.

Buckets (see ``bucket_keys``): a live token draws on its client's own bucket; the browser
client and health on one bucket of their own; a preflight from a live client's origin on
that origin's; everything else without a live token (no token, a failing one, any
Origin) on its Origin's (or "program") and on the one bucket all of them share, so a new
Origin buys no more calls and a stranger's flood starves nobody who is paired.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

RATE, BURST = 20.0, 40.0
SUMMARY_S = 60.0  # at most one summary entry per kind in this many seconds
ANONYMOUS = "anonymous"  # the bucket shared by every caller without a live token
STATIC = "static"  # the bucket of the browser client and health (no token needed)
STATIC_PATHS = ("/creditdesk-bridge.js", "/v1/health")
INVALID = "<invalid>"  # logged instead of an Origin that is not an origin
MAX_ORIGIN = 255

# scheme "://" host [":" port], nothing else: no path, blank, user info or query.
_ORIGIN = re.compile(r"(?P<scheme>[a-z][a-z0-9+.\-]{0,15})://"
                     r"(?P<host>\[[0-9a-f:.]{2,45}\]|[a-z0-9\-]{1,63}(?:\.[a-z0-9\-]{1,63})*)"
                     r"(?::(?P<port>[0-9]{1,5}))?", re.ASCII)
_IPV4 = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}", re.ASCII)


def is_origin(value: str) -> bool:
    """True when ``value`` is an origin (``scheme://host[:port]``, at most 255 characters).
    A host whose last label is all digits must be a dotted IPv4 address, as browsers parse
    it: ``http://330602199001011231`` is no origin."""
    if not value or len(value) > MAX_ORIGIN:
        return False
    match = _ORIGIN.fullmatch(value.lower())
    if match is None:
        return False
    host, port = match["host"], match["port"]
    if port is not None and int(port) > 65535:
        return False
    if not host.startswith("[") and host.rsplit(".", 1)[-1].isdigit():
        return bool(_IPV4.fullmatch(host)) and all(int(p) < 256 for p in host.split("."))
    return True


def loggable_origin(value: str) -> str:
    """What the log holds for a caller's Origin: "" (none), the origin, or ``<invalid>``."""
    if not value:
        return ""
    return value if is_origin(value) else INVALID


def bucket_keys(*, live_client: str | None, token: bool, method: str, path: str, origin: str,
                live_origins: Callable[[], set[str]]) -> list[str]:
    """The buckets a call draws on (see the module text); ``live_origins`` is asked only
    for a preflight."""
    if live_client is not None:
        return [f"client:{live_client}"]
    if not token:
        if method == "GET" and path in STATIC_PATHS:
            return [STATIC]
        if method == "OPTIONS" and origin and origin in live_origins():
            return [f"preflight:{origin}"]
    own = f"origin:{origin[:MAX_ORIGIN]}" if origin else "program"
    return [own, ANONYMOUS]


class TokenBuckets:
    """A token bucket per key: ``rate`` a second, at most ``burst`` saved up."""

    def __init__(self, rate: float = RATE, burst: float = BURST,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self._clock = rate, burst, clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, *keys: str) -> float:
        """0.0 when the call may go ahead (a token taken from every one of ``keys``), else
        the seconds until it may (then nothing is taken and no new bucket is kept)."""
        now = self._clock()
        with self._lock:
            tokens = {k: self._level(k, now) for k in keys}
            wait = max([(1.0 - t) / self.rate for t in tokens.values() if t < 1.0],
                       default=0.0)
            for k, t in tokens.items():
                if not wait:
                    self._buckets[k] = (t - 1.0, now)
                elif k in self._buckets:
                    self._buckets[k] = (t, now)
            if len(self._buckets) > 1000:  # forget callers whose bucket is full again
                full = [k for k in self._buckets if self._level(k, now) >= self.burst]
                for k in full:
                    del self._buckets[k]
        return wait

    def _level(self, key: str, now: float) -> float:
        tokens, last = self._buckets.get(key, (self.burst, now))
        return min(self.burst, tokens + (now - last) * self.rate)


class Summary:
    """Calls counted per kind, logged as one ``event`` entry per kind and minute: the first
    of a kind at once, the next ones with their count a minute after the kind's last entry
    (or when the server stops). Kinds are error codes or ``"METHOD route-template"``, so
    they stay few."""

    def __init__(self, audit: Callable[[str, dict], None], event: str = "bridge.refused",
                 clock: Callable[[], float] = time.time) -> None:
        self._audit, self.event, self._clock = audit, event, clock
        self._lock = threading.Lock()
        # kind -> [status, last entry at, count since, first counted at]
        self._kinds: dict[str, list] = {}

    def count(self, kind: str, status: int) -> dict | None:
        """Count a call; the entry to log now, if this kind had none in the last minute."""
        now = self._clock()
        with self._lock:
            seen = self._kinds.get(kind)
            if seen is None or now - seen[1] >= SUMMARY_S:
                count = 1 + (seen[2] if seen else 0)
                since = seen[3] if seen and seen[2] else now
                self._kinds[kind] = [status, now, 0, None]
                return _summary(kind, status, count, since, now)
            seen[2] += 1
            seen[3] = seen[3] or now
            return None

    def due(self) -> list[dict]:
        """Entries for kinds counted since their last entry, a minute or more ago."""
        now = self._clock()
        with self._lock:
            return [self._take(kind, now) for kind, seen in self._kinds.items()
                    if seen[2] and now - seen[1] >= SUMMARY_S]

    def flush(self) -> None:
        """Log what is counted now (the server is stopping)."""
        now = self._clock()
        with self._lock:
            entries = [self._take(kind, now) for kind, seen in self._kinds.items() if seen[2]]
        for entry in entries:
            self._audit(self.event, entry)

    def _take(self, kind: str, now: float) -> dict:
        status, _, count, since = self._kinds[kind]
        self._kinds[kind] = [status, now, 0, None]
        return _summary(kind, status, count, since, now)


def _summary(kind: str, status: int, count: int, since: float, until: float) -> dict:
    return {"kind": kind, "status": status, "count": count, "since": since, "until": until}
