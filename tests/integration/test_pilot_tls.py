"""``creditdesk sandbox serve --cert FILE --key FILE`` serves HTTPS (issue 20, item 10): the
desk's platform client trusts it through the ``ca_bundle`` setting (a private CA's PEM
file) and refuses it without; a certificate made at run time, a real serve process."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

import httpx
import pytest

from desktop.platform.client import PlatformClient, PlatformUnavailable
from sandbox.process import spawn
from tests.integration.conftest import SEED, SUBJECTS
from tests.integration.test_operator_keys import issue
from tests.integration.test_platform_client import make


def self_signed(where: Path) -> tuple[Path, Path]:
    """A throw-away CA certificate for 127.0.0.1 and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "creditdesk pilot platform")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(
            ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = where / "platform.crt", where / "platform.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


@pytest.fixture
def https_pilot(tmp_path):
    db = f"sqlite:///{tmp_path / 'pilot.sqlite'}"
    issued = issue(db, "SX-TLS-01", "desk over HTTPS")
    cert, key = self_signed(tmp_path)
    child = spawn(db, seed=SEED, subjects=SUBJECTS, api_key=None,
                  extra=("--pilot", f"--cert={cert}", f"--key={key}"))
    yield child.url, issued["api_key"], str(cert)
    child.stop()


def test_the_desk_talks_https_to_a_pilot_trusting_its_ca_file(https_pilot):
    url, key, cert = https_pilot
    assert url.startswith("https://127.0.0.1:")
    desk: PlatformClient = make(url, api_key=key, ca_bundle=cert)
    with desk:
        assert desk.whoami().counter == "SX-TLS-01"
        assert any(item.code == "GOV_PROCUREMENT" for item in desk.catalog().items)
    with make(url, api_key=key) as untrusting:
        with pytest.raises(PlatformUnavailable) as refused:
            untrusting.whoami()
    assert "CERTIFICATE_VERIFY_FAILED" in str(refused.value)
    with pytest.raises(httpx.HTTPError):  # no plain HTTP on the HTTPS port
        httpx.get(url.replace("https://", "http://") + "/v1/health", timeout=5)
