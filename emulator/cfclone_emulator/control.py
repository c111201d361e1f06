"""The control API (faults, latency, a log of calls) as a WSGI middleware around moto.

Served by the emulator's own process under /_cfclone/, a path no AWS service uses:

  POST   /_cfclone/faults   {"service": "cloudfront", "operation": "UpdateDistribution",
                             "code": "Throttling", "status": 400, "message": "Rate exceeded",
                             "count": 3}
         Adds a fault. `operation` absent: every operation of the service. `status` and
         `message` absent: the code's status in the service's model, else a table in
         wire.py (Throttling 400, ServiceUnavailable 503, InternalError 500, AccessDenied
         403, …, otherwise 400), and a stock message. `count` absent: 1; -1: until cleared.
         Each matching AWS request uses one up and is answered with the error in the
         service's own wire shape (wire.error_response) without reaching moto.
         With "rate": n (calls a second) instead of a count, the fault is a token bucket
         that holds "burst" calls (default: one second's worth) and refills at n a second:
         a matching call that finds a token takes it and goes through; one that finds none
         is answered with the error, until cleared. AWS publishes no such rate for
         CloudFront; this is a test's setting, so that backing off spares calls as it does
         on AWS (a count-based fault is met by whichever calls come first).
  GET    /_cfclone/faults   the faults still armed, with what is left of their counts
  DELETE /_cfclone/faults   clears them
  POST   /_cfclone/latency  {"ms": 50}: wait that long before answering every AWS call
         (not control or /moto-api/ calls); {"ms": 0} turns it off
  GET    /_cfclone/latency  {"ms": …}
  GET    /_cfclone/calls    [{"service", "operation", "status"}, …] of every AWS call
         answered so far, in order; `status` is the HTTP status answered. With
         ?detail=iam each also says how IAM would see it (iam.describe): "region",
         "account" (moto's, from the access key), "access_key", "trace_id"
         (X-Amzn-Trace-Id: the SDK in a Lambda sends the invocation's), "user_agent",
         and "iam": {"actions": [{"action", "kind", "resources": [{"arn", "tags"}]}],
         "context": {aws:RequestTag/…, aws:TagKeys, service keys}}, or null for an
         operation iam.ACTIONS does not map
  DELETE /_cfclone/calls    forgets them
  GET    /_cfclone/calls/all every call since the emulator started, DELETE or not
  GET    /_cfclone/validation {"checked": n, "refused": [{"service", "operation", "code",
         "message"}, …], "unchecked": [{"service", "operation", "method", "path", "reason"}, …]}:
         the requests checked against botocore's models (validation.py); DELETE forgets them
  POST   /_cfclone/acm/certificate {"arn": …, "type": "PRIVATE" | "IMPORTED" |
         "AMAZON_ISSUED", "managed_by": "CLOUDFRONT" or "", "status": "ISSUED" | …}
  POST   /_cfclone/acm/limits {"page": 2, "sans": 1}: ListCertificates answers pages of
         at most `page` summaries and `sans` names per summary (defaults 1000 and 100),
         so that tests reach paging and cut-short summaries with a few certificates
  POST   /_cfclone/acm/validation {"timeout_s": 5, "caa": ["example.org"], "record_after": 2,
         "quota": 10, "names": 10, "describe_after_s": 3, "reset": true}: DNS validation's
         slow or third-party parts (acm_validation.set_validation): `names` the quota of
         names per certificate, `describe_after_s` how long DescribeCertificate does not
         find a new certificate; every member optional; answers the settings
  POST   /_cfclone/cloudfront/tenant {"id": "dt_…", "domains": ["www.example.com"],
         "account": "210987654321", "certificate_arn": "…"}: a distribution tenant
         (moto has none) holding those domains, which ListDomainConflicts reports
         (cloudfront_aliases.py); `account` defaults to moto's, the certificate to none

Answers are JSON: 200 with the resulting state, 400 {"error": …} for a bad request,
404 for an unknown control path. Everything is guarded by one lock: moto's server is
threaded.
"""

from __future__ import annotations

