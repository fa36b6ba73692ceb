"""The desk's platform client over TLS: a certificate is verified against the configured CA
bundle, and refused without it (a local HTTPS server on loopback with a throw-away
self-signed certificate). Split from test_platform_client.py, whose helpers it uses."""

from __future__ import annotations

import datetime as dt
import http.server
import ipaddress
import json
import ssl
import threading

import pytest

from desktop.platform.client import PlatformUnavailable
from tests.integration.test_platform_client import fails, make


@pytest.fixture(scope="module")
def tls_url(tmp_path_factory):
    """A tiny HTTPS health endpoint on loopback with a self-signed certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    tmp = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "creditdesk test platform")])
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
    (tmp / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server hook name
            body = json.dumps({"status": "ok", "platform": "tls", "time": now.isoformat()})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            """Quiet: nothing here is read from the server's log."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp / "cert.pem", tmp / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_address[1]}", str(tmp / "cert.pem")
    server.shutdown()
    server.server_close()


def test_tls_is_verified_against_the_ca_bundle(tls_url):
    url, bundle = tls_url
    with make(url, ca_bundle=bundle) as c:
        assert c.health().platform == "tls"
    for untrusting in (make(url), make(url, use_system_trust=True)):
        with untrusting as c:
            exc = fails(PlatformUnavailable, c.health)
        assert "CERTIFICATE_VERIFY_FAILED" in str(exc)
