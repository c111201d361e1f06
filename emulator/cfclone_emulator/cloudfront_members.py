"""Configuration members newer than the client: a distribution can be given XML members
that no model in this process knows, as CloudFront's answers would hold a member added to
DistributionConfig after the SDK a client was built with (the DistributionConfig
reference, https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html,
lists members such as ConnectionMode, TenantConfig and ViewerMtlsConfig that older SDKs
do not have).

POST /_cfclone/cloudfront/unknown-members {"distribution_id": ID, "xml": "<A>..</A>",
"before": "</CustomOriginConfig>"} makes GetDistribution and GetDistributionConfig of that
distribution answer the XML before the first `before` of its configuration (default: as
the last members of its DistributionConfig). A real case: `OriginHttpVersion` of
CustomOriginConfig, in botocore's model, which aws-sdk-cloudfront 1.141 does not have ("If
you use a version of an AWS SDK or the AWS CLI that doesn't support this field, an update
that sends back a configuration you got from CloudFront removes the value", the member's
documentation in botocore's cloudfront/2020-05-31 model). A successful UpdateDistribution of it drops
them: "The new configuration replaces the existing configuration. The values that you
specify in an UpdateDistribution request are not merged into your existing
configuration" (UpdateDistribution reference,
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdateDistribution.html),
and the request cannot carry members the client's model does not have.
"""

from __future__ import annotations

import re
import threading
from typing import Any, Callable, Iterable

from . import wire

_lock = threading.Lock()
_extra: dict[str, tuple[bytes, bytes]] = {}  # id -> (xml, the closing tag it goes before)

_READS = {"GetDistribution", "GetDistributionConfig"}
_ID = re.compile(r"^/2020-05-31/distribution/([^/]+)")


def set_unknown_members(distribution_id: str, xml: str,
                        before: str = "</DistributionConfig>") -> dict:
    """Gives `distribution_id` these members (replacing any given before; "" removes)."""
    if not all(isinstance(v, str) for v in (distribution_id, xml, before)):
        raise ValueError('"distribution_id", "xml" and "before" are strings')
    if not re.fullmatch(r"</\w+>", before):
        raise ValueError('"before" is a closing tag, such as "</CustomOriginConfig>"')
    with _lock:
        if xml:
            _extra[distribution_id] = (xml.encode(), before.encode())
        else:
            _extra.pop(distribution_id, None)
    return {"distribution_id": distribution_id, "xml": xml, "before": before}


class Middleware:
    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if wire.service_of(environ) != "cloudfront":
            return self.app(environ, start_response)
        match = _ID.match(environ.get("PATH_INFO", ""))
        with _lock:
            extra = _extra.get(match.group(1)) if match else None
        if extra is None:
            return self.app(environ, start_response)
        try:
            operation = wire.operation_of("cloudfront", environ)
        except Exception:  # noqa: BLE001 — moto answers what cannot be placed
            operation = None
        if operation not in _READS and operation != "UpdateDistribution":
            return self.app(environ, start_response)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list, *args: Any) -> Callable:
            captured.update(status=status, headers=headers)
            return lambda _data: None

        answer = self.app(environ, capture)
        body = b"".join(answer)
        if hasattr(answer, "close"):
            answer.close()
        ok = captured["status"].startswith("200")
        if ok and operation == "UpdateDistribution":
            with _lock:
                _extra.pop(match.group(1), None)
        elif ok and operation in _READS:
            xml, before = extra
            config = body.find(b"<DistributionConfig")
            at = body.find(before, config) if config >= 0 else -1
            if at >= 0:
                body = body[:at] + xml + body[at:]
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(body))))
        start_response(captured["status"], headers)
        return [body]
