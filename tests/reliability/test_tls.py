"""TLS to the platform (issue 8): a loopback HTTPS sandbox with its own test CA.

The desk trusts the platform when its CA bundle holds the CA that signed the platform's
certificate. With another CA, an expired certificate or a certificate for another host
name the check is a hard failure: the clerk gets a bilingual message saying the
certificate was refused, no answer is presented (not as live and not from the snapshot,
although the desk has one: a refused certificate is a wrong trust setting or someone in
between, not an outage, see desktop/counter/check_service.py), nothing is kept, and the desk
never tries again, neither over plain HTTP nor without verification. What went over the
wire is counted by a TCP relay in front of the platform (``Relay``: first bytes of every
connection) and by the platform's own request counter.

The platform runs in this process (``SandboxServer`` with ``ssl_certfile``), in threads:
the certificates are written by the test, and the point here is the handshake, not load.
"""

from __future__ import annotations

import datetime as dt
import gc
import ipaddress
import ssl
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from desktop.bootstrap import bootstrap
from desktop.counter.check_service import CheckService
from desktop.platform.client import ClientSettings, PlatformClient, PlatformUntrusted
from desktop.staff import accounts as staff
from local_cache.tables import audit, results
from sandbox import schemas as control
from sandbox.demo import CLERK, CLERK_PASSWORD, DEMO_SEED, DEMO_SUBJECTS, make_desk
from sandbox.server import DEFAULT_COUNTER, SandboxServer
from tests.reliability.conftest import sized
from tests.reliability.test_platform_faults import Relay
from ui.app import install_language
from ui.context import DeskContext
from ui.counter.main_window import MainWindow
from ui.tasks import TaskRunner

TLS_HANDSHAKE = 0x16  # the first byte of a TLS record carrying a ClientHello


