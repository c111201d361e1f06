"""Which AWS service and operation a request is, and an error in that service's own wire
shape.

The service is the SigV4 credential scope's (`Credential=AKID/20261201/us-east-1/
cloudfront/aws4_request`, in the Authorization header or a pre-signed URL's
X-Amz-Credential); a SigV2 signature (`AWS AKID:…`, `AWSAccessKeyId=`) is S3's. The
operation comes from botocore's model of that service: the `X-Amz-Target` header for
JSON protocols (ACM, SSM), `Action` for query protocols (STS), and for REST protocols
(CloudFront, Lambda, S3) the operation whose HTTP method, request URI template, query
keys and required header/query members fit the request best — e.g.
`POST /2020-05-31/distribution?WithTags` is CreateDistributionWithTags and
`POST /2015-03-31/functions/{name}/invocations` is Invoke.

Error shapes, as in the AWS protocol documentation
(https://smithy.io/2.0/aws/protocols/index.html) and the services' references:
* rest-xml / query: `<ErrorResponse xmlns=…><Error><Type>Sender</Type><Code>…</Code>
  <Message>…</Message></Error><RequestId>…</RequestId></ErrorResponse>`, header
  x-amzn-RequestId (CloudFront's namespace http://cloudfront.amazonaws.com/doc/2020-05-31/);
  `Receiver` for 5xx.
* S3: `<Error><Code>…</Code><Message>…</Message><RequestId>…</RequestId><HostId>…</HostId>
  </Error>`, headers x-amz-request-id and x-amz-id-2.
* json (1.0 / 1.1): `{"__type": code, "message": …}`, content-type
  application/x-amz-json-1.1 (or 1.0), header x-amzn-ErrorType.
* rest-json (Lambda): header x-amzn-ErrorType, body `{"Type": "User", "message": …}`
  (`Service` for 5xx).
"""

from __future__ import annotations

import functools
import io
import json
import re
import uuid
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

import botocore.session

_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")

# Status of common codes that a service's model does not declare (S3 declares few).
DEFAULT_STATUS = {
    "Throttling": 400, "ThrottlingException": 400, "TooManyRequestsException": 429,
    "SlowDown": 503, "RequestLimitExceeded": 503, "ServiceUnavailable": 503,
    "ServiceUnavailableException": 503, "InternalError": 500, "InternalFailure": 500,
    "InternalServerError": 500, "InternalServiceError": 500, "ServiceException": 500,
    "AccessDenied": 403, "AccessDeniedException": 403, "RequestTimeout": 400,
}
DEFAULT_MESSAGE = {
    "Throttling": "Rate exceeded", "ThrottlingException": "Rate exceeded",
    "TooManyRequestsException": "Rate exceeded", "SlowDown": "Please reduce your request rate.",
    "ServiceUnavailable": "Service Unavailable", "ServiceUnavailableException": "Service Unavailable",
    "InternalError": "We encountered an internal error. Please try again.",
    "InternalFailure": "We encountered an internal error. Please try again.",
    "AccessDenied": "Access Denied", "AccessDeniedException": "Access Denied",
}


