"""Signed JSON-lines bundles of audit entries, for another desk's supervisor.

Layout (UTF-8, one JSON object per line):

1. a header: ``format``, ``version``, ``counter``, ``exported_at``, ``exported_by``,
   ``approved_by``, ``from``, ``to``, ``masked``, ``entries``, ``algorithm``,
   ``public_key`` (hex, Ed25519);
2. one line per entry, oldest first, with its chain fields (``prev_hash``, ``hash``);
3. ``{"signature": HEX}``: Ed25519 over every byte before this line.

Verifying needs none of the exporting desk's secrets: the signature is checked with the
key in the header, that key must be one the platform has registered for the counter, the
entries must be consecutive and each must link to the one before it, and where the
platform holds an anchor for an entry the entry's hash must equal it. So a bundle cannot
be edited (signature), forged by someone else (registered key), nor made from a log that
was rewritten after anchoring (anchors).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

FORMAT, VERSION = "creditdesk-audit-bundle", 1
MAX_BYTES = 512 * 1024 * 1024


def _line(value: dict) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
    ) + b"\n"


def encode(header: dict, entries: Iterable[dict], key: Ed25519PrivateKey) -> bytes:
    """The whole bundle as bytes, signed."""
    pub = key.public_key().public_bytes_raw().hex()
    body = bytearray(_line({"format": FORMAT, "version": VERSION, "algorithm": "Ed25519",
                            "public_key": pub, **header}))
    for entry in entries:
        body += _line(entry)
    return bytes(body) + _line({"signature": key.sign(bytes(body)).hex()})


@dataclass
class BundleResult:
    """What verifying a bundle found."""

    ok: bool
    problem: str = ""  # "中文 / English"
    first_bad: int | None = None
    header: dict = field(default_factory=dict)
    entries: list[dict] = field(default_factory=list)
    key_confirmed: bool = False  # the platform knows the signing key for this counter
    anchors_checked: int = 0

    def as_dict(self) -> dict:
        """For ``--json`` (without the entries)."""
        h = self.header
        return {"ok": self.ok, "problem": self.problem, "first_bad": self.first_bad,
                "counter": h.get("counter"), "entries": len(self.entries),
                "from": h.get("from"), "to": h.get("to"), "masked": h.get("masked"),
                "exported_by": h.get("exported_by"), "key_confirmed": self.key_confirmed,
                "anchors_checked": self.anchors_checked}


def _bad(zh: str, en: str, **kw) -> BundleResult:
    return BundleResult(False, f"{zh} / {en}", **kw)


def read_header(path: Path) -> dict:
    """The header line only (to know which counter's keys and anchors to fetch)."""
    with open(path, "rb") as stream:
        first = stream.readline(1 << 20)
    try:
        header = json.loads(first)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError("不是 CreditDesk 日志包 / not a CreditDesk log bundle")
    return header


def verify(data: bytes, keys: set[str] | None, anchors: dict[int, str] | None) -> BundleResult:
    """Check a bundle; ``keys``/``anchors`` are the platform's for its counter (None: unknown)."""
    lines = data.split(b"\n")
    if len(lines) < 3 or lines[-1] != b"":
        return _bad("文件不完整或不是日志包", "incomplete file or not a log bundle")
    head_raw, sig_raw, body_lines = lines[0], lines[-2], lines[1:-2]
    try:
        header = json.loads(head_raw)
        signature = bytes.fromhex(json.loads(sig_raw)["signature"])
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(header["public_key"]))
    except (ValueError, KeyError, TypeError):
        return _bad("文件头或签名行损坏", "the header or signature line is damaged")
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        return _bad("不支持的日志包格式", "unsupported bundle format", header=header)
    signed = data[: len(data) - len(sig_raw) - 1]
    try:
        public.verify(signature, signed)
    except InvalidSignature:
        return _bad("签名不符：日志包在导出后被修改", "signature mismatch: the bundle was "
                    "altered after export", header=header)
    confirmed = keys is not None and header["public_key"] in keys
    if keys is not None and not confirmed:
        return _bad(f"签名密钥未在平台登记为 {header.get('counter')} 的密钥（伪造）",
                    f"signed with a key the platform does not know for "
                    f"{header.get('counter')} (forged)", header=header)
    entries = [json.loads(raw) for raw in body_lines]
    if len(entries) != header.get("entries"):
        return _bad("条数与文件头不符", "entry count differs from the header", header=header)
    checked, prev = 0, None
    for entry in entries:
        if prev is not None and (entry["seq"] != prev["seq"] + 1
                                 or entry["prev_hash"] != prev["hash"]):
            return _bad(f"第 {entry['seq']} 条与前一条不衔接", f"entry {entry['seq']} does "
                        "not follow the one before it", first_bad=entry["seq"], header=header,
                        entries=entries, key_confirmed=confirmed)
        anchored = (anchors or {}).get(entry["seq"])
        if anchored is not None:
            checked += 1
            if anchored != entry["hash"]:
                return _bad(f"第 {entry['seq']} 条与平台锚定的链头不符（日志被重写）",
                            f"entry {entry['seq']} differs from the head anchored at the "
                            "platform (log rewritten)", first_bad=entry["seq"], header=header,
                            entries=entries, key_confirmed=confirmed, anchors_checked=checked)
        prev = entry
    return BundleResult(True, "", None, header, entries, confirmed, checked)
