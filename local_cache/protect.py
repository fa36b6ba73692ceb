"""Personal data at rest: sealed fields and keyed lookup hashes.

A resident identity number or a person's name never reaches the cache file in
plaintext. Each is sealed with AES-GCM under a key derived from the desk's data key (kept
in the OS keyring), and looked up by an HMAC-SHA256 of the normalised identifier under a
second derived key. A file copied off the machine without the keyring's key reveals
neither the numbers nor the names, and the index cannot be reversed by trying every
possible number, since the attacker lacks the HMAC key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable, Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_NONCE = 12
_BLOCK = 64  # SHA-256's block size, for HMAC


class SealError(ValueError):
    """A sealed value could not be opened: wrong data key or a damaged cache file."""


def derive(data_key: bytes, purpose: bytes) -> bytes:
    """A 32-byte key for one ``purpose`` (HKDF-SHA256 of the data key)."""
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=b"creditdesk/" + purpose).derive(
        data_key
    )


class Protector:
    """Seals, opens and indexes personal data with keys derived from one data key."""

    def __init__(self, data_key: bytes) -> None:
        if len(data_key) < 32:
            raise ValueError("data key must be at least 32 bytes")
        self._aead = AESGCM(derive(data_key, b"seal"))
        # HMAC-SHA256 (RFC 2104) keyed once: the inner and outer SHA-256 states with the
        # padded key already absorbed, copied per value. Same digest as ``hmac.new(key,
        # value, sha256)``, at half the cost of copying a keyed ``hmac`` object (a
        # 1,000,000-entry sync hashes every entry's identifier).
        key = derive(data_key, b"index").ljust(_BLOCK, b"\0")  # 32 bytes: no pre-hash
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
        self.chain_key = derive(data_key, b"audit-chain")
        # Keys the desk's record of what it last wrote to settings.json (meta table), so
        # an edit of the file and of that record together is still noticed.
        self.settings_key = derive(data_key, b"settings-record")
        # Signs exported log bundles; its public half is registered at the platform, so
        # another desk can check a bundle without any of this desk's secrets.
        self.signing_key = Ed25519PrivateKey.from_private_bytes(
            derive(data_key, b"bundle-signing")
        )

    @property
    def public_key_hex(self) -> str:
        """The bundle-signing public key, 32 bytes as hex."""
        return self.signing_key.public_key().public_bytes_raw().hex()

    def index(self, identifier: str) -> str:
        """The lookup key for a normalised identifier (hex HMAC-SHA256)."""
        inner, outer = self._inner.copy(), self._outer.copy()
        inner.update(identifier.encode())
        outer.update(inner.digest())
        return outer.hexdigest()

    def index_many(self, identifiers: Iterable[str]) -> list[str]:
        """``index`` of each identifier, in order."""
        inner, outer = self._inner.copy, self._outer.copy
        keys = []
        for identifier in identifiers:
            i, o = inner(), outer()
            i.update(identifier.encode())
            o.update(i.digest())
            keys.append(o.hexdigest())
        return keys

    def seal(self, text: str) -> str:
        """Encrypt ``text``; the result is ASCII and differs on every call."""
        return self.seal_many((text,))[0]

    def seal_many(self, texts: Sequence[str]) -> list[str]:
        """``seal`` of each text, in order (each with its own random nonce, drawn from the
        OS in one call for all of them)."""
        nonces = os.urandom(_NONCE * len(texts))
        encrypt, b64 = self._aead.encrypt, binascii.b2a_base64
        sealed = []
        for n, text in enumerate(texts):
            nonce = nonces[n * _NONCE:(n + 1) * _NONCE]
            sealed.append(b64(nonce + encrypt(nonce, text.encode(), None),
                              newline=False).decode("ascii"))
        return sealed

    def open(self, token: str) -> str:
        """Decrypt what :meth:`seal` produced."""
        try:
            raw = base64.b64decode(token)
            return self._aead.decrypt(raw[:_NONCE], raw[_NONCE:], None).decode()
        except Exception as exc:  # cryptography raises InvalidTag; base64 binascii.Error
            raise SealError("缓存数据无法解密 / cached data cannot be decrypted") from exc
