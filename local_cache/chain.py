"""The audit log's hash chain (docs/AUDIT.md has the scheme and the reasons).

Each entry's hash is an HMAC, under a key derived from the desk's data key, over the
previous entry's hash, the entry's public fields and a salted commitment to its personal
fields. Editing, deleting or reordering an entry breaks every hash after it, and without
the keyring's key a thief cannot compute a consistent replacement chain. Retention purges
the personal fields and the salt but keeps the commitment, so the chain stays
verifiable after personal data is gone.

``commitment_of`` and ``entry_hash_of`` take the fields as arguments (what
``desktop.audit.verify.verify`` does for every entry of a long log, without building dicts of
dicts); ``commitment`` and ``entry_hash`` take them as dicts. Both produce the same bytes:
there is one canonical form.
"""

from __future__ import annotations

import hashlib
import hmac
import json

PUBLIC = ("seq", "at", "counter", "clerk", "event", "item", "verdict", "source")
PERSONAL = ("subject_key", "subject_masked", "details")

# The canonical form is json.dumps(values, ensure_ascii=False, sort_keys=True,
# separators=(",", ":"), default=str). JSON encodes each value of a flat object on its
# own, so the object is written here with its keys in sorted order and each value encoded
# as json would: strings by json's own ``encode_basestring`` (the function json uses with
# ensure_ascii=False), None as null, anything else by the same encoder (made once).
_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                           default=str).encode
_string = json.encoder.encode_basestring
_sha256 = hashlib.sha256
_hmac = hmac.digest


def _v(value: object) -> str:
    """One value as json writes it in the canonical form."""
    if type(value) is str:
        return _string(value)
    return "null" if value is None else _ENCODE(value)


def commitment_of(salt: str, subject_key: object, subject_masked: object,
                  details: object) -> str:
    """SHA-256 over the salt and the personal fields: reveals nothing, binds them."""
    body = (f'{{"details":{_v(details)},"subject_key":{_v(subject_key)},'
            f'"subject_masked":{_v(subject_masked)}}}')
    return _sha256(bytes.fromhex(salt) + body.encode()).hexdigest()


def commitment(salt: str, personal: dict) -> str:
    """``commitment_of`` with the personal fields as a dict."""
    get = personal.get
    return commitment_of(salt, get("subject_key"), get("subject_masked"), get("details"))


def entry_hash_of(key: bytes, prev_hash: str, commit: str, seq: object, at: object,
                  counter: object, clerk: object, event: object, item: object,
                  verdict: object, source: object) -> str:
    """The chained, keyed hash of one entry (``at`` as the ``repr`` of its timestamp)."""
    body = (f'{{"at":{_v(at)},"clerk":{_v(clerk)},"commitment":{_v(commit)},'
            f'"counter":{_v(counter)},"event":{_v(event)},"item":{_v(item)},'
            f'"prev":{_v(prev_hash)},"seq":{seq if type(seq) is int else _v(seq)},'
            f'"source":{_v(source)},"verdict":{_v(verdict)}}}').encode()
    return _hmac(key, body, "sha256").hex()


def entry_hash(key: bytes, prev_hash: str, public: dict, commit: str) -> str:
    """``entry_hash_of`` with the public fields as a dict."""
    get = public.get
    return entry_hash_of(key, prev_hash, commit, get("seq"), get("at"), get("counter"),
                         get("clerk"), get("event"), get("item"), get("verdict"),
                         get("source"))
