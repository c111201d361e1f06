"""Runs the baseline Lambda (the original boto3 code) in this fresh Python process, as
Lambda's Python runtime would, and prints one JSON line of measurements.

Usage: python bench/baseline_child.py BASELINE_PY MODE ARG
  cold EVENT_JSON   import the module, call lambda_handler once (an exception it raises,
                    or its exit(1), is reported as "error" in the result)
  warm EVENT_JSON:N import, call once to warm up, then N timed calls; "{n}" in the
                    event's domain is replaced by a fresh number per call (CloudFront
                    refuses an alias another distribution has)
  serve -           import, print {"ready": ...}, then for every line of stdin (an
                    event) call lambda_handler and print {"s", "result", "error"}
  match N           the baseline's own certificate matching over N summaries

Clocks: time.monotonic() is CLOCK_MONOTONIC, the same clock the harness reads, so the
harness can subtract its own timestamp taken before it started this process.
"""

import importlib.util
import json
import logging
import resource
import sys
import time

STARTED = time.monotonic()


class Context:
    def __init__(self, request_id: str):
        self.aws_request_id = request_id
        self.function_name = "seed-clone-baseline"
        self.memory_limit_in_mb = 128


def peak_rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load(path: str):
    spec = importlib.util.spec_from_file_location("seed_clone_lambda", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def call(module, event: dict, request_id: str):
    """lambda_handler's result; what it raised (or its exit) as {"error": ...}."""
    try:
        return module.lambda_handler(event, Context(request_id))
    except BaseException as error:  # noqa: BLE001 - the baseline calls exit(1) on no certificate
        return {"error": f"{type(error).__name__}: {error}"}


def with_domain(event: dict, n) -> dict:
    params = dict(event["queryStringParameters"])
    params["domain"] = params["domain"].replace("{n}", str(n))
    return {**event, "queryStringParameters": params}


def cold(path: str, event: dict) -> dict:
    module = load(path)
    imported = time.monotonic()
    imported_cpu = cpu_seconds()
    result = call(module, event, "cold-0")
    done = time.monotonic()
    return {
        "started": STARTED,
        "imported": imported,
        "done": done,
        "peak_rss_kb": peak_rss_kb(),
        "cpu_s": cpu_seconds(),
        "imported_cpu_s": imported_cpu,
        "result": result,
    }


def warm(path: str, event: dict, count: int) -> dict:
    module = load(path)
    module.lambda_handler(with_domain(event, "up"), Context("warm-up"))
    events = [with_domain(event, i) for i in range(count)]
    times = []
    cpu_before = cpu_seconds()
    for i in range(count):
        t0 = time.monotonic()
        result = module.lambda_handler(events[i], Context(f"warm-{i}"))
        times.append(time.monotonic() - t0)
        if result.get("statusCode") != 200:
            raise SystemExit(f"warm call {i}: {result}")
    return {"times": times, "cpu_s": cpu_seconds() - cpu_before}


def serve(path: str) -> None:
    module = load(path)
    sys.stdout.write(json.dumps({"ready": time.monotonic()}) + "\n")
    sys.stdout.flush()
    for i, line in enumerate(sys.stdin):
        event = json.loads(line)
        t0 = time.monotonic()
        result = call(module, event, f"serve-{i}")
        t1 = time.monotonic()
        sys.stdout.write(json.dumps({"s": t1 - t0, "result": result}, default=str) + "\n")
        sys.stdout.flush()


def summaries(count: int) -> list:
    """ACM summaries shaped like the ones in the Rust benchmark: many tenants, exact,
    wildcard and www names; the lookup's wildcard sits at the end of the list."""
    out = []
    state = 0x00C0FFEE

    def rnd(n: int) -> int:
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return (state >> 33) % n

    for i in range(count - 1):
        tenant = f"tenant{i}.example{i % 97}.com"
        kind = rnd(4)
        domain = {0: tenant, 1: f"*.{tenant}", 2: tenant, 3: f"www.{tenant}"}[kind]
        out.append(
            {
                "CertificateArn": f"arn:aws:acm:us-east-1:123456789012:certificate/{i:08x}",
                "DomainName": domain,
            }
        )
    out.append(
        {
            "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/shop-wildcard",
            "DomainName": "*.shop.example.com",
        }
    )
    return out


def per_call(fn, budget_s: float = 1.0) -> float:
    """Median seconds per call of fn over batches that fill about budget_s."""
    fn()
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        if time.perf_counter() - t0 > 0.05:
            break
        n *= 2
    samples = []
    end = time.perf_counter() + budget_s
    while time.perf_counter() < end or len(samples) < 5:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter() - t0) / n)
    samples.sort()
    return samples[len(samples) // 2]


def match(path: str, count: int) -> dict:
    module = load(path)
    # Matching, not log output, is measured: the baseline logs one INFO line per lookup.
    logging.disable(logging.CRITICAL)
    certs = summaries(count)
    pages = [certs[i : i + 1000] for i in range(0, len(certs), 1000)]

    class FakeAcm:
        """The baseline's own paging loop over in-memory pages (no I/O)."""

        def list_certificates(self, **kwargs):
            index = int(kwargs.get("NextToken", "0"))
            page = {"CertificateSummaryList": list(pages[index])}
            if index + 1 < len(pages):
                page["NextToken"] = str(index + 1)
            return page

    module.acm_client = FakeAcm()
    mapping = module.get_certificate_mapping()
    domain = "eu.shop.example.com"
    assert module.get_certificate_arn(mapping, domain).endswith("shop-wildcard")
    lookup = per_call(lambda: module.get_certificate_arn(mapping, domain))
    build_and_lookup = per_call(
        lambda: module.get_certificate_arn(module.get_certificate_mapping(), domain)
    )
    return {"count": count, "lookup_s": lookup, "build_and_lookup_s": build_and_lookup}


def main() -> None:
    path, mode, arg = sys.argv[1], sys.argv[2], sys.argv[3]
    if mode == "cold":
        out = cold(path, json.loads(arg))
    elif mode == "warm":
        event, count = arg.rsplit(":", 1)
        out = warm(path, json.loads(event), int(count))
    elif mode == "serve":
        serve(path)
        return
    elif mode == "match":
        out = match(path, int(arg))
    else:
        raise SystemExit(f"unknown mode {mode}")
    sys.stdout.write(json.dumps(out, default=str) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
