"""Two servers for the whole session, each on a free loopback port: stock moto
(`moto_server`) and the emulator (`emulator/server.py`). Each test runs one scenario
against both: stock moto shows the lenient behaviour the patch exists for, the emulator
shows AWS's."""

from __future__ import annotations

import datetime
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import uuid

import boto3
import pytest
from botocore.config import Config

HERE = os.path.dirname(os.path.abspath(__file__))
EMULATOR = os.path.join(os.path.dirname(HERE), "server.py")
VENV_BIN = os.path.dirname(sys.executable)
REGION = "us-east-1"
CONFIG = Config(retries={"total_max_attempts": 1}, region_name=REGION)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name: str, command: list[str], port: int):
        self.name, self.port = name, port
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)

    def wait(self) -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                self.request("GET", "/moto-api/")
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} did not start")
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def request(self, method: str, path: str, body: object = None, headers=None):
        """(status, headers, body bytes) of a raw HTTP request."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        data = json.dumps(body) if body is not None and not isinstance(body, bytes) else body
        conn.request(method, path, data, headers or {})
        response = conn.getresponse()
        result = response.status, dict(response.getheaders()), response.read()
        conn.close()
        return result

    def control(self, method: str, path: str, body: object = None):
        status, _, data = self.request(method, "/_cfclone/" + path, body)
        assert status == 200, data
        return json.loads(data)

    def client(self, service: str):
        return boto3.client(service, endpoint_url=self.url, config=CONFIG,
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def set_transition(self, transition: dict | None) -> None:
        body = {"model_name": "cloudfront::distribution"}
        if transition is None:
            self.request("POST", "/moto-api/state-manager/unset-transition", body)
        else:
            body["transition"] = transition
            self.request("POST", "/moto-api/state-manager/set-transition", body)


@pytest.fixture(scope="session")
def servers():
    stock_port, emulator_port = free_port(), free_port()
    started = [
        Server("stock moto", [os.path.join(VENV_BIN, "moto_server"), "-H", "127.0.0.1",
                              "-p", str(stock_port)], stock_port),
        Server("emulator", [sys.executable, EMULATOR, "--port", str(emulator_port)],
               emulator_port),
    ]
    try:
        for server in started:
            server.wait()
        yield started
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def stock(servers) -> Server:
    return servers[0]


@pytest.fixture
def emulator(servers) -> Server:
    emulator = servers[1]
    yield emulator
    emulator.request("DELETE", "/_cfclone/faults")
    emulator.request("POST", "/_cfclone/latency", {"ms": 0})


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def distribution_config(aliases=(), enabled=True, reference=None, certificate=None) -> dict:
    viewer = ({"ACMCertificateArn": certificate, "SSLSupportMethod": "sni-only",
               "MinimumProtocolVersion": "TLSv1.2_2021", "CloudFrontDefaultCertificate": False}
              if certificate else {"CloudFrontDefaultCertificate": True})
    return {
        "CallerReference": reference or unique("ref"),
        "Aliases": {"Quantity": len(aliases), "Items": list(aliases)},
        "Comment": "emulator test",
        "Enabled": enabled,
        "Origins": {"Quantity": 1, "Items": [{
            "Id": "api", "DomainName": "api.example.net",
            "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                   "OriginProtocolPolicy": "https-only"}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "api", "ViewerProtocolPolicy": "allow-all",
                                 "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
        "ViewerCertificate": viewer,
    }


def self_signed(names: list[str], key_type: str = "RSA_2048", days: int = 30):
    """(certificate PEM, key PEM) with names[0] as CN and every name as a SAN."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

    if key_type.startswith("RSA_"):
        key = rsa.generate_private_key(public_exponent=65537, key_size=int(key_type[4:]))
    else:
        key = ec.generate_private_key({"EC_prime256v1": ec.SECP256R1(),
                                       "EC_secp384r1": ec.SECP384R1()}[key_type])
    now = datetime.datetime.now(datetime.timezone.utc)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def list_all(server, **kwargs) -> list[dict]:
    """Every ListCertificates summary, all pages."""
    acm, summaries, token = server.client("acm"), [], None
    while True:
        page = acm.list_certificates(**kwargs, **({"NextToken": token} if token else {}))
        summaries += page["CertificateSummaryList"]
        token = page.get("NextToken")
        if not token:
            return summaries
