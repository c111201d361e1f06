"""cfclone side by side with the baseline Lambda, on one local moto server, in one run.

Called by bench/run (which builds what it measures); writes BENCHMARKS.md. Pieces:
- the project's AWS emulator (emulator/server.py: moto with the project's patches) on a
  free loopback port, seeded with a reference distribution and ISSUED ACM certificates in
  us-east-1;
- a Lambda Runtime API and a CloudFormation ResponseURL served here, for the provider
  binary;
- a counting reverse proxy in front of moto, for the API calls per operation;
- bench/baseline_child.py, which runs the baseline in a fresh Python process.

Every timestamp is time.monotonic() (CLOCK_MONOTONIC), shared with the child processes.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import http.client
import json
import os
import platform
import queue
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

EXTRA_ENV: dict = {}
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PYTHON = sys.executable

ACCOUNT = "123456789012"
REGION = "us-east-1"
FUNCTION = "cfclone-bench"
STACK_ID = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/bench/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
# CloudFront (and the strict emulator) refuses an alias another distribution already has
# (CNAMEAlreadyExists), so every Create gets a fresh one: shop-1.example.com, shop-2…, each
# covered by the *.example.com certificates only.
ALIAS = "shop-1.example.com"  # the shape every fresh alias has (for minimum_describes)
_ALIASES = itertools.count(1)


def fresh_alias(tag: str = "") -> str:
    return f"shop-{tag}{next(_ALIASES)}.example.com"


NEW_ORIGIN = "shop-origin.example.net"
UPDATED_ORIGIN = "shop-origin-v2.example.net"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def median(values: list[float]) -> float:
    return statistics.median(values)


# ----- moto ----------------------------------------------------------------------------


class Moto:
    def __init__(self, logs: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(logs, "moto.log"), "w")
        self.process = subprocess.Popen(
            [PYTHON, os.path.join(ROOT, "emulator", "server.py"), "--port", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/moto-api/")
                conn.getresponse().read()
                conn.close()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise SystemExit("moto did not start; see the moto.log")
                time.sleep(0.1)

    def set_transition(self, transition: dict | None) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        if transition is None:
            body = {"model_name": "cloudfront::distribution"}
            conn.request("POST", "/moto-api/state-manager/unset-transition", json.dumps(body))
        else:
            body = {"model_name": "cloudfront::distribution", "transition": transition}
            conn.request("POST", "/moto-api/state-manager/set-transition", json.dumps(body))
        conn.getresponse().read()
        conn.close()

    def control(self, method: str, path: str, body: dict | None = None):
        """The emulator's control API (/_cfclone/…)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request(method, f"/_cfclone/{path}", None if body is None else json.dumps(body),
                     {"Content-Type": "application/json"})
        response = conn.getresponse()
        data = response.read()
        conn.close()
        if response.status != 200:
            raise SystemExit(f"the emulator refused {method} /_cfclone/{path}: {response.status} {data!r}")
        return json.loads(data)

    def faults(self, *faults: dict) -> None:
        """Clears the faults, then arms these."""
        self.control("DELETE", "faults")
        for fault in faults:
            self.control("POST", "faults", fault)

    def latency(self, ms: float) -> None:
        self.control("POST", "latency", {"ms": ms})

    def take_calls(self) -> list[dict]:
        calls = self.control("GET", "calls")
        self.control("DELETE", "calls")
        return calls

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


# ----- seed data ------------------------------------------------------------------------


def self_signed(names: list[str], key_type: str, days: int):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

    if key_type.startswith("RSA_"):
        key = rsa.generate_private_key(public_exponent=65537, key_size=int(key_type[4:]))
    elif key_type == "EC_prime256v1":
        key = ec.generate_private_key(ec.SECP256R1())
    elif key_type == "EC_secp384r1":
        key = ec.generate_private_key(ec.SECP384R1())
    else:
        raise ValueError(key_type)
    now = datetime.datetime.now(datetime.timezone.utc)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
        .sign(key, hashes.SHA256())
    )
    pem_cert = cert.public_bytes(serialization.Encoding.PEM)
    pem_key = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return pem_cert, pem_key


# (names: domain name first, then the other SANs; key type; days to expiry). The clone's
# alias shop.example.com is covered by the first two; the P-384 one is a key type
# CloudFront refuses.
CERTIFICATES = [
    (["*.example.com", "example.com"], "RSA_2048", 395),
    (["example.com", "www.example.com", "shop.example.com"], "EC_prime256v1", 200),
    (["*.example.com"], "EC_secp384r1", 500),
    (["www.example.org", "example.org"], "RSA_2048", 300),
    (["api.example.net", "admin.example.net"], "EC_prime256v1", 120),
    (["*.eu.example.com"], "RSA_2048", 90),
    (["static.example.io"], "RSA_2048", 365),
    (["*.internal.example.com", "internal.example.com"], "RSA_3072", 700),
]

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def behaviour(origin: str, pattern: str | None, policy: str, methods: list[str]) -> dict:
    b = {
        "TargetOriginId": origin,
        "ViewerProtocolPolicy": "redirect-to-https",
        "AllowedMethods": {
            "Quantity": len(methods),
            "Items": methods,
            "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]},
        },
        "Compress": True,
        "CachePolicyId": policy,
    }
    if pattern is not None:
        b["PathPattern"] = pattern
    return b


def reference_config(certificate_arn: str) -> dict:
    all_methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    api = behaviour("api", "/api/*", CACHING_DISABLED, all_methods)
    api["OriginRequestPolicyId"] = ALL_VIEWER_EXCEPT_HOST
    return {
        "CallerReference": "bench-reference",
        "Aliases": {"Quantity": 1, "Items": ["www.example.com"]},
        "DefaultRootObject": "index.html",
        "Origins": {
            "Quantity": 3,
            "Items": [
                {
                    "Id": "app",
                    "DomainName": "app.example-origin.net",
                    "CustomOriginConfig": {
                        "HTTPPort": 80,
                        "HTTPSPort": 443,
                        "OriginProtocolPolicy": "https-only",
                        "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
                        "OriginReadTimeout": 30,
                        "OriginKeepaliveTimeout": 5,
                    },
                },
                {
                    "Id": "api",
                    "DomainName": "abc123.execute-api.us-east-1.amazonaws.com",
                    "OriginPath": "/prod",
                    "CustomHeaders": {
                        "Quantity": 1,
                        "Items": [{"HeaderName": "x-origin-verify", "HeaderValue": "bench"}],
                    },
                    "CustomOriginConfig": {
                        "HTTPPort": 80,
                        "HTTPSPort": 443,
                        "OriginProtocolPolicy": "https-only",
                        "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
                    },
                },
                {
                    "Id": "assets",
                    "DomainName": "assets-bucket.s3.amazonaws.com",
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                },
            ],
        },
        "DefaultCacheBehavior": behaviour("app", None, CACHING_OPTIMIZED, ["GET", "HEAD"]),
        "CacheBehaviors": {
            "Quantity": 3,
            "Items": [
                api,
                behaviour("assets", "/static/*", CACHING_OPTIMIZED, ["GET", "HEAD"]),
                behaviour("assets", "/images/*", CACHING_OPTIMIZED, ["GET", "HEAD"]),
            ],
        },
        "CustomErrorResponses": {
            "Quantity": 3,
            "Items": [
                {"ErrorCode": 403, "ResponsePagePath": "/index.html", "ResponseCode": "200", "ErrorCachingMinTTL": 10},
                {"ErrorCode": 404, "ResponsePagePath": "/404.html", "ResponseCode": "404", "ErrorCachingMinTTL": 60},
                {"ErrorCode": 503, "ResponsePagePath": "/maintenance.html", "ResponseCode": "503", "ErrorCachingMinTTL": 5},
            ],
        },
        "Comment": "reference distribution (bench)",
        "Logging": {
            "Enabled": True,
            "IncludeCookies": False,
            "Bucket": "cf-logs-bucket.s3.amazonaws.com",
            "Prefix": "reference/",
        },
        "PriceClass": "PriceClass_100",
        "Enabled": True,
        "ViewerCertificate": {
            "CloudFrontDefaultCertificate": False,
            "ACMCertificateArn": certificate_arn,
            "SSLSupportMethod": "sni-only",
            "MinimumProtocolVersion": "TLSv1.2_2021",
        },
        "Restrictions": {"GeoRestriction": {"RestrictionType": "none", "Quantity": 0}},
        "HttpVersion": "http2and3",
        "IsIPV6Enabled": True,
    }


def seed(endpoint: str) -> dict:
    import boto3

    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )
    acm = session.client("acm", endpoint_url=endpoint)
    arns = []
    for names, key_type, days in CERTIFICATES:
        pem_cert, pem_key = self_signed(names, key_type, days)
        arns.append(acm.import_certificate(Certificate=pem_cert, PrivateKey=pem_key)["CertificateArn"])
    cloudfront = session.client("cloudfront", endpoint_url=endpoint)
    created = cloudfront.create_distribution(DistributionConfig=reference_config(arns[0]))
    return {"reference": created["Distribution"]["Id"], "certificates": arns}


def minimum_describes() -> int:
    """DescribeCertificate calls the design implies when summaries carry no SANs: one per
    usable certificate (ISSUED, unexpired, a key type CloudFront accepts) whose domain name
    does not already cover the alias."""

    def covers(name: str, host: str) -> bool:
        if name == host:
            return True
        return name.startswith("*.") and host.split(".", 1)[1] == name[2:]

    accepted = {"RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1"}
    return sum(
        1 for names, key_type, _ in CERTIFICATES if key_type in accepted and not covers(names[0], ALIAS)
    )


# ----- Lambda Runtime API and ResponseURL ------------------------------------------------


class QuietServer(ThreadingHTTPServer):
    """A threaded server that says nothing when a client goes away (the harness ends
    provider processes while they wait for their next event)."""

    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


class QuickHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive; every answer leaves in one write with TCP_NODELAY, so no
    reader ever waits out Nagle's algorithm against a delayed ACK (40 ms on Linux)."""

    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):  # quiet
        pass

    def reply(self, status: int, body: bytes = b"", headers=()):
        self.send_response(status)
        for k, v in (headers.items() if isinstance(headers, dict) else headers):
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self._headers_buffer.append(b"\r\n" + body)
        self.flush_headers()

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""