import http
import json
import math
import threading
import time
from typing import Any, Callable, Iterable

from . import (acm, acm_validation, cloudformation, cloudfront_aliases, cloudfront_members, iam,
               validation, wire)

PREFIX = "/_cfclone/"


class State:
    def __init__(self, latency_ms: float = 0) -> None:
        self.lock = threading.Lock()
        self.faults: list[dict[str, Any]] = []
        self.latency_ms = latency_ms
        self.calls: list[dict[str, Any]] = []
        # Every call since the start, never forgotten (the IAM evaluation reads it).
        self.journal: list[dict[str, Any]] = []

    def add_fault(self, spec: dict) -> dict:
        if not isinstance(spec.get("service"), str) or not isinstance(spec.get("code"), str):
            raise ValueError('a fault needs "service" and "code" (strings)')
        service, code = spec["service"], spec["code"]
        fault = {
            "service": service,
            "operation": spec.get("operation"),
            "code": code,
            "status": int(spec.get("status") or wire.default_status(service, code)),
            "message": spec.get("message") or wire.default_message(code),
            "count": int(spec.get("count", 1)),
        }
        if "rate" in spec:
            rate = float(spec["rate"])
            burst = float(spec["burst"]) if spec.get("burst") is not None else max(rate, 1.0)
            if not (math.isfinite(rate) and rate > 0 and math.isfinite(burst) and burst >= 1):
                raise ValueError('"rate" is a positive number and "burst" at least 1')
            fault.update(count=-1, rate=rate, burst=burst, tokens=burst,
                         refilled=time.monotonic(), passed=0, refused=0)
        elif fault["count"] == 0 or fault["count"] < -1:
            raise ValueError('"count" is a positive number, or -1 for until cleared')
        with self.lock:
            self.faults.append(fault)
        return fault

    def take_fault(self, service: str, operation: str | None) -> dict | None:
        with self.lock:
            for fault in self.faults:
                if fault["service"] == service and fault["operation"] in (None, operation):
                    if "rate" in fault and _take_token(fault):
                        continue
                    if fault["count"] > 0:
                        fault["count"] -= 1
                        if fault["count"] == 0:
                            self.faults.remove(fault)
                    return dict(fault)
        return None

    def record(self, service: str, operation: str | None, status: int,
               described: dict[str, Any] | None = None) -> dict[str, Any]:
        call = {"service": service, "operation": operation, "status": status,
                **(described or {})}
        with self.lock:
            self.calls.append(call)
            self.journal.append(call)
        return call


def _take_token(fault: dict) -> bool:
    """Whether the rate fault's bucket lets this call through (a token taken), counting
    what it passed and refused."""
    now = time.monotonic()
    fault["tokens"] = min(fault["burst"], fault["tokens"] + (now - fault["refilled"]) * fault["rate"])
    fault["refilled"] = now
    if fault["tokens"] >= 1:
        fault["tokens"] -= 1
        fault["passed"] += 1
        return True
    fault["refused"] += 1
    return False


