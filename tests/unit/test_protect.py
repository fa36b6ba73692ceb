"""The protector: lookup keys are HMAC-SHA256 under the derived index key (so caches made
before keep their keys), seals open back and never repeat."""

from __future__ import annotations

import hashlib
import hmac
import os

import pytest

from local_cache.protect import Protector, SealError, derive

IDS = ["110105194912310021", "91330602MAUJCLYD4A", "", "x" * 200, "绍兴市越城区"]


def test_lookup_keys_are_hmac_sha256_of_the_identifier_under_the_index_key():
    data_key = os.urandom(32)
    p = Protector(data_key)
    index_key = derive(data_key, b"index")
    expected = [hmac.new(index_key, i.encode(), hashlib.sha256).hexdigest() for i in IDS]
    assert [p.index(i) for i in IDS] == expected
    assert p.index_many(IDS) == expected
    assert p.index_many([]) == []


def test_another_data_key_gives_other_lookup_keys():
    assert Protector(os.urandom(32)).index(IDS[0]) != Protector(os.urandom(32)).index(IDS[0])


def test_seals_open_back_and_differ_every_time():
    p = Protector(os.urandom(32))
    texts = ["张三", "绍兴华永文化传媒股份有限公司", "", "张三"]
    sealed = p.seal_many(texts) + [p.seal(t) for t in texts]
    assert [p.open(s) for s in sealed] == texts + texts
    assert len(set(sealed)) == len(sealed)
    assert all(s.isascii() and "张三" not in s for s in sealed)
    assert p.seal_many([]) == []


def test_a_seal_opens_only_with_its_data_key_and_unaltered():
    p = Protector(os.urandom(32))
    token = p.seal("张三")
    with pytest.raises(SealError):
        Protector(os.urandom(32)).open(token)
    flipped = token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB")
    with pytest.raises(SealError):
        p.open(flipped)
