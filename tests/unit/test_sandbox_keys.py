"""The operator's key store (sandbox/keys.py) on real SQLite files: a platform file from
before keys had labels and dates keeps its keys, listed and revocable; ids are checked."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text

from sandbox.keys import KeyRefused, KeyStore
from sandbox.storage import create_all, make_engine


def test_a_key_stored_before_the_operator_columns_is_listed_and_revocable(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    old_key = "a-key-from-an-older-platform-file"
    with engine.begin() as conn:  # the api_keys table as the earlier version created it
        conn.execute(text("CREATE TABLE api_keys (key_hash VARCHAR(64) PRIMARY KEY, "
                          "counter_id VARCHAR(64) NOT NULL, department VARCHAR(64) NOT NULL)"))
        conn.execute(text("INSERT INTO api_keys VALUES (:h, 'SX-OLD-01', '越城区')"),
                     {"h": hashlib.sha256(old_key.encode()).hexdigest()})
    create_all(engine)
    store = KeyStore(engine)
    assert store.counter_for(old_key).counter_id == "SX-OLD-01"
    [listed] = store.list()
    assert (listed.counter_id, listed.created_at, listed.active) == ("SX-OLD-01", "", True)
    assert old_key not in repr(listed)
    revoked = store.revoke(listed.key_id)
    assert not revoked.active and store.counter_for(old_key) is None
    assert store.revoke(listed.key_id).revoked_at == revoked.revoked_at  # first time stays
    engine.dispose()


def test_revoke_wants_an_id_that_names_one_key(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'keys.sqlite'}")
    create_all(engine)
    with engine.begin() as conn:  # two stored hashes sharing their first 12 digits
        for tail in ("1" * 52, "2" * 52):
            conn.execute(text("INSERT INTO api_keys (key_hash, counter_id, department) "
                              "VALUES (:h, 'SX-A-01', '越城区')"), {"h": "abcdef012345" + tail})
    store = KeyStore(engine)
    for bad, said in (("abc", "8 or more hex digits"), ("not-hex-at-all", "8 or more hex"),
                      ("abcdef012345", "give more digits"), ("0123456789ab", "no key has")):
        with pytest.raises(KeyRefused) as refused:
            store.revoke(bad)
        assert said in refused.value.en and refused.value.zh
    assert all(k.active for k in store.list())  # nothing revoked by a refused id
    assert store.revoke("ABCDEF012345" + "2").counter_id == "SX-A-01"
    assert [k.active for k in store.list()] == [True, False]
    engine.dispose()