class Runtime:
    """A Lambda Runtime API (one function, one invocation at a time) and the ResponseURL
    endpoint CloudFormation would give (any URL that accepts PUT will do)."""

    def __init__(self, timeout_s: float = 900):
        self.timeout_s = timeout_s  # the function's timeout, as the event's deadline says
        self.events: queue.Queue = queue.Queue()
        self.lock = threading.Condition()
        self.handed_out: dict[str, float] = {}
        self.answers: dict[str, tuple[float, dict]] = {}
        self.invocation_results: dict[str, float] = {}
        self.first_next: float | None = None
        self.first_next_cpu: float | None = None
        self.pid: int | None = None
        self.pid_known = threading.Event()
        runtime = self

        class Handler(QuickHandler):
            def do_GET(self):
                if self.path != "/2018-06-01/runtime/invocation/next":
                    return self.reply(404)
                with runtime.lock:
                    first = runtime.first_next is None
                    if first:
                        runtime.first_next = time.monotonic()
                if first:
                    # The process can ask before the harness has its pid in hand.
                    runtime.pid_known.wait(5)
                    runtime.first_next_cpu = cpu_seconds(runtime.pid)
                request_id, payload = runtime.events.get()
                deadline_ms = int((time.time() + runtime.timeout_s) * 1000)
                with runtime.lock:
                    runtime.handed_out[request_id] = time.monotonic()
                self.reply(
                    200,
                    payload,
                    {
                        "Content-Type": "application/json",
                        "Lambda-Runtime-Aws-Request-Id": request_id,
                        "Lambda-Runtime-Deadline-Ms": str(deadline_ms),
                        "Lambda-Runtime-Invoked-Function-Arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{FUNCTION}",
                        "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000;Sampled=0",
                    },
                )

            def do_POST(self):
                self.body()
                parts = self.path.split("/")
                # /2018-06-01/runtime/invocation/{id}/response|error, /runtime/init/error
                if len(parts) == 6 and parts[3] == "invocation":
                    with runtime.lock:
                        runtime.invocation_results[parts[4]] = time.monotonic()
                        runtime.lock.notify_all()
                    return self.reply(202, b'{"status":"OK"}', {"Content-Type": "application/json"})
                if self.path.endswith("/init/error"):
                    log("the provider reported an init error")
                    return self.reply(202, b"{}")
                self.reply(404)

            def do_PUT(self):
                body = self.body()
                now = time.monotonic()
                if not self.path.startswith("/cfn/"):
                    return self.reply(404)
                request_id = self.path.split("/")[2].split("?")[0]
                with runtime.lock:
                    runtime.answers[request_id] = (now, json.loads(body))
                    runtime.lock.notify_all()
                self.reply(200)

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def response_url(self, request_id: str) -> str:
        # Shaped like a pre-signed S3 URL; the query string is what the provider must not log.
        return (
            f"http://127.0.0.1:{self.port}/cfn/{request_id}"
            "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0123456789abcdef"
        )

    def reset(self) -> None:
        with self.lock:
            self.first_next = None

    def invoke(self, payload: dict, request_id: str) -> None:
        self.events.put((request_id, json.dumps(payload).encode()))

    def wait_answer(self, request_id: str, process: subprocess.Popen, timeout: float = 120) -> tuple[float, dict]:
        end = time.monotonic() + timeout
        with self.lock:
            while request_id not in self.answers:
                if process.poll() is not None:
                    raise SystemExit(f"the provider exited ({process.returncode}) before answering")
                left = end - time.monotonic()
                if left <= 0:
                    raise SystemExit(f"no answer for {request_id} within {timeout}s")
                self.lock.wait(min(left, 0.5))
            return self.answers[request_id]

    def wait_invocation_result(self, request_id: str, timeout: float = 30) -> float:
        end = time.monotonic() + timeout
        with self.lock:
            while request_id not in self.invocation_results:
                left = end - time.monotonic()
                if left <= 0:
                    raise SystemExit(f"no invocation result for {request_id}")
                self.lock.wait(min(left, 0.5))
            return self.invocation_results[request_id]


def cfn_event(runtime: Runtime, request_type: str, properties: dict, physical_id: str | None = None,
              old_properties: dict | None = None) -> tuple[str, dict]:
    request_id = str(uuid.uuid4())
    service_token = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{FUNCTION}"
    event = {
        "RequestType": request_type,
        "ServiceToken": service_token,
        "ResponseURL": runtime.response_url(request_id),
        "StackId": STACK_ID,
        "RequestId": request_id,
        "LogicalResourceId": "ShopClone",
        "ResourceType": "Custom::ClonedDistribution",
        "ResourceProperties": {"ServiceToken": service_token, **properties},
    }
    if physical_id is not None:
        event["PhysicalResourceId"] = physical_id
    if old_properties is not None:
        event["OldResourceProperties"] = {"ServiceToken": service_token, **old_properties}
    return request_id, event


def clone_properties(reference: str, origin: str = NEW_ORIGIN, alias: str | None = None, **extra) -> dict:
    """A clone of the reference with one alias (a fresh one unless given)."""
    return {"ReferenceDistributionId": reference, "Aliases": [alias or fresh_alias()], "OriginDomainName": origin,
            **extra}


# ----- the provider process ----------------------------------------------------------------


def provider_env(runtime: Runtime, endpoint: str, extra: dict | None = None) -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{runtime.port}",
        "AWS_LAMBDA_FUNCTION_NAME": FUNCTION,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{FUNCTION}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "2026/11/21/[$LATEST]bench",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ENDPOINT_URL": endpoint,
        "LAMBDA_TASK_ROOT": "/var/task",
        "_HANDLER": "bootstrap",
        **CREDENTIALS,
    }
    env.update(extra or {})
    return env


def read_status(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid: int | None) -> float | None:
    """CPU time of every live thread of pid, in ns resolution (schedstat)."""
    if pid is None:
        return None
    total = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/schedstat") as stat:
                total += int(stat.read().split()[0])
    except OSError:
        return None
    return total / 1e9


def cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime of the whole thread group


class Provider:
    """One provider process under its own Runtime API (a fresh one per process, so that no
    request of an earlier process is still waiting for the next event)."""

    def __init__(self, binary: str, endpoint: str, logs: str, name: str, extra_env: dict | None = None,
                 timeout_s: float = 900):
        self.binary, self.endpoint, self.extra_env = binary, endpoint, extra_env
        self.runtime = Runtime(timeout_s)
        self.log = open(os.path.join(logs, f"provider-{name}.log"), "w")
        self.process: subprocess.Popen | None = None
        self.started = 0.0

    def start(self) -> "Provider":
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [self.binary], env=provider_env(self.runtime, self.endpoint, {**EXTRA_ENV, **(self.extra_env or {})}),
            stdout=self.log, stderr=subprocess.STDOUT,
        )
        self.runtime.pid = self.process.pid
        self.runtime.pid_known.set()
        return self

    def event(self, request_type: str, properties: dict, physical_id: str | None = None,
              old_properties: dict | None = None) -> tuple[str, dict]:
        return cfn_event(self.runtime, request_type, properties, physical_id, old_properties)

    def handle(self, event_id: str, event: dict) -> tuple[float, float, dict]:
        """Sends one event; returns (handed out, answered, answer body)."""
        self.runtime.invoke(event, event_id)
        answered, body = self.runtime.wait_answer(event_id, self.process)
        self.runtime.wait_invocation_result(event_id)
        return self.runtime.handed_out[event_id], answered, body

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        self.runtime.server.shutdown()
        self.runtime.server.server_close()


def expect_success(body: dict, what: str) -> None:
    if body.get("Status") != "SUCCESS":
        raise SystemExit(f"{what}: the provider answered {body.get('Status')}: {body.get('Reason')}")


# ----- the baseline process ----------------------------------------------------------------


def baseline_env(endpoint: str) -> dict:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SEED_ENDPOINT_URL": endpoint,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_LAMBDA_FUNCTION_NAME": "seed-clone-baseline",
        **CREDENTIALS,
    }


def baseline_event(reference: str, domain: str | None = None) -> dict:
    """The baseline's event; a fresh alias unless given (a template with {n} for the warm
    child, which fills in a fresh number per call)."""
    return {"queryStringParameters": {"domain": domain or fresh_alias(), "origin": NEW_ORIGIN,
                                      "ref_dist": reference}}