def service_of(environ: dict) -> str | None:
    """The service of a signed request (header or pre-signed URL), else None."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    query = environ.get("QUERY_STRING", "")
    if "X-Amz-Credential" in query:
        auth += " Credential=" + (parse_qs(query).get("X-Amz-Credential") or [""])[0]
    match = _SCOPE.search(auth)
    if match:
        return match.group(2)
    if auth.startswith("AWS ") or "AWSAccessKeyId=" in query:  # SigV2: only S3 has it left
        return "s3"
    return None


@functools.lru_cache(maxsize=None)
def _model(service: str) -> Any:
    try:
        return botocore.session.get_session().get_service_model(service)
    except Exception:  # a signing name botocore does not know as a service name
        return None


@functools.lru_cache(maxsize=None)
def _routes(service: str) -> list[tuple]:
    """(method, path regex, literal length, required query items, required headers,
    required query members, operation name) for each operation of a REST service."""
    model = _model(service)
    routes = []
    for name in model.operation_names:
        op = model.operation_model(name)
        path, _, query = op.http["requestUri"].partition("?")
        pattern = re.sub(r"\\\{[^}]+?\\\+\\\}", ".+", re.escape(path))
        pattern = re.sub(r"\\\{[^}]+?\\\}", "[^/]+", pattern)
        literal = len(re.sub(r"\{[^}]+\}", "", path))
        needed = [tuple(item.split("=", 1)) for item in query.split("&") if item]
        headers, params = [], []
        if op.input_shape is not None:
            for member in op.input_shape.required_members:
                shape = op.input_shape.members[member]
                where = shape.serialization.get("location")
                wire_name = shape.serialization.get("name", member)
                if where == "header":
                    headers.append("HTTP_" + wire_name.upper().replace("-", "_"))
                elif where == "querystring":
                    params.append(wire_name)
        # A trailing slash either way: botocore's Route 53 model ends paths with one
        # (`…/rrset/`), the Smithy models the Rust SDK is built from do not.
        routes.append((op.http["method"], re.compile(pattern.rstrip("/") + "/?"), literal, needed,
                       headers, params, name))
    return routes


def _rest_operation(service: str, environ: dict) -> str | None:
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "/") or "/"
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    best, best_score = None, -1
    for verb, regex, literal, needed, headers, params, name in _routes(service):
        if verb != method or not regex.fullmatch(path):
            continue
        if any(k not in query or (v and v[0] not in query[k]) for k, *v in needed):
            continue
        if any(h not in environ for h in headers) or any(p not in query for p in params):
            continue
        score = literal + 1000 * (len(needed) + len(headers) + len(params))
        if score > best_score:
            best, best_score = name, score
    return best


def _form_action(environ: dict) -> str | None:
    """`Action` of a query-protocol request; the body is put back for moto to read."""
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if "Action" in query:
        return query["Action"][0]
    if "x-www-form-urlencoded" not in environ.get("CONTENT_TYPE", ""):
        return None
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    environ["wsgi.input"] = io.BytesIO(body)
    return (parse_qs(body.decode("utf-8", "replace")).get("Action") or [None])[0]


def operation_of(service: str, environ: dict) -> str | None:
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.rsplit(".", 1)[-1]
    model = _model(service)
    if model is None:
        return None
    if model.protocol == "query" or model.protocol == "ec2":
        return _form_action(environ)
    if model.protocol.startswith("rest"):
        return _rest_operation(service, environ)
    return None


def default_status(service: str, code: str) -> int:
    model = _model(service)
    if model is not None and code in model.shape_names:
        status = model.shape_for(code).metadata.get("error", {}).get("httpStatusCode")
        if status:
            return int(status)
    return DEFAULT_STATUS.get(code, 400)


def default_message(code: str) -> str:
    return DEFAULT_MESSAGE.get(code, code)


def error_response(service: str, code: str, status: int, message: str) -> tuple[dict, bytes]:
    """Headers and body of an error in `service`'s wire shape."""
    request_id = str(uuid.uuid4())
    model = _model(service)
    protocol = model.protocol if model is not None else "json"
    sender = status < 500
    if service == "s3":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
            f"<RequestId>{request_id}</RequestId><HostId>{request_id}</HostId></Error>"
        )
        headers = {"Content-Type": "application/xml", "x-amz-request-id": request_id,
                   "x-amz-id-2": request_id}
    elif protocol in ("rest-xml", "query", "ec2"):
        namespace = model.metadata.get("xmlNamespace") or (
            f"http://{model.endpoint_prefix}.amazonaws.com/doc/{model.api_version}/")
        body = (
            f'<?xml version="1.0"?><ErrorResponse xmlns="{namespace}"><Error>'
            f"<Type>{'Sender' if sender else 'Receiver'}</Type><Code>{escape(code)}</Code>"
            f"<Message>{escape(message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        headers = {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}
    elif protocol == "rest-json":
        body = json.dumps({"Type": "User" if sender else "Service", "message": message})
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": code,
                   "x-amzn-RequestId": request_id}
    else:
        version = model.metadata.get("jsonVersion", "1.1") if model is not None else "1.1"
        body = json.dumps({"__type": code, "message": message})
        headers = {"Content-Type": f"application/x-amz-json-{version}",
                   "x-amzn-ErrorType": code, "x-amzn-RequestId": request_id}
    return headers, body.encode()