def _status_line(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Error"


def _json(start_response: Callable, status: int, value: Any) -> list[bytes]:
    body = json.dumps(value).encode()
    start_response(_status_line(status), [("Content-Type", "application/json"),
                                          ("Content-Length", str(len(body)))])
    return [body]


class Middleware:
    def __init__(self, app: Callable, state: State) -> None:
        self.app = app
        self.state = state

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(PREFIX):
            return self.control(environ, start_response)
        service = wire.service_of(environ)
        if service is None or path.startswith("/moto-api"):
            return self.app(environ, start_response)
        try:
            operation = wire.operation_of(service, environ)
        except Exception:  # an odd request is still moto's to answer
            operation = None
        try:
            described = iam.describe(service, operation, environ)
        except Exception as e:  # noqa: BLE001 - the call still goes to moto
            described = {"iam": None, "iam_error": f"{type(e).__name__}: {e}"}
        with self.state.lock:
            latency = self.state.latency_ms
        if latency:
            time.sleep(latency / 1000)
        fault = self.state.take_fault(service, operation)
        if fault is not None:
            environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))  # drained
            headers, body = wire.error_response(service, fault["code"], fault["status"],
                                                fault["message"])
            headers["Content-Length"] = str(len(body))
            self.state.record(service, operation, fault["status"], described)
            start_response(_status_line(fault["status"]), list(headers.items()))
            return [body]

        recorded: list[dict[str, Any]] = []

        def recording_start_response(status: str, headers: list, *args: Any) -> Any:
            recorded.append(self.state.record(service, operation, int(status.split(" ", 1)[0]),
                                              described))
            return start_response(status, headers, *args)

        answer = self.app(environ, recording_start_response)
        if not iam.wants_answer(described):
            return answer
        body = b"".join(answer)  # what the call created (its ARN) is in the answer
        if hasattr(answer, "close"):
            answer.close()
        if recorded:
            with self.state.lock:
                iam.complete(recorded[0], recorded[0]["status"], body)
        return [body]

    def control(self, environ: dict, start_response: Callable) -> list[bytes]:
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"][len(PREFIX):]
        state = self.state
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = json.loads(environ["wsgi.input"].read(length) or b"{}")
            if not isinstance(body, dict):
                raise ValueError("the body is a JSON object")
            if path == "faults" and method == "POST":
                return _json(start_response, 200, state.add_fault(body))
            if path == "faults" and method in ("GET", "DELETE"):
                with state.lock:
                    if method == "DELETE":
                        state.faults.clear()
                    return _json(start_response, 200, [dict(f) for f in state.faults])
            if path == "latency" and method == "POST":
                ms = float(body["ms"])
                if ms < 0:
                    raise ValueError('"ms" is not negative')
                with state.lock:
                    state.latency_ms = ms
            if path == "latency" and method in ("GET", "POST"):
                with state.lock:
                    return _json(start_response, 200, {"ms": state.latency_ms})
            if path == "calls/all" and method == "GET":
                with state.lock:
                    return _json(start_response, 200, list(state.journal))
            if path == "calls" and method in ("GET", "DELETE"):
                with state.lock:
                    if method == "DELETE":
                        state.calls.clear()
                    if "detail=iam" in environ.get("QUERY_STRING", ""):
                        return _json(start_response, 200, list(state.calls))
                    brief = ("service", "operation", "status")
                    return _json(start_response, 200,
                                 [{k: c[k] for k in brief} for c in state.calls])
            if path == "validation" and method in ("GET", "DELETE"):
                if method == "DELETE":
                    validation.reset()
                return _json(start_response, 200, validation.report())
            if path == "acm/limits" and method == "POST":
                return _json(start_response, 200, acm.set_limits(body.get("page"), body.get("sans")))
            if path == "acm/validation" and method == "POST":
                return _json(start_response, 200, acm_validation.set_validation(
                    body.get("timeout_s"), body.get("caa"), body.get("record_after"),
                    body.get("quota"), bool(body.get("reset")), body.get("names"),
                    body.get("describe_after_s")))
            if path == "cloudformation/stack-status" and method == "POST":
                return _json(start_response, 200, cloudformation.set_stack_status(
                    body["stack_id"], body["status"]))
            if path == "cloudfront/unknown-members" and method == "POST":
                return _json(start_response, 200, cloudfront_members.set_unknown_members(
                    body["distribution_id"], body["xml"],
                    body.get("before", "</DistributionConfig>")))
            if path == "cloudfront/tenant" and method == "POST":
                return _json(start_response, 200, cloudfront_aliases.add_tenant(body))
            if path == "acm/certificate" and method == "POST":
                acm.set_certificate(body["arn"], body.get("type"), body.get("managed_by"),
                                    body.get("status"))
                return _json(start_response, 200, {"arn": body["arn"]})
        except KeyError as e:
            return _json(start_response, 400, {"error": f"missing or unknown: {e}"})
        except (ValueError, TypeError) as e:
            return _json(start_response, 400, {"error": str(e)})
        return _json(start_response, 404, {"error": f"no control call {method} {PREFIX}{path}"})