@dataclass
class Authority:
    """A CA: its certificate and key; ``pem`` is the file a CA bundle setting names."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    pem: Path


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "CreditDesk tests"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_ca(directory: Path, common: str) -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(_name(common)).issuer_name(_name(common))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    pem = directory / f"{common.replace(' ', '-')}.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return Authority(cert, key, pem)


def make_leaf(directory: Path, ca: Authority, name: str, san: x509.GeneralName, *,
              expired: bool = False) -> tuple[str, str]:
    """A server certificate signed by ``ca``; returns (certificate file, key file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    valid = ((now - dt.timedelta(days=30), now - dt.timedelta(days=1)) if expired
             else (now - dt.timedelta(hours=1), now + dt.timedelta(days=7)))
    cert = (
        x509.CertificateBuilder().subject_name(_name(name)).issuer_name(ca.cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(valid[0]).not_valid_after(valid[1])
        .add_extension(x509.SubjectAlternativeName([san]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
                       critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    cert_file, key_file = directory / f"{name}.crt", directory / f"{name}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """The test CA, an unrelated second CA, and three leaves signed by the test CA."""
    d = tmp_path_factory.mktemp("pki")
    ca, other = make_ca(d, "CreditDesk Test CA"), make_ca(d, "Unrelated CA")
    loopback = x509.IPAddress(ipaddress.ip_address("127.0.0.1"))
    return SimpleNamespace(
        ca=ca, other=other,
        good=make_leaf(d, ca, "platform", loopback),
        expired=make_leaf(d, ca, "platform-expired", loopback, expired=True),
        wrong_host=make_leaf(d, ca, "platform-wrong-host",
                             x509.DNSName("platform.example.invalid")),
    )


@pytest.fixture(scope="module")
def servers(pki, tmp_path_factory):
    """One HTTPS platform per leaf, on one data set (generated once, then shared)."""
    db = f"sqlite:///{tmp_path_factory.mktemp('tls-platform') / 'platform.sqlite'}"
    started = {}
    try:
        for leaf in ("good", "expired", "wrong_host"):
            cert, key = getattr(pki, leaf)
            started[leaf] = SandboxServer(db_url=db, seed=DEMO_SEED, subjects=DEMO_SUBJECTS,
                                          ssl_certfile=cert, ssl_keyfile=key).start()
        yield started
    finally:
        for server in started.values():
            server.stop()


@pytest.fixture(scope="module")
def samples(servers, pki):
    good = servers["good"]
    # fetch_samples trusts the default store; ask with the test CA instead.
    with httpx.Client(verify=ssl.create_default_context(cafile=pki.ca.pem)) as http:
        answer = http.get(f"{good.url}/sandbox/samples",
                          headers={"Authorization": f"Bearer {good.api_key}"}, timeout=30)
    answer.raise_for_status()
    return control.SamplesOut.model_validate_json(answer.content)


@pytest.fixture(scope="module")
def desk(servers, pki, tmp_path_factory):
    """A desk trusting the test CA, its snapshot synced over HTTPS: an offline answer
    would be possible, so its absence below is a decision, not a lack of data."""
    services = make_desk(servers["good"], tmp_path_factory.mktemp("tls-desk"))
    services.settings.set_override("ca_bundle", str(pki.ca.pem))
    assert services.sync.sync().entries > 0
    yield services
    services.close()


def kept(services) -> tuple[int, int]:
    """Checks kept in the cache and ``check`` entries in the audit log."""
    with services.engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(results)).scalar_one(),
                conn.execute(select(func.count()).select_from(audit)
                             .where(audit.c.event == "check")).scalar_one())


def test_the_platform_is_trusted_when_its_ca_is_configured(desk, samples, tally):
    n = sized(3, 20)
    pool = [s for kind in ("prohibit", "alert", "clear") for s in getattr(samples, kind)[:3]]
    answered = wrong = 0
    for i in range(n):
        sample = pool[i % len(pool)]
        outcome = desk.checks.check(sample.id, sample.item)
        answered += outcome.source == "platform"
        wrong += outcome.verdict.value not in {k for k in ("prohibit", "alert", "clear")
                                               if sample in getattr(samples, k)}
    tally(checks=n, answered_online=answered, wrong_answers=wrong)
    assert answered == n and wrong == 0


# case -> (server, CA bundle the desk trusts, words the refusal must carry)
REFUSALS = {
    "other_ca": ("good", "other", "unable to get local issuer certificate"),
    "expired": ("expired", "ca", "certificate has expired"),
    "wrong_host": ("wrong_host", "ca", "IP address mismatch"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_an_untrusted_certificate_is_a_hard_failure(case, desk, servers, pki, samples, tally):
    n = sized(2, 10)
    server_name, bundle, reason = REFUSALS[case]
    server = servers[server_name]
    relay = Relay(server.port)
    client = PlatformClient(ClientSettings(
        base_url=f"https://127.0.0.1:{relay.port}", api_key=server.api_key,
        ca_bundle=str(getattr(pki, bundle).pem), deadline=4.0))
    checks = CheckService(desk.engine, desk.protector, client, counter=DEFAULT_COUNTER,
                          clerk=CLERK, stale_hours=24)
    sample = samples.prohibit[0]
    served_before = server.platform.counters.requests_served
    kept_before = kept(desk)
    refused = presented = 0
    messages = []
    try:
        for _ in range(n):
            try:
                outcome = checks.check(sample.id, sample.item)
            except PlatformUntrusted as exc:
                refused += 1
                messages.append(str(exc))
            else:
                presented += 1  # live or offline: either hides the refused certificate
                messages.append(f"answered {outcome.source}")
    finally:
        client.close()
        relay.close()
    handshakes = sum(first[:1] == bytes([TLS_HANDSHAKE]) for first in relay.connections)
    plain = len(relay.connections) - handshakes
    served = server.platform.counters.requests_served - served_before
    tally(checks=n, refused_with_message=refused, answers_presented=presented,
          connections=len(relay.connections), tls_handshakes=handshakes,
          plain_http_connections=plain, requests_served_by_platform=served,
          breaker_state=client.breaker_state)
    assert refused == n and presented == 0, messages
    for message in messages:
        assert "平台证书未通过验证" in message and "certificate was refused" in message
        assert reason in message
    assert kept(desk) == kept_before  # nothing kept, nothing logged as a check
    assert len(relay.connections) == n  # one attempt per check: no retry of any kind
    assert plain == 0  # never fell back to plain HTTP
    assert served == 0  # no request ever completed a handshake (no verify=False retry)
    assert client.breaker_state == "closed"  # not an outage: no offline mode via the breaker


@pytest.mark.parametrize("case", list(REFUSALS))
def test_the_clerk_sees_the_refused_certificate_not_an_answer(
        case, qtbot, qapp, servers, pki, samples, tmp_path, tally):
    """At the window: the desk synced its snapshot while the platform was trusted, then its
    platform or trust setting changed; a scan shows the refusal, no card, no "online"."""
    server_name, bundle, reason = REFUSALS[case]
    server = servers[server_name]
    root = tmp_path / "desk"
    first = make_desk(servers["good"], root)
    first.settings.set_override("ca_bundle", str(pki.ca.pem))
    assert first.sync.sync().entries > 0
    secrets = first.secrets
    first.close()
    services = bootstrap(root, {"platform_url": server.url, "counter_id": DEFAULT_COUNTER,
                                "clerk_id": CLERK, "default_items": "GOV_PROCUREMENT",
                                "ca_bundle": str(getattr(pki, bundle).pem)}, secrets=secrets)
    install_language(qapp, "zh_CN")
    ctx = DeskContext(services, TaskRunner())
    ctx.sign_in(staff.authenticate(services.engine, CLERK, CLERK_PASSWORD))
    served_before = server.platform.counters.requests_served
    sample = samples.alert[0]
    gc.disable()  # as ui.app: collect only on the GUI thread while the window lives
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    try:
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.item_picker.count() > 0, timeout=30000)  # stored
        window.item_picker.set_code(sample.item)
        window.lookup.setFocus()
        qtbot.keyClicks(window.lookup, sample.id)
        qtbot.keyClick(window.lookup, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not window.checking and "无法核查" in window.message.text(),
                        timeout=30000)
        shown = window.message.text()
        status = window.status.platform_status.text()
        outcome = window.outcome
    finally:
        window.close()
        window.idle_lock = None
        ctx.runner.wait(30000)
        services.close()
        gc.collect()
        gc.enable()
    served = server.platform.counters.requests_served - served_before
    tally(checks=1, refused_shown=int("平台证书未通过验证" in shown),
          answers_presented=int(outcome is not None),
          status_online=int("在线" in status and "不可达" not in status),
          requests_served_by_platform=served)
    assert "平台证书未通过验证" in shown and "certificate was refused" in shown and reason in shown
    assert outcome is None  # no card: neither a live nor an offline answer
    assert "平台在线" not in status
    assert served == 0