def run_baseline(baseline: str, endpoint: str, mode: str, arg: str, logs: str, name: str) -> tuple[float, dict]:
    """Starts the baseline child; returns (start time, its JSON line)."""
    with open(os.path.join(logs, f"baseline-{name}.log"), "w") as err:
        started = time.monotonic()
        done = subprocess.run(
            [PYTHON, os.path.join(HERE, "baseline_child.py"), baseline, mode, arg],
            env=baseline_env(endpoint),
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    if done.returncode != 0:
        raise SystemExit(f"the baseline ({mode}) failed; see {logs}/baseline-{name}.log")
    return started, json.loads(done.stdout.strip().splitlines()[-1])


# ----- the counting proxy ---------------------------------------------------------------------


def operation(method: str, path: str, headers) -> str:
    target = headers.get("X-Amz-Target")
    if target:
        service, _, action = target.partition(".")
        service = {"CertificateManager": "ACM", "AmazonSSM": "SSM"}.get(service, service)
        return f"{service} {action}"
    url = urlsplit(path)
    parts = [p for p in url.path.split("/") if p]
    query = parse_qs(url.query, keep_blank_values=True)
    if parts[:1] == ["2020-05-31"]:
        rest = parts[1:]
        if rest == ["distribution"] and method == "POST":
            return "CloudFront CreateDistributionWithTags" if "WithTags" in query else "CloudFront CreateDistribution"
        if rest == ["distribution"] and method == "GET":
            return "CloudFront ListDistributions"
        if len(rest) == 2 and rest[0] == "distribution":
            return {"GET": "CloudFront GetDistribution", "DELETE": "CloudFront DeleteDistribution"}.get(
                method, f"CloudFront {method} distribution"
            )
        if len(rest) == 3 and rest[0] == "distribution" and rest[2] == "config":
            return {"GET": "CloudFront GetDistributionConfig", "PUT": "CloudFront UpdateDistribution"}.get(
                method, f"CloudFront {method} config"
            )
        if rest == ["tagging"]:
            op = (query.get("Operation") or [""])[0]
            return {"": "CloudFront ListTagsForResource", "Tag": "CloudFront TagResource",
                    "Untag": "CloudFront UntagResource"}.get(op, f"CloudFront tagging {op}")
        return f"CloudFront {method} {url.path}"
    if parts[:2] == ["2015-03-31", "functions"] and parts[-1:] == ["invocations"]:
        return "Lambda Invoke"
    return f"{method} {url.path}"


class CountingProxy:
    """Forwards everything to moto and counts the requests by operation. It keeps the last
    answer to each operation, and can replay those answers without asking moto (mode
    "replay"): a stand-in for AWS that costs almost nothing, so that what is left of the
    warm time is each side's own work."""

    def __init__(self, upstream_port: int):
        self.counts: Counter = Counter()
        self.times: list[tuple[float, str]] = []
        self.spans: list[tuple[float, float, str]] = []  # (sent upstream, answered, operation)
        self.recorded: dict[str, tuple[int, list, bytes]] = {}
        self.strip_san_summaries = False
        self.replay = False
        self.lock = threading.Lock()
        proxy = self

        class Handler(QuickHandler):
            def upstream(self, op: str, body: bytes | None) -> tuple[int, list, bytes]:
                conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
                conn.request(self.command, self.path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                conn.close()
                if proxy.strip_san_summaries and op == "ACM ListCertificates" and response.status == 200:
                    listed = json.loads(data)
                    for summary in listed.get("CertificateSummaryList", []):
                        summary.pop("SubjectAlternativeNameSummaries", None)
                        summary.pop("HasAdditionalSubjectAlternativeNames", None)
                    data = json.dumps(listed).encode()
                skip = ("content-length", "transfer-encoding", "connection", "keep-alive", "date", "server")
                headers = [(k, v) for k, v in response.getheaders() if k.lower() not in skip]
                answer = (response.status, headers, data)
                if not proxy.strip_san_summaries:
                    with proxy.lock:
                        proxy.recorded[op] = answer
                return answer

            def forward(self):
                body = self.body() or None
                op = operation(self.command, self.path, self.headers)
                with proxy.lock:
                    proxy.counts[op] += 1
                    proxy.times.append((time.monotonic(), op))
                started = time.monotonic()
                if proxy.replay:
                    status, headers, data = proxy.recorded[op]
                else:
                    status, headers, data = self.upstream(op, body)
                with proxy.lock:
                    proxy.spans.append((started, time.monotonic(), op))
                self.reply(status, data, headers)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = forward

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def take(self) -> Counter:
        with self.lock:
            counts, self.counts = self.counts, Counter()
            self.times = []
            self.spans = []
            return counts

    def take_spans(self) -> list[tuple[float, float, str]]:
        with self.lock:
            spans, self.spans = self.spans, []
            return spans

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# ----- the measurements -------------------------------------------------------------------------


def measure_cold(args, endpoint: str, reference: str) -> dict:
    """Fresh processes, alternating provider and baseline so that any drift in the
    machine's load touches both alike."""
    provider, baseline = [], []
    for i in range(args.runs):
        p = Provider(args.binary, endpoint, args.logs, f"cold-{i}")
        try:
            request_id, event = p.event("Create", clone_properties(reference))
            p.runtime.invoke(event, request_id)  # waiting before the process starts, as in Lambda
            p.start()
            answered, body = p.runtime.wait_answer(request_id, p.process)
            cpu = cpu_seconds(p.process.pid)
            expect_success(body, "cold Create")
            p.runtime.wait_invocation_result(request_id)
            rss = read_status(p.process.pid, "VmHWM")
            provider.append({
                "total_s": answered - p.started,
                "init_s": (p.runtime.first_next or answered) - p.started,
                "handler_s": answered - p.runtime.handed_out[request_id],
                "peak_rss_kb": rss,
                "cpu_s": cpu,
                "init_cpu_s": p.runtime.first_next_cpu,
            })
        finally:
            p.stop()

        started, out = run_baseline(args.baseline, endpoint, "cold", json.dumps(baseline_event(reference)),
                                    args.logs, f"cold-{i}")
        if out["result"].get("statusCode") != 200:
            raise SystemExit(f"the baseline failed: {out['result']}")
        baseline.append({
            "total_s": out["done"] - started,
            "init_s": out["imported"] - started,
            "handler_s": out["done"] - out["imported"],
            "peak_rss_kb": out["peak_rss_kb"],
            "cpu_s": out["cpu_s"],
            "init_cpu_s": out["imported_cpu_s"],
        })
        log(f"cold run {i + 1}/{args.runs}: provider {provider[-1]['total_s'] * 1000:.1f} ms "
            f"(start-up {provider[-1]['init_s'] * 1000:.1f} ms), baseline {baseline[-1]['total_s'] * 1000:.1f} ms "
            f"(start-up {baseline[-1]['init_s'] * 1000:.1f} ms)")
    return {"provider": provider, "baseline": baseline}


CA_BUNDLES = ["/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem"]


def measure_roots(args, endpoint: str, reference: str) -> dict:
    """What loading the TLS trust roots costs the provider's start. As shipped, it reads the
    system's CA bundle once and both of its HTTPS clients trust that. The same cold Create
    with SSL_CERT_DIR set, which makes the provider leave each client to its own loader
    (rustls-native-certs: every file of the directory, the bundle among them, once per
    client: the clients' defaults), and with SSL_CERT_FILE naming a single certificate
    (roots then cost next to nothing; for measurement only)."""
    bundle = next((b for b in CA_BUNDLES if os.path.isfile(b)), None)
    if bundle is None:
        return {}
    one_root = os.path.join(args.logs, "one-root.pem")
    with open(bundle) as source, open(one_root, "w") as target:
        pem = source.read()
        end = pem.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----")
        target.write(pem[pem.index("-----BEGIN CERTIFICATE-----"):end] + "\n")
    variants = {"own_loaders": {"SSL_CERT_DIR": os.path.dirname(bundle)}, "one_root": {"SSL_CERT_FILE": one_root}}
    results: dict = {name: [] for name in variants}
    for i in range(args.runs):
        for name, env in variants.items():
            p = Provider(args.binary, endpoint, args.logs, f"roots-{name}-{i}", env)
            try:
                request_id, event = p.event("Create", clone_properties(reference))
                p.runtime.invoke(event, request_id)
                p.start()
                answered, body = p.runtime.wait_answer(request_id, p.process)
                cpu = cpu_seconds(p.process.pid)
                expect_success(body, f"cold Create ({name})")
                p.runtime.wait_invocation_result(request_id)
                results[name].append({
                    "total_s": answered - p.started,
                    "init_s": (p.runtime.first_next or answered) - p.started,
                    "cpu_s": cpu,
                    "init_cpu_s": p.runtime.first_next_cpu,
                    "peak_rss_kb": read_status(p.process.pid, "VmHWM"),
                })
            finally:
                p.stop()
    results["bundle_path"] = bundle
    return results


def measure_warm(args, endpoint: str, reference: str, name: str) -> dict:
    p = Provider(args.binary, endpoint, args.logs, f"warm-{name}").start()
    try:
        request_id, event = p.event("Create", clone_properties(reference))
        expect_success(p.handle(request_id, event)[2], "warm-up Create")
        times = []
        ticks_before = cpu_ticks(p.process.pid)
        for _ in range(args.warm):
            request_id, event = p.event("Create", clone_properties(reference))
            handed_out, answered, body = p.handle(request_id, event)
            expect_success(body, "warm Create")
            times.append(answered - handed_out)
        cpu = (cpu_ticks(p.process.pid) - ticks_before) / os.sysconf("SC_CLK_TCK")
    finally:
        p.stop()
    provider = {"times": times, "cpu_s": cpu}
    _, baseline = run_baseline(args.baseline, endpoint, "warm",
                               f"{json.dumps(baseline_event(reference, f'shop-warm-{name}-{{n}}.example.com'))}:"
                               f"{args.warm}", args.logs, f"warm-{name}")
    log(f"warm ({name}): provider {median(times) * 1000:.2f} ms/event, "
        f"baseline {median(baseline['times']) * 1000:.2f} ms/event")
    return {"provider": provider, "baseline": baseline}


def chosen_certificate(endpoint: str, distribution_id: str, seeded: dict) -> str:
    """Which seeded certificate a clone uses: its names and key type."""
    import boto3

    client = boto3.client("cloudfront", endpoint_url=endpoint, region_name=REGION,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    arn = client.get_distribution_config(Id=distribution_id)["DistributionConfig"]["ViewerCertificate"].get(
        "ACMCertificateArn")
    if arn not in seeded["certificates"]:
        return f"not a seeded certificate ({arn})"
    names, key_type, _ = CERTIFICATES[seeded["certificates"].index(arn)]
    return f"{names[0]} ({key_type})"


def measure_calls(args, proxy: CountingProxy, reference: str, seeded: dict, endpoint: str) -> dict:
    results = {}
    # An update (the Delete's disable) leaves the clone InProgress until the next read, so
    # each Delete polls once: a short poll interval saves the shipped 12 s per Delete.
    p = Provider(args.binary, proxy.url, args.logs, "calls", {"CFCLONE_POLL_INTERVAL_MS": str(CALLS_POLL_MS)}).start()
    try:
        def run(name: str, request_type: str, props: dict, physical=None, old=None) -> dict:
            request_id, event = p.event(request_type, props, physical, old)
            proxy.take()
            body = p.handle(request_id, event)[2]
            expect_success(body, name)
            results[name] = dict(proxy.take())
            return body

        alias = fresh_alias()
        created = run("Create", "Create", clone_properties(reference, alias=alias))
        clone = created["PhysicalResourceId"]
        run("Update", "Update", clone_properties(reference, UPDATED_ORIGIN, alias), clone,
            clone_properties(reference, alias=alias))
        run("Delete", "Delete", clone_properties(reference, UPDATED_ORIGIN, alias), clone)

        ssm = {"SsmParameterPrefix": "/cfclone/bench"}
        alias = fresh_alias()
        created = run("Create with SsmParameterPrefix", "Create", clone_properties(reference, alias=alias, **ssm))
        clone = created["PhysicalResourceId"]
        run("Update with SsmParameterPrefix", "Update", clone_properties(reference, UPDATED_ORIGIN, alias, **ssm),
            clone, clone_properties(reference, alias=alias, **ssm))
        run("Delete with SsmParameterPrefix", "Delete", clone_properties(reference, UPDATED_ORIGIN, alias, **ssm),
            clone)

        proxy.strip_san_summaries = True
        alias = fresh_alias()
        created = run("Create, summaries without SANs (moto's shape)", "Create",
                      clone_properties(reference, alias=alias))
        proxy.strip_san_summaries = False
        run("(clean-up)", "Delete", clone_properties(reference, alias=alias), created["PhysicalResourceId"])
        results.pop("(clean-up)")
        # Leave the answers of a plain Create as the ones to replay.
        recorded = run("(record)", "Create", clone_properties(reference))
        results.pop("(record)")
        provider_choice = chosen_certificate(endpoint, recorded["PhysicalResourceId"], seeded)
    finally:
        p.stop()

    proxy.take()
    event = baseline_event(reference)
    _, out = run_baseline(args.baseline, proxy.url, "cold", json.dumps(event), args.logs, "calls")
    results["Baseline create"] = dict(proxy.take())
    if out["result"].get("statusCode") != 200:
        raise SystemExit(f"the baseline's Create failed: {out['result']}")
    baseline_choice = chosen_certificate(endpoint, json.loads(out["result"]["body"])["distributionId"], seeded)
    # The same request again (a retry, or a second click): the alias is now the first clone's.
    # Straight to the emulator: the proxy's recorded answers (replayed in row 3a) stay a success.
    _, again = run_baseline(args.baseline, endpoint, "cold", json.dumps(event), args.logs, "calls-again")
    return {"counts": results, "certificate": {"provider": provider_choice, "baseline": baseline_choice},
            "baseline_again": again["result"]}


CALLS_POLL_MS = 500


def measure_teardown(args, moto: Moto, reference: str) -> dict:
    """Delete of a clone that CloudFront is still deploying: how long after it reports
    Deployed the provider deletes it (default 12 s poll interval, as shipped)."""
    deploy_s = 3.0
    proxy = CountingProxy(moto.port)
    moto.set_transition({"progression": "time", "seconds": deploy_s})
    p = Provider(args.binary, proxy.url, args.logs, "teardown").start()
    try:
        alias = fresh_alias()
        request_id, event = p.event("Create", clone_properties(reference, alias=alias))
        proxy.take()
        body = p.handle(request_id, event)[2]
        expect_success(body, "teardown Create")
        created_at = next(t for t, op in proxy.times if op.endswith("CreateDistributionWithTags"))
        clone = body["PhysicalResourceId"]
        request_id, event = p.event("Delete", clone_properties(reference, alias=alias), clone)
        handed_out, answered, body = p.handle(request_id, event)
        expect_success(body, "teardown Delete")
        deleted_at = next(t for t, op in proxy.times if op.endswith("DeleteDistribution"))
        # The emulator restarts the deployment at every update, the Delete's disable included.
        disabled_at = next(t for t, op in proxy.times if op.endswith("UpdateDistribution"))
        polls = sum(1 for _, op in proxy.times if op.endswith("GetDistribution"))
    finally:
        p.stop()
        moto.set_transition(None)
        proxy.stop()
    deployed_at = max(created_at, disabled_at) + deploy_s
    return {
        "deploy_s": deploy_s,
        "after_deployed_s": deleted_at - deployed_at,
        "delete_total_s": answered - handed_out,
        "get_distribution_calls": polls,
    }


# ----- latency, throttling, bursts (the emulator's control API) -------------------------------


class BaselineServer:
    """A warm baseline process (baseline_child.py serve) that handles one event at a time,
    so that its events can be interleaved with the provider's."""

    def __init__(self, baseline: str, endpoint: str, logs: str, name: str):
        self.err = open(os.path.join(logs, f"baseline-{name}.log"), "w")
        self.process = subprocess.Popen(
            [PYTHON, os.path.join(HERE, "baseline_child.py"), baseline, "serve", "-"],
            env=baseline_env(endpoint), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err,
            text=True, bufsize=1,
        )
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"the baseline (serve) did not start; see {logs}/baseline-{name}.log")

    def call(self, event: dict) -> tuple[float, dict]:
        """(seconds inside lambda_handler, its result)."""
        self.process.stdin.write(json.dumps(event) + "\n")
        self.process.stdin.flush()
        out = json.loads(self.process.stdout.readline())
        return out["s"], out["result"]

    def stop(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.err.close()


def expect_baseline(result: dict, what: str) -> None:
    if result.get("statusCode") != 200:
        raise SystemExit(f"{what}: the baseline answered {result}")


def rounds_of(spans: list[tuple[float, float, str]], tolerance_s: float = 0.005) -> list[list[str]]:
    """The calls of one event as rounds of round trips: a call is in the round after the
    latest call that was answered before it was sent (within tolerance_s); calls of one
    round were in flight together."""
    spans = sorted(spans)
    depth: list[int] = []
    for started, _, _ in spans:
        before = [depth[j] for j, (_, ended, _) in enumerate(spans[:len(depth)]) if ended <= started + tolerance_s]
        depth.append(1 + max(before, default=0))
    out: list[list[str]] = [[] for _ in range(max(depth, default=0))]
    for d, (_, _, op) in zip(depth, spans):
        out[d - 1].append(op.split(" ", 1)[1])
    return out


LATENCY_MS = 50


def measure_latency(args, moto: Moto, proxy: CountingProxy, reference: str) -> dict:
    """Warm Creates with every AWS call answered LATENCY_MS late (POST /_cfclone/latency),
    cfclone's and the baseline's events interleaved one by one. Each side's calls per event
    come from GET /_cfclone/calls; their rounds (which calls were in flight together) from
    one more event per side through the proxy, which times each call."""
    moto.latency(LATENCY_MS)
    p = b = None
    try:
        p = Provider(args.binary, moto.url, args.logs, "latency").start()
        b = BaselineServer(args.baseline, moto.url, args.logs, "latency")
        request_id, event = p.event("Create", clone_properties(reference))
        expect_success(p.handle(request_id, event)[2], "latency warm-up Create")
        expect_baseline(b.call(baseline_event(reference))[1], "latency warm-up")
        provider_times, baseline_times, provider_calls, baseline_calls = [], [], [], []
        for i in range(args.latency_runs):
            moto.take_calls()
            request_id, event = p.event("Create", clone_properties(reference))
            handed_out, answered, body = p.handle(request_id, event)
            expect_success(body, "latency Create")
            provider_times.append(answered - handed_out)
            provider_calls.append([c["operation"] for c in moto.take_calls()])
            seconds, result = b.call(baseline_event(reference))
            expect_baseline(result, "latency Create")
            baseline_times.append(seconds)
            baseline_calls.append([c["operation"] for c in moto.take_calls()])
        p.stop()
        b.stop()
        p = b = None
        shapes = {}
        p = Provider(args.binary, proxy.url, args.logs, "latency-shape").start()
        for _ in range(2):  # warm-up, then the one whose calls are timed
            proxy.take()
            request_id, event = p.event("Create", clone_properties(reference))
            expect_success(p.handle(request_id, event)[2], "latency shape Create")
        shapes["provider"] = rounds_of(proxy.take_spans())
        b = BaselineServer(args.baseline, proxy.url, args.logs, "latency-shape")
        for _ in range(2):
            proxy.take()
            expect_baseline(b.call(baseline_event(reference))[1], "latency shape")
        shapes["baseline"] = rounds_of(proxy.take_spans())
    finally:
        if p is not None:
            p.stop()
        if b is not None:
            b.stop()
        moto.latency(0)
        proxy.take()
    log(f"latency {LATENCY_MS} ms: provider {median(provider_times) * 1000:.1f} ms ({shapes['provider']}), "
        f"baseline {median(baseline_times) * 1000:.1f} ms ({shapes['baseline']})")
    return {
        "ms": LATENCY_MS,
        "provider": {"times": provider_times, "calls": provider_calls, "rounds": shapes["provider"]},
        "baseline": {"times": baseline_times, "calls": baseline_calls, "rounds": shapes["baseline"]},
    }


def throttling(code: str, operation: str, count: int, service: str = "cloudfront") -> dict:
    return {"service": service, "operation": operation, "code": code, "count": count}


def throttled_faults(create: str) -> list[dict]:
    """3 CloudFront throttles (1 on reading the reference, 2 on the create) and 2 ACM ones."""
    return [
        throttling("Throttling", "GetDistributionConfig", 1),
        throttling("Throttling", create, 2),
        throttling("ThrottlingException", "ListCertificates", 2, service="acm"),
    ]


def calls_summary(calls: list[dict]) -> dict:
    """{operation: {status: n}} of a call log."""
    out: dict = {}
    for c in calls:
        by_status = out.setdefault(f"{c['service']} {c['operation']}", {})
        by_status[str(c["status"])] = by_status.get(str(c["status"]), 0) + 1
    return out


def measure_throttled(args, moto: Moto, reference: str) -> dict:
    """One Create end to end (a fresh process, the event waiting, as a cold Lambda) while
    CloudFront throttles 3 calls and ACM 2; faults re-armed and the call log cleared before
    every run; the two sides alternate. The baseline makes CreateDistribution, not
    CreateDistributionWithTags, so its 2 create throttles go there."""
    provider, baseline = [], []
    try:
        for i in range(args.throttle_runs):
            moto.faults(*throttled_faults("CreateDistributionWithTags"))
            moto.take_calls()
            p = Provider(args.binary, moto.url, args.logs, f"throttled-{i}")
            try:
                request_id, event = p.event("Create", clone_properties(reference))
                p.runtime.invoke(event, request_id)
                p.start()
                answered, body = p.runtime.wait_answer(request_id, p.process, timeout=180)
            finally:
                p.stop()
            left = moto.control("GET", "faults")
            provider.append({
                "total_s": answered - p.started,
                "status": body.get("Status"),
                "reason": body.get("Reason"),
                "faults_left": sum(f["count"] for f in left),
                "calls": calls_summary(moto.take_calls()),
            })
            moto.faults(*throttled_faults("CreateDistribution"))
            started, out = run_baseline(args.baseline, moto.url, "cold", json.dumps(baseline_event(reference)),
                                        args.logs, f"throttled-{i}")
            left = moto.control("GET", "faults")
            baseline.append({
                "total_s": out["done"] - started,
                "status": "SUCCESS" if out["result"].get("statusCode") == 200 else "FAILED",
                "reason": out["result"].get("error"),
                "faults_left": sum(f["count"] for f in left),
                "calls": calls_summary(moto.take_calls()),
            })
            log(f"throttled run {i + 1}/{args.throttle_runs}: provider {provider[-1]['total_s']:.2f} s "
                f"{provider[-1]['status']}, baseline {baseline[-1]['total_s']:.2f} s {baseline[-1]['status']}")
    finally:
        moto.faults()
    return {"provider": provider, "baseline": baseline, "faults": throttled_faults("CreateDistributionWithTags")}


BURST = 10
BURST_TIMEOUT_S = 60


def burst_faults(create: str) -> list[dict]:
    return [throttling("Throttling", create, 30), throttling("Throttling", "GetDistributionConfig", 10)]


def measure_burst(args, moto: Moto, reference: str) -> dict:
    """BURST concurrent Creates (BURST fresh processes started together, each with its own
    event and a BURST_TIMEOUT_S deadline) while CloudFront throttles 30 creates and 10
    reads of the reference; the baseline's burst the same way (10 fresh Python processes),
    in turn with cfclone's, round by round."""
    rounds = []
    try:
        for r in range(args.burst_rounds):
            moto.faults(*burst_faults("CreateDistributionWithTags"))
            moto.take_calls()
            processes = [Provider(args.binary, moto.url, args.logs, f"burst-{r}-{k}", timeout_s=BURST_TIMEOUT_S)
                         for k in range(BURST)]
            ids = []
            for p in processes:
                request_id, event = p.event("Create", clone_properties(reference))
                p.runtime.invoke(event, request_id)
                ids.append(request_id)
            try:
                for p in processes:
                    p.start()
                provider = []
                for p, request_id in zip(processes, ids):
                    try:
                        answered, body = p.runtime.wait_answer(request_id, p.process, timeout=BURST_TIMEOUT_S + 60)
                        provider.append({"total_s": answered - p.started, "status": body.get("Status"),
                                         "reason": body.get("Reason")})
                    except SystemExit as gone:
                        provider.append({"total_s": None, "status": "NO ANSWER", "reason": str(gone)})
            finally:
                for p in processes:
                    p.stop()
            provider_left = sum(f["count"] for f in moto.control("GET", "faults"))
            provider_calls = calls_summary(moto.take_calls())

            moto.faults(*burst_faults("CreateDistribution"))
            children = []
            for k in range(BURST):
                err = open(os.path.join(args.logs, f"baseline-burst-{r}-{k}.log"), "w")
                started = time.monotonic()
                child = subprocess.Popen(
                    [PYTHON, os.path.join(HERE, "baseline_child.py"), args.baseline, "cold",
                     json.dumps(baseline_event(reference))],
                    env=baseline_env(moto.url), stdout=subprocess.PIPE, stderr=err, text=True)
                children.append((started, child, err))
            baseline = []
            for started, child, err in children:
                stdout, _ = child.communicate(timeout=BURST_TIMEOUT_S + 120)
                err.close()
                try:
                    out = json.loads(stdout.strip().splitlines()[-1])
                    ok = out["result"].get("statusCode") == 200
                    baseline.append({"total_s": out["done"] - started, "status": "SUCCESS" if ok else "FAILED",
                                     "reason": out["result"].get("error")})
                except (IndexError, ValueError, KeyError):
                    baseline.append({"total_s": None, "status": "CRASHED", "reason": f"exit {child.returncode}"})
            baseline_left = sum(f["count"] for f in moto.control("GET", "faults"))
            baseline_calls = calls_summary(moto.take_calls())
            rounds.append({
                "provider": provider, "provider_faults_left": provider_left, "provider_calls": provider_calls,
                "baseline": baseline, "baseline_faults_left": baseline_left, "baseline_calls": baseline_calls,
            })

            def brief(rows):
                ok = [x["total_s"] for x in rows if x["status"] == "SUCCESS"]
                return f"{len(ok)}/{len(rows)} succeeded, slowest {max(ok, default=float('nan')):.1f} s"
            log(f"burst round {r + 1}/{args.burst_rounds}: provider {brief(provider)}, baseline {brief(baseline)}")
    finally:
        moto.faults()
    return {"size": BURST, "timeout_s": BURST_TIMEOUT_S, "faults": burst_faults("CreateDistributionWithTags"),
            "rounds": rounds}


def measure_match(args) -> dict:
    _, out = run_baseline(args.baseline, "http://127.0.0.1:9", "match", "10000", args.logs, "match")
    return out


# ----- what else ran ----------------------------------------------------------------------------


class OtherWork:
    """CPU time of every process on the machine that is not this harness or one of its
    children (the emulator, the provider and baseline processes), from /proc, sampled
    every few seconds: what else shared the 2 cores during the run."""

    def __init__(self, interval_s: float = 5):
        self.interval_s = interval_s
        self.cpu: Counter = Counter()  # command name -> CPU seconds
        self.stop_event = threading.Event()
        self.last = self.sample()
        self.started = time.monotonic()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    @staticmethod
    def sample() -> dict:
        out = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    raw = stat.read()
            except OSError:
                continue
            comm = raw[raw.index("(") + 1:raw.rindex(")")]
            fields = raw.rsplit(")", 1)[1].split()
            out[int(entry)] = (comm, int(fields[1]), int(fields[11]) + int(fields[12]))  # ppid, utime+stime
        return out

    @staticmethod
    def ours(pid: int, procs: dict) -> bool:
        me = os.getpid()
        while pid in procs and pid > 1:
            if pid == me:
                return True
            pid = procs[pid][1]
        return False

    def run(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        while not self.stop_event.wait(self.interval_s):
            now = self.sample()
            for pid, (comm, _, ticks) in now.items():
                if self.ours(pid, now):
                    continue
                before = self.last.get(pid)
                delta = ticks - before[2] if before and before[0] == comm else 0
                if delta > 0:
                    self.cpu[comm] += delta / tick
            self.last = now

    def finish(self) -> dict:
        self.stop_event.set()
        self.thread.join()
        return {"wall_s": time.monotonic() - self.started,
                "cpu_s": {k: round(v, 1) for k, v in self.cpu.most_common()}}


# ----- the report ---------------------------------------------------------------------------------


def machine() -> dict:
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_kb = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "memory_gib": mem_kb / 1024 / 1024,
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds >= 0.01 else f"{seconds * 1000:.2f} ms"


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs" if seconds < 1e-3 else f"{seconds * 1000:.2f} ms"


def mib(kb: float) -> str:
    return f"{kb / 1024:.1f} MiB"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


MINIMUM = {
    "Create": {
        "CloudFront GetDistributionConfig": 1,
        "ACM ListCertificates": 1,
        "CloudFront CreateDistributionWithTags": 1,
    },
    "Update": {
        "CloudFront GetDistributionConfig": 2,
        "ACM ListCertificates": 1,
        "CloudFront UpdateDistribution": 1,
    },
    "Delete": {
        "CloudFront GetDistribution": 2,  # the read, and one poll: the disable leaves it InProgress
        "CloudFront ListTagsForResource": 1,
        "CloudFront UpdateDistribution": 1,
        "CloudFront DeleteDistribution": 1,
    },
}
MINIMUM["Create with SsmParameterPrefix"] = {**MINIMUM["Create"], "SSM PutParameter": 4}
MINIMUM["Update with SsmParameterPrefix"] = {**MINIMUM["Update"], "SSM PutParameter": 4}
MINIMUM["Delete with SsmParameterPrefix"] = {**MINIMUM["Delete"], "SSM GetParameter": 1, "SSM DeleteParameters": 1}
MINIMUM["Create, summaries without SANs (moto's shape)"] = {
    **MINIMUM["Create"], "ACM DescribeCertificate": minimum_describes()
}
MINIMUM["Baseline create"] = {
    "CloudFront GetDistributionConfig": 1,
    "ACM ListCertificates": 1,
    "CloudFront CreateDistribution": 1,
}


def calls_text(counts: dict) -> str:
    return ", ".join(f"{op.split(' ', 1)[1]} ×{n}" if n > 1 else op.split(" ", 1)[1]
                     for op, n in sorted(counts.items()))


def floor_s(latency: dict, side: str) -> float:
    return len(latency[side]["rounds"]) * latency["ms"] / 1000


def burst_times(burst: dict, side: str) -> tuple[int, int, list[float]]:
    rows = [r for rnd in burst["rounds"] for r in rnd[side]]
    ok = [r["total_s"] for r in rows if r["status"] == "SUCCESS"]
    return len(ok), len(rows), ok


def burst_stats(burst: dict, side: str) -> str:
    ok_n, n, ok = burst_times(burst, side)
    failed = [r["total_s"] for rnd in burst["rounds"] for r in rnd[side] if r["status"] != "SUCCESS" and r["total_s"]]
    text = f"{ok_n}/{n}; {max(ok):.1f} s; {median(ok):.1f} s" if ok else f"0/{n}"
    if failed:
        text += f" (failed after {min(failed):.1f}–{max(failed):.1f} s)"
    return text


def report(args, data: dict) -> str:
    m = data["machine"]
    if data.get("counts"):  # the run's own counts (--render of a run with other ones)
        args.runs, args.warm = data["counts"]["runs"], data["counts"]["warm"]
    cold, warm, replay, match = data["cold"], data["warm"], data["warm_replay"], data["match"]
    calls_data = data["calls"]
    calls = calls_data.get("counts", calls_data)
    latency, throttled, burst = data.get("latency"), data.get("throttled"), data.get("burst")
    crit, zips, teardown, roots = data["criterion"], data["zips"], data.get("teardown"), data.get("roots") or {}

    def med(rows: list, key: str) -> float:
        return median([r[key] for r in rows if r[key] is not None])

    p_cold, b_cold = med(cold["provider"], "total_s"), med(cold["baseline"], "total_s")
    p_rss, b_rss = med(cold["provider"], "peak_rss_kb"), med(cold["baseline"], "peak_rss_kb")
    p_warm, b_warm = median(warm["provider"]["times"]), median(warm["baseline"]["times"])
    r_warm, rb_warm = median(replay["provider"]["times"]), median(replay["baseline"]["times"])
    p_cpu, b_cpu = warm["provider"]["cpu_s"] / args.warm, warm["baseline"]["cpu_s"] / args.warm
    extra = {name: sum(max(0, n - MINIMUM[name].get(op, 0)) for op, n in counts.items())
             for name, counts in calls.items()}
    select_one = crit.get("select_one_alias")
    full_lookup = crit.get("to_describe_then_select")

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.3f} (1/{b / a:.1f})"

    lines: list[str] = []
    add = lines.append
    add("# Benchmarks")
    add("")
    add("cfclone's provider side by side with the original Python Lambda "
        "(`../shared/baseline/seed_clone_lambda.py`, boto3) on the same local AWS emulator (moto with the "
        "project's patches, `emulator/server.py`), in one run. The work: clone the reference distribution "
        "(3 origins, 3 cache behaviours, 3 error pages, logging, an ACM certificate) with one alias (a fresh one "
        "per Create) and a new origin, choosing among 8 ISSUED ACM certificates in us-east-1.")
    add("")
    add("**Generated by `make bench` (`bash bench/run`); do not edit by hand.**")
    add("")
    add(f"- Date: {data['date']}")
    add(f"- Command: `{data['command']}`")
    add(f"- Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']:.1f} GiB memory, Linux {m['kernel']}; "
        f"load average {data['load']} at the start" + (f", {data['load_end']} at the end" if data.get("load_end")
                                                        else "") + " (other work shares the machine, so single "
        "runs vary)")
    other = data.get("other_work")
    if other:
        busy = [(k, v) for k, v in other["cpu_s"].items() if v >= 1]
        total = sum(other["cpu_s"].values())
        add(f"- Other work during the harness's {other['wall_s'] / 60:.0f} minutes (CPU time of every process "
            f"not the harness's, from /proc): {total:.0f} s in all, about {total / other['wall_s']:.2f} of "
            f"{m['nproc']} cores" + (": " + ", ".join(f"{k} {v:.0f} s" for k, v in busy[:8]) if busy else "")
            + ". The side-by-side rows interleave the two sides, so both meet the same load.")
    add(f"- Provider: `{os.path.relpath(args.binary, ROOT)}`, cargo profile `dist` (fat LTO, 1 codegen unit, "
        f"stripped), {os.path.getsize(args.binary) / 1e6:.2f} MB")
    add(f"- Baseline: Python {m['python']}, boto3 {data['boto3']}. Emulator: moto[server] {data['moto']} on "
        "loopback, plain HTTP, with the project's patches (`emulator/server.py`)")
    add("")
    add("## Summary")
    add("")
    add("| Measure | cfclone | Baseline | cfclone / baseline | Target | |")
    add("|---|---|---|---|---|---|")
    add(f"| 1. Cold Create, process start → response delivered (median of {args.runs}) | {ms(p_cold)} | "
        f"{ms(b_cold)} | {ratio(p_cold, b_cold)} | ≤ 1/5 | {verdict(p_cold * 5 <= b_cold)} |")
    add(f"| 2. Peak resident memory of that process (median of {args.runs}) | {mib(p_rss)} | {mib(b_rss)} | "
        f"{ratio(p_rss, b_rss)} | ≤ 1/3 | {verdict(p_rss * 3 <= b_rss)} |")
    add(f"| 3. Warm time per Create event, one process, on moto (median of {args.warm}) | {ms(p_warm)} | "
        f"{ms(b_warm)} | {ratio(p_warm, b_warm)} | ≤ 1/3 | {verdict(p_warm * 3 <= b_warm)} |")
    add(f"| 3a. … the same with moto's recorded answers replayed (median of {args.warm}) | {ms(r_warm)} | "
        f"{ms(rb_warm)} | {ratio(r_warm, rb_warm)} | ≤ 1/3 | {verdict(r_warm * 3 <= rb_warm)} |")
    add(f"| 3b. … CPU time per warm event on moto (mean of {args.warm}) | {ms(p_cpu)} | {ms(b_cpu)} | "
        f"{ratio(p_cpu, b_cpu)} | — | |")
    worst_extra = max(v for k, v in extra.items() if not k.startswith("Baseline"))
    add(f"| 4. AWS API calls beyond the minimum, worst of Create/Update/Delete (± SSM) | {worst_extra} | "
        f"{extra['Baseline create']} (Create only) | — | 0 | {verdict(worst_extra == 0)} |")
    if select_one is not None:
        add(f"| 5. Certificate matching over 10,000 certificates, per lookup (`select`, one alias) | "
            f"{us(select_one)} | {us(match['lookup_s'])} (a dict probe) | — | < 2 ms | "
            f"{verdict(select_one < 2e-3)} |")
    if full_lookup is not None:
        add(f"| 5a. … all matching one Create does (`to_describe` + `select`; baseline: its dict from 10,000 "
            f"summaries + lookup) | {us(full_lookup)} | {us(match['build_and_lookup_s'])} | "
            f"{ratio(full_lookup, match['build_and_lookup_s'])} | < 2 ms | {verdict(full_lookup < 2e-3)} |")
    for arch in ("arm64", "x86_64"):
        z = zips.get(arch)
        if z is None:
            add(f"| 6. Lambda zip, {arch} | not built (`--no-zip`) | — | — | < 8 MB | |")
        elif "error" in z:
            add(f"| 6. Lambda zip, {arch} | build failed: {z['error']} | — | — | < 8 MB | **missed** |")
        else:
            add(f"| 6. Lambda zip, {arch}{' (' + z['note'] + ')' if z.get('note') else ''} | "
                f"{z['bytes'] / 1e6:.2f} MB | — | — | < 8 MB | {verdict(z['bytes'] < 8e6)} |")
    if latency:
        lp, lb = median(latency["provider"]["times"]), median(latency["baseline"]["times"])
        fp, fb = floor_s(latency, "provider"), floor_s(latency, "baseline")
        add(f"| 7. Create with a fixed per-call latency of {latency['ms']} ms (as a regional control plane answers), "
            f"warm (median of {len(latency['provider']['times'])}) | {ms(lp)} | {ms(lb)} | {ratio(lp, lb)} | — | |")
        add(f"| 7a. … its round-trip floor (sequential rounds of calls × {latency['ms']} ms) | {ms(fp)} "
            f"({len(latency['provider']['rounds'])} rounds) | {ms(fb)} ({len(latency['baseline']['rounds'])} rounds) "
            f"| {ratio(fp, fb)} | — | |")
        add(f"| 7b. … above the floor | {ms(lp - fp)} | {ms(lb - fb)} | {ratio(lp - fp, lb - fb)} | — | |")
    if throttled:
        tp = [r["total_s"] for r in throttled["provider"] if r["status"] == "SUCCESS"]
        tb = [r["total_s"] for r in throttled["baseline"] if r["status"] == "SUCCESS"]
        n = len(throttled["provider"])
        cell = lambda v, rows: (f"{median(v):.2f} s" + ("" if len(v) == len(rows) else  # noqa: E731
                                f" ({len(v)}/{len(rows)} succeeded)")) if v else f"0/{len(rows)} succeeded"
        add(f"| 8. Throttled Create (CloudFront throttles 3 calls, ACM 2), process start → response (median of {n}) "
            f"| {cell(tp, throttled['provider'])} | {cell(tb, throttled['baseline'])} | "
            f"{ratio(median(tp), median(tb)) if tp and tb else '—'} | ≤ 15 s | "
            f"{verdict(len(tp) == n and median(tp) <= 15)} |")
    if burst:
        bp, bb = burst_stats(burst, "provider"), burst_stats(burst, "baseline")
        add(f"| 9. Burst: {burst['size']} concurrent Creates, CloudFront throttling 30 creates and 10 reads "
            f"({len(burst['rounds'])} burst{'s' if len(burst['rounds']) != 1 else ''}): succeeded; slowest; median | {bp} | {bb} | — | within the "
            f"{burst['timeout_s']} s function timeout | measured |")
    add("")
    if p_warm * 3 > b_warm:
        add(f"Warm time on moto misses its target because both sides wait for the same emulator: moto takes "
            f"most of each event (cfclone spends {ms(p_cpu)} of CPU per event of its {ms(p_warm)}). With moto's "
            f"answers replayed (row 3a) the same events take {ms(r_warm)} against {ms(rb_warm)}.")
        add("")
    if calls_data.get("certificate"):
        chosen = calls_data["certificate"]
        again = calls_data.get("baseline_again") or {}
        delete_gets = calls.get("Delete", {}).get("CloudFront GetDistribution", 0)
        add("## On the strict emulator")
        add("")
        add("This run is the first on the project's strict emulator (`emulator/server.py`: moto 5.2.1 with patches "
            "that answer as AWS does where cfclone depends on it; see `emulator/README.md`) instead of stock moto "
            "with SAN summaries added. What that changes here:")
        add("")
        add("- **Aliases.** CloudFront refuses an alias another distribution already has (409 "
            "`CNAMEAlreadyExists`), and so does the emulator. Earlier runs cloned `shop.example.com` hundreds of "
            "times over, which stock moto let them; now every Create takes a fresh alias, `shop-N.example.com`, "
            f"covered by the `*.example.com` certificates only. Chosen certificate: cfclone {chosen['provider']}, "
            f"the baseline {chosen['baseline']}.")
        if again:
            outcome = ("succeeded again" if again.get("statusCode") == 200
                       else f"fails: `{again.get('error', again)}`")
            add("- **Finding: the baseline is not idempotent.** Given the same request a second time (a retry, a "
                f"second click), it {outcome} — it makes a new `CallerReference` from the clock every time and "
                "never looks for the distribution it made before.")
        add("- **ACM.** `ListCertificates` pages (100 summaries by default; both sides ask for 1,000, so one page "
            "here) and spells key algorithms as ACM does (`RSA-2048`, `EC-prime256v1`). Without "
            "`Includes.keyTypes` it lists only RSA_1024 and RSA_2048 certificates, as ACM does: the baseline "
            f"passes no `Includes`, so it sees {sum(1 for _, k, _ in CERTIFICATES if k in ('RSA_1024', 'RSA_2048'))} "
            f"of the {len(CERTIFICATES)} seeded certificates (not the P-256, P-384 or RSA_3072 ones); cfclone asks "
            "for every key type CloudFront accepts.")
        add("- **ETags and IfMatch.** Every update answers a new ETag and a stale `IfMatch` is 412: cfclone's "
            "Update and Delete send the ETag their read answered, in the same calls as before. The baseline never "
            "updates or deletes a distribution, so it meets neither `IfMatch` nor `DistributionNotDisabled` — "
            "not a failure on this emulator, but it cannot take down what it made.")
        add("- **Updates go `InProgress`.** The Delete's disable leaves the clone `InProgress` until CloudFront "
            f"reports it `Deployed` (here: at the next read), so each Delete now polls: `GetDistribution` "
            f"×{delete_gets} in section 4, which runs with a {CALLS_POLL_MS} ms poll interval rather than wait "
            "12 s per Delete (the teardown row keeps the shipped 12 s).")
        add("- **`ViewerCertificate`** comes back as CloudFront returns it (`Certificate`, `CertificateSource`); "
            "the baseline copies it unchanged into its `CreateDistribution`, which the emulator takes.")
        add("- **Faults and latency** through the emulator's control API: rows 7–9, new in this report.")
        add("")
    add("## 1–2. Cold Create and peak memory")
    add("")
    add("Each run starts a fresh process with the event already waiting, alternating cfclone and the baseline. "
        "cfclone: the `cfclone-provider` binary under a Lambda Runtime API served by `bench/harness.py`, "
        "answering CloudFormation by PUT to a ResponseURL on the harness; the clock stops when that PUT arrives. "
        "Baseline: a fresh Python process (`bench/baseline_child.py`) imports the module (which creates its "
        "boto3 clients) and calls `lambda_handler`; the clock stops when it returns. Peak memory is `VmHWM` "
        "(`/proc/<pid>/status`) after the answer; CPU time is the process's own (schedstat / getrusage).")
    add("")
    add("| | cfclone median | cfclone min–max | Baseline median | Baseline min–max |")
    add("|---|---|---|---|---|")
    rows = (("total_s", "Process start → response", ms), ("init_s", "… start-up: to the first `/next` "
            "(baseline: module imported)", ms), ("handler_s", "… the event itself", ms),
            ("cpu_s", "CPU time, whole run", ms), ("init_cpu_s", "CPU time, start-up", ms),
            ("peak_rss_kb", "Peak RSS", mib))
    for key, label, fmt in rows:
        pv = [r[key] for r in cold["provider"] if r[key] is not None]
        bv = [r[key] for r in cold["baseline"] if r[key] is not None]
        add(f"| {label} | {fmt(median(pv))} | {fmt(min(pv))}–{fmt(max(pv))} | {fmt(median(bv))} | "
            f"{fmt(min(bv))}–{fmt(max(bv))} |")
    add("")
    if roots.get("own_loaders") and roots.get("one_root"):
        add("### What cfclone's start-up spends")
        add("")
        add("TLS trust roots were most of cfclone's start-up CPU, although nothing here speaks TLS. Left to "
            "themselves, its two HTTPS clients (the AWS SDK's and the one that answers the ResponseURL) would each "
            "load the system's roots with rustls-native-certs (the CA bundle *and* every file of the certificate "
            "directory, which on Amazon Linux and Debian holds the bundle again), and the SDK's would parse them "
            "once more for every service client it is given to, building a connector only to drop it. cfclone "
            "reads the bundle once (`setup::TrustRoots`), hands the ResponseURL client the parsed root store, and "
            "the SDK's client the PEM, its connector built on the first request only "
            "(`aws::sdk::LazyConnector`): two parses per process, however many service clients. With "
            "`SSL_CERT_DIR` set it keeps the clients' own loaders (second row); what the roots still cost is the "
            "difference to the last row. The same cold Create, measured in this run:")
        add("")
        add("| Trust roots | Start-up CPU | Whole-run CPU | Process start → response | Peak RSS |")
        add("|---|---|---|---|---|")
        variants = ((f"As shipped: `{roots['bundle_path']}` read once, shared by both clients", cold["provider"]),
                    (f"Each client's own loader (`SSL_CERT_DIR={os.path.dirname(roots['bundle_path'])}`; "
                     "the clients' defaults)", roots["own_loaders"]),
                    ("One certificate (`SSL_CERT_FILE`; for measurement only)", roots["one_root"]))
        for label, rows_ in variants:
            add(f"| {label} | {ms(med(rows_, 'init_cpu_s'))} | {ms(med(rows_, 'cpu_s'))} | "
                f"{ms(med(rows_, 'total_s'))} | {mib(med(rows_, 'peak_rss_kb'))} |")
        add("")
        add("No credential or region lookup reaches IMDS or a network (both come from the environment, as in "
            "Lambda); the profile files are two failed `open`s; logging set-up and entropy (two non-blocking "
            "`getrandom` calls) do not show. Lambda's 128 MB functions get a fraction of a vCPU, so start-up CPU "
            "counts several times over there.")
        add("")
    add("## 3. Warm time per event")
    add("")
    add(f"One process, one warm-up event, then {args.warm} Create events one after another. cfclone: from the "
        "Runtime API handing out the event to the ResponseURL PUT. Baseline: around `lambda_handler`. CPU time: "
        "the process's user + system time over those events (cfclone: `/proc/<pid>/stat`, 10 ms ticks; "
        "baseline: `getrusage`). On moto, most of the wall time is moto's (a single Python server answering both "
        "sides); the replay rows answer each call with moto's recorded answer from memory, which leaves each "
        "side's own work and its HTTP round trips.")
    add("")
    add("| | cfclone on moto | Baseline on moto | cfclone, replayed | Baseline, replayed |")
    add("|---|---|---|---|---|")
    pw, bw = sorted(warm["provider"]["times"]), sorted(warm["baseline"]["times"])
    rw, rbw = sorted(replay["provider"]["times"]), sorted(replay["baseline"]["times"])
    add(f"| Median | {ms(median(pw))} | {ms(median(bw))} | {ms(median(rw))} | {ms(median(rbw))} |")
    add(f"| Mean | {ms(statistics.mean(pw))} | {ms(statistics.mean(bw))} | {ms(statistics.mean(rw))} | "
        f"{ms(statistics.mean(rbw))} |")
    p90 = lambda v: v[int(len(v) * 0.9) - 1]  # noqa: E731
    add(f"| 90th percentile | {ms(p90(pw))} | {ms(p90(bw))} | {ms(p90(rw))} | {ms(p90(rbw))} |")
    add(f"| CPU time per event | {ms(p_cpu)} | {ms(b_cpu)} | {ms(replay['provider']['cpu_s'] / args.warm)} | "
        f"{ms(replay['baseline']['cpu_s'] / args.warm)} |")
    add("")
    add("## 4. AWS API calls per operation")
    add("")
    add("Counted by a reverse proxy in front of moto (CloudFront by method and path, ACM and SSM by "
        "`X-Amz-Target`). The ResponseURL PUT is not an AWS call and is not counted. The emulator reports a "
        "distribution `Deployed` at the first read after a change (moto's immediate transition), so the "
        "Delete's wait for the disabled clone is one `GetDistribution` poll (after a "
        f"{CALLS_POLL_MS} ms poll interval here, 12 s as shipped).")
    add("")
    add("| Operation | Calls made | Minimum the design implies | Beyond the minimum |")
    add("|---|---|---|---|")
    for name, counts in calls.items():
        minimum = MINIMUM[name]
        add(f"| {name} | {sum(counts.values())}: {calls_text(counts)} | {sum(minimum.values())}: "
            f"{calls_text(minimum)} | {extra[name]} |")
    add("")
    add("The minimum, from DESIGN.md's lifecycle rules:")
    add("")
    add("- **Create** (one alias, no `CertificateArn`, no SSM): `GetDistributionConfig` of the reference (rule 2); "
        "`ListCertificates` in us-east-1, one page per 1,000 certificates (rule 3); `DescribeCertificate` only "
        "for a usable certificate whose summary lacks its SANs or says there are more, and that does not "
        "already cover every alias (rule 3; none when the summaries carry the SANs, as ACM's do); "
        "`CreateDistributionWithTags` (rule 5). With `SsmParameterPrefix`: one `PutParameter` per parameter (4) "
        "and region; SSM has no batch put.")
    add("- **Update** (a new origin): `GetDistributionConfig` of the clone (its ETag and `CallerReference`), "
        "`GetDistributionConfig` of the reference (re-read, re-plan), `ListCertificates` (the plan's "
        "certificate), `UpdateDistribution` with `IfMatch`. With SSM: the 4 `PutParameter` again.")
    add("- **Delete**: `GetDistribution` (config, ETag, status, ARN), `ListTagsForResource` (ownership), "
        "`UpdateDistribution` (disable), `GetDistribution` every poll until `Deployed` (one here; on AWS one "
        "per 12 s for the minutes CloudFront takes), `DeleteDistribution`. With SSM: `GetParameter` (do the "
        "parameters describe this clone?) and one `DeleteParameters`.")
    add(f"- **Summaries without SANs**: moto's own `ListCertificates` leaves the SANs out "
        f"(`emulator/server.py` adds them, as ACM sends them; the proxy takes them out for this row). "
        f"{minimum_describes()} of the {len(CERTIFICATES)} seeded certificates are usable and do not cover "
        "the alias by their domain name, so each needs one `DescribeCertificate`.")
    add("- **Baseline**: `GetDistributionConfig`, `ListCertificates` (one page), `CreateDistribution`. It has "
        "no Update or Delete, checks no SANs, expiry or key type, and does not tag what it creates.")
    add("")
    if teardown:
        add("### Teardown after `Deployed` (cfclone only)")
        add("")
        add(f"A clone that is still deploying (the emulator set to report `Deployed` {teardown['deploy_s']:.0f} s "
            "after each change: the creation, and again the Delete's disable), deleted with the shipped 12 s poll "
            "interval: cfclone deleted it "
            f"{teardown['after_deployed_s']:.1f} s after the disabled clone became `Deployed`; the Delete was answered "
            f"{teardown['delete_total_s']:.1f} s after the event, with {teardown['get_distribution_calls']} "
            "`GetDistribution` calls. The bound is one poll interval (12 s) plus two calls. The baseline never "
            "deletes anything.")
        add("")
    add("## 5. Certificate matching over 10,000 certificates")
    add("")
    add("cfclone: criterion (`provider/benches/certificates.rs`, `cargo bench -p cfclone --bench certificates`, "
        "the `bench` profile), median time per call over 10,000 summaries: exact names, wildcards, multi-name "
        "SANs, summaries without SANs or cut short, some expired, not issued or with key types CloudFront "
        "refuses; the matching certificates sit at the end, so every lookup scans the whole list. Baseline: "
        "its own `get_certificate_mapping` (over 10 in-memory pages of 1,000 summaries, no I/O) and "
        "`get_certificate_arn`, timed in Python with logging disabled (it logs a line per lookup).")
    add("")
    add("| Benchmark | Time per call |")
    add("|---|---|")
    for name, value in crit.items():
        add(f"| cfclone `{name}` | {us(value)} |")
    add(f"| baseline `get_certificate_arn` on a built dict | {us(match['lookup_s'])} |")
    add(f"| baseline `get_certificate_mapping` (dict from 10,000 summaries) + `get_certificate_arn` | "
        f"{us(match['build_and_lookup_s'])} |")
    add("")
    add("The baseline's lookup is a dict probe for the name and its one-label wildcard; it ignores SANs, expiry, "
        "key types and all but one alias, and keeps whichever certificate was listed last for a name. cfclone "
        "scans every certificate because each of those decides the choice.")
    add("")
    add("## 6. Lambda zip")
    add("")
    if zips:
        add("| Architecture | Zip | Command |")
        add("|---|---|---|")
        for arch, z in zips.items():
            size = f"{z['bytes']:,} bytes" if "bytes" in z else f"failed: {z['error']}"
            if z.get("note"):
                size += f" ({z['note']})"
            add(f"| {arch} | {size} | `{z['command']}` |")
    else:
        add("Not built in this run (`bash bench/run --no-zip`).")
    add("")
    if latency:
        add(f"## 7. Create at {latency['ms']} ms per call")
        add("")
        add(f"The emulator holds every AWS call {latency['ms']} ms before answering it (`POST /_cfclone/latency "
            f"{{\"ms\": {latency['ms']}}}`), standing in for the round trip to a regional control plane that "
            "loopback does not have. One warm process per side (one warm-up event), then "
            f"{len(latency['provider']['times'])} Creates per side, the two sides' events interleaved one by one; "
            "times as in row 3. Each side's calls per event come from `GET /_cfclone/calls` (cleared before "
            "every event); which of them were in flight together, from one more Create per side through the "
            "harness's proxy, which times every call (a call is in the round after the last call answered "
            "before it was sent). The floor is what the rounds alone cost: rounds × "
            f"{latency['ms']} ms.")
        add("")
        add("| | cfclone | Baseline |")
        add("|---|---|---|")
        pt, bt = latency["provider"]["times"], latency["baseline"]["times"]
        add(f"| Median | {ms(median(pt))} | {ms(median(bt))} |")
        add(f"| Min–max | {ms(min(pt))}–{ms(max(pt))} | {ms(min(bt))}–{ms(max(bt))} |")

        def calls_cell(side: str) -> str:
            shapes = Counter(tuple(c) for c in latency[side]["calls"])
            cells = [f"{len(shape)}: {', '.join(shape)}" + (f" (in {n} of {len(latency[side]['calls'])} events)"
                                                              if len(shapes) > 1 else "")
                     for shape, n in shapes.most_common()]
            return "; ".join(cells)

        def rounds_cell(side: str) -> str:
            return ", then ".join(" ‖ ".join(r) for r in latency[side]["rounds"])

        add(f"| AWS calls per event (`GET /_cfclone/calls`, in order answered) | {calls_cell('provider')} | "
            f"{calls_cell('baseline')} |")
        add(f"| Rounds (‖: in flight together) | {len(latency['provider']['rounds'])}: {rounds_cell('provider')} | "
            f"{len(latency['baseline']['rounds'])}: {rounds_cell('baseline')} |")
        fp, fb = floor_s(latency, "provider"), floor_s(latency, "baseline")
        add(f"| Round-trip floor (rounds × {latency['ms']} ms) | {ms(fp)} | {ms(fb)} |")
        add(f"| Median above the floor (the emulator's own work, each side's CPU, local HTTP) | "
            f"{ms(median(pt) - fp)} | {ms(median(bt) - fb)} |")
        add("")
        same = (Counter(len(c) for c in latency["provider"]["calls"]).most_common(1)[0][0]
                == Counter(len(c) for c in latency["baseline"]["calls"]).most_common(1)[0][0])
        add(("Both sides make as many calls; " if same else "")
            + f"cfclone's calls take {len(latency['provider']['rounds'])} rounds against the baseline's "
            f"{len(latency['baseline']['rounds'])}: it reads the reference and lists the certificates at the same "
            "time. What is above the floor is the emulator's own work per call (as in row 3), each side's CPU "
            "and loopback HTTP.")
        add("")
    if throttled:
        add("## 8. Throttled Create")
        add("")
        add("Before every run the harness clears the emulator's faults and call log and arms: CloudFront "
            "`Throttling` (HTTP 400) on 1 `GetDistributionConfig` and 2 `CreateDistributionWithTags` (the "
            "baseline calls `CreateDistribution`, so its 2 go there), ACM `ThrottlingException` on 2 "
            "`ListCertificates`. One Create end to end: a fresh process with the event waiting, as a cold "
            "Lambda, process start → response (cfclone: the ResponseURL PUT; baseline: `lambda_handler` "
            "returns); the two sides alternate run by run.")
        add("")
        add("| | cfclone | Baseline |")
        add("|---|---|---|")
        rows = {side: throttled[side] for side in ("provider", "baseline")}
        ok = {side: [r["total_s"] for r in rows[side] if r["status"] == "SUCCESS"] for side in rows}
        add(f"| Succeeded | {len(ok['provider'])}/{len(rows['provider'])} | "
            f"{len(ok['baseline'])}/{len(rows['baseline'])} |")
        fmt_s = lambda v, f: f"{f(v):.2f} s" if v else "—"  # noqa: E731
        add(f"| Median (successful runs) | {fmt_s(ok['provider'], median)} | {fmt_s(ok['baseline'], median)} |")
        add(f"| Min–max | {fmt_s(ok['provider'], min)}–{fmt_s(ok['provider'], max)} | "
            f"{fmt_s(ok['baseline'], min)}–{fmt_s(ok['baseline'], max)} |")

        def used(side: str) -> str:
            armed = sum(f["count"] for f in throttled["faults"])
            left = [r["faults_left"] for r in rows[side]]
            return f"{armed - max(left)}–{armed - min(left)} of {armed}" if len(set(left)) > 1 else \
                f"{armed - left[0]} of {armed}"

        add(f"| Throttles met per run | {used('provider')} | {used('baseline')} |")

        def attempts(side: str) -> str:
            total = Counter()
            for r in rows[side]:
                for op, by_status in r["calls"].items():
                    total[op] += sum(by_status.values())
            n = len(rows[side])
            return ", ".join(f"{op.split(' ', 1)[1]} {v / n:g}" for op, v in sorted(total.items()))

        add(f"| Requests per run (mean), throttled ones included | {attempts('provider')} | "
            f"{attempts('baseline')} |")
        add("| Retry policy | the SDK's standard mode: 8 attempts, backoff with full jitter from 1 s, at most 10 s "
            "(`provider/src/aws/sdk.rs`, `retry_config`); CloudFront's client with a retry quota that never runs "
            f"dry | boto3 {data['boto3']}'s default: standard mode, 3 attempts, full jitter from 1 s for "
            "throttles, at most 20 s, 500-token quota |")
        failures = [r for side in rows for r in rows[side] if r["status"] != "SUCCESS"]
        add("")
        if failures:
            for side in rows:
                reasons = Counter(r["reason"] for r in rows[side] if r["status"] != "SUCCESS")
                for reason, n in reasons.items():
                    add(f"- {'cfclone' if side == 'provider' else 'Baseline'} failed {n}×: {reason}")
            add("")
        add("Expected, with full jitter: each retry waits a uniform share of 1 s, then 2 s, …, so the 2 "
            "create throttles cost about 0.5 + 1 s and the reads (reference and certificates, cfclone in "
            "parallel) about as much again. Before the provider moved to standard mode it used the SDK's adaptive "
            "mode, under which the same Create took about 50 s on this emulator (a previous session's "
            "measurement, quoted in `provider/src/aws/sdk.rs`; not measured in this run).")
        add("")
    if burst:
        add("## 9. Burst under heavy throttling")
        add("")
        add(f"{burst['size']} Creates at once: {burst['size']} fresh provider processes, each with its own event "
            f"waiting and a {burst['timeout_s']} s deadline in the Runtime API's `Lambda-Runtime-Deadline-Ms` (a "
            f"{burst['timeout_s']}-second function), started together; CloudFront answers `Throttling` to the "
            "first 30 `CreateDistributionWithTags` and the first 10 `GetDistributionConfig` calls, whoever "
            "makes them. Then the baseline the same way (10 fresh Python processes, throttles on its "
            f"`CreateDistribution`), faults re-armed; {len(burst['rounds'])} burst{'s' if len(burst['rounds']) != 1 else ''} per side, in turn. Times: "
            "each process's start → its response. A measurement, not a pass/fail.")
        add("")
        add("| Burst | cfclone: succeeded; slowest; median | throttles met | Baseline: succeeded; slowest; median | "
            "throttles met |")
        add("|---|---|---|---|---|")
        armed = sum(f["count"] for f in burst["faults"])
        for i, rnd in enumerate(burst["rounds"], 1):
            one = {"rounds": [rnd], "size": burst["size"]}
            add(f"| {i} | {burst_stats(one, 'provider')} | {armed - rnd['provider_faults_left']} of {armed} | "
                f"{burst_stats(one, 'baseline')} | {armed - rnd['baseline_faults_left']} of {armed} |")
        add(f"| All | {burst_stats(burst, 'provider')} | | {burst_stats(burst, 'baseline')} | |")
        add("")
        for side, label in (("provider", "cfclone"), ("baseline", "Baseline")):
            reasons = Counter(r["reason"] for rnd in burst["rounds"] for r in rnd[side] if r["status"] != "SUCCESS")
            for reason, n in reasons.items():
                add(f"- {label}: {n} of {sum(len(rnd[side]) for rnd in burst['rounds'])} failed: {reason}")
        over = [t for rnd in burst["rounds"] for t in [r["total_s"] for r in rnd["provider"]] if t and
                t > burst["timeout_s"]]
        add(f"- cfclone answers over the {burst['timeout_s']} s timeout: {len(over)}.")
        add("- The throttles are a fixed number, first come first served: 30 create throttles among 10 clients "
            "that make at most 3 attempts per call (boto3's default) can refuse every attempt of every client; "
            "a cfclone process, with 8 attempts per call, fails only if it meets 8 of them in one call. On AWS the throttling lasts as long as the rate "
            "stays high, not for a fixed count.")
        add("")
    add("## What is and is not measured")
    add("")
    for note in NOTES:
        add(f"- {note}")
    add("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--baseline", required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warm", type=int, default=50)
    parser.add_argument("--logs", required=True)
    parser.add_argument("--criterion", required=True, help="JSON file: benchmark name → seconds")
    parser.add_argument("--zips", required=True, help="JSON file: arch → {bytes, command} or {error}")
    parser.add_argument("--command", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--json-out")
    parser.add_argument("--provider-env", action="append", default=[], metavar="KEY=VALUE",
                        help="extra environment for the provider (experiments)")
    parser.add_argument("--latency-runs", type=int, default=20, help="warm Creates per side at 50 ms latency")
    parser.add_argument("--throttle-runs", type=int, default=10, help="throttled Creates per side")
    parser.add_argument("--burst-rounds", type=int, default=3, help="bursts of 10 concurrent Creates per side")
    parser.add_argument("--only", help="comma-separated phases: calls,cold,warm,match,teardown,latency,"
                        "throttled,burst")
    parser.add_argument("--render", metavar="JSON",
                        help="write the report from a previous run's --json-out, measuring nothing")
    args = parser.parse_args()
    if args.render:
        with open(args.render) as saved, open(args.out, "w") as out:
            out.write(report(args, json.load(saved)))
        log(f"wrote {args.out} from {args.render}")
        return
    args.binary = os.path.abspath(args.binary)
    EXTRA_ENV.update(kv.split("=", 1) for kv in args.provider_env)
    os.makedirs(args.logs, exist_ok=True)

    import boto3
    import moto as moto_package

    data = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": args.command,
        "machine": machine(),
        "load": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
        "boto3": boto3.__version__,
        "moto": moto_package.__version__,
        "criterion": json.load(open(args.criterion)),
        "zips": json.load(open(args.zips)),
    }
    other = OtherWork()
    log("starting moto and seeding the reference distribution and certificates")
    moto = Moto(args.logs)
    proxy = CountingProxy(moto.port)
    phases = set(args.only.split(",")) if args.only else {"calls", "cold", "warm", "match", "teardown", "latency",
                                                              "throttled", "burst"}
    try:
        seeded = seed(moto.url)
        reference = seeded["reference"]
        log(f"reference distribution {reference}, {len(seeded['certificates'])} certificates")
        if "calls" in phases or "warm" in phases:
            data["calls"] = measure_calls(args, proxy, reference, seeded, moto.url)
            log(f"API calls: {json.dumps(data['calls'])}")
        if "cold" in phases:
            data["cold"] = measure_cold(args, moto.url, reference)
            data["roots"] = measure_roots(args, moto.url, reference)
        if "warm" in phases:
            data["warm"] = measure_warm(args, moto.url, reference, "moto")
            proxy.replay = True
            data["warm_replay"] = measure_warm(args, proxy.url, reference, "replay")
            proxy.replay = False
        if "match" in phases:
            data["match"] = measure_match(args)
        if "teardown" in phases:
            data["teardown"] = measure_teardown(args, moto, reference)
        if "latency" in phases:
            data["latency"] = measure_latency(args, moto, proxy, reference)
        if "throttled" in phases:
            data["throttled"] = measure_throttled(args, moto, reference)
        if "burst" in phases:
            data["burst"] = measure_burst(args, moto, reference)
    finally:
        proxy.stop()
        moto.stop()
        data["other_work"] = other.finish()
        data["load_end"] = " / ".join(f"{x:.2f}" for x in os.getloadavg())
        data["counts"] = {"runs": args.runs, "warm": args.warm, "latency_runs": args.latency_runs,
                          "throttle_runs": args.throttle_runs, "burst_rounds": args.burst_rounds}
    if args.json_out:
        with open(args.json_out, "w") as out:
            json.dump(data, out, indent=1, default=str)
    if args.only:
        log("a partial run (--only) writes no report")
        return
    with open(args.out, "w") as out:
        out.write(report(args, data))
    log(f"wrote {args.out}")


NOTES = [
    "The emulator is plain HTTP on loopback: no TLS handshake, DNS lookup or TCP round trip to a region happens "
    "on either side (row 7 adds a fixed 50 ms per call to stand in for the round trip), and in Lambda each adds "
    "the same network time to both. What TLS costs before the first "
    "handshake is measured all the same: cfclone loads its trust roots at start-up whatever the endpoint "
    "(see above), and boto3 loads certifi's bundle only when it opens its first HTTPS connection, which "
    "it never does here — so the baseline's cold time here lacks that cost and cfclone's includes it.",
    "Lambda's own init (fetching the code, starting the sandbox, the Python runtime's bootstrap) is outside "
    "both processes and adds alike to both.",
    "Both take credentials and region from environment variables, as in Lambda, so neither credential chain "
    "reaches IMDS or a profile file.",
    "Throttles (rows 8–9) are the emulator's answers, not AWS's rate limits: a fixed number of calls is "
    "refused, whoever makes them, and then every call goes through; AWS keeps throttling while the rate stays "
    "high.",
    "Wall times include moto, one Python server answering both sides; the CPU-time and replay rows show each "
    "side's own work. Timings vary with the machine's other load; cold runs alternate between the two sides so "
    "that both see the same.",
]


if __name__ == "__main__":
    main()
