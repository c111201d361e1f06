"""Every AWS request checked against botocore's model of its operation, as AWS checks it.

A WSGI middleware between the control API and moto (so that a refusal is in the call log
with its status, and faults still come first). For each signed request it finds the
service and operation (wire.py), parses the wire request back into the operation's
parameters with moto's own model-driven parsers (moto.core.parse: query, json, rest-json,
rest-xml, reading each member from where the model puts it: URI, header, query string,
payload), and checks them against the model (botocore's data/<service>/…/service-2.json):

* `required` members, types and `min` lengths/values: botocore's ParamValidator;
* `max` lengths and values, `enum` and `pattern` (a Java regular expression that the
  whole value must match): not checked by ParamValidator (an SDK leaves them to the
  service), checked here, as AWS's services do server-side;
* a few limits the model's documentation states but its constraints lack (`DOCUMENTED`).

A request that breaks one is answered, without reaching moto, with the service's own
validation error in its wire shape (wire.error_response), listing each violation the way
AWS's request validation words it: "1 validation error detected: Value 'x' at
'distributionConfig.viewerCertificate.minimumProtocolVersion' failed to satisfy
constraint: Member must satisfy enum value set: [...]" (a `sensitive` member's value is
not shown; list items are `items.1.member`). Codes (`CODES`): JSON and rest-json
services `ValidationException`, query services `ValidationError`, CloudFront
`MalformedXML`, Route 53 `InvalidInput`, S3 `InvalidArgument`; all 400. Sources:
ACM ValidationException with this wording (terraform-aws-acm#93, crossplane
provider-aws#428), STS ValidationError (boto3/moto#9218, AWSCore.jl#38), CloudFront
MalformedXML for an enum and a missing member (aws-cli#6275, fog-aws#48) and
InvalidArgument "The parameter Comment is too big." (aws-cdk#10211), Route 53 InvalidInput
for a schema violation (terraform-provider-aws#7606; Route 53's own text is its XML
schema validator's, here the wording above), SSM and Lambda ValidationException with a
sensitive value left out (the API references' common errors). A body the model's parser
cannot read at all is answered `SerializationException` by JSON services (their code for
an unreadable body), the validation code by the others. A rest-xml or ec2 service not in
`CODES` has no sourced code: its requests go unchecked (and are reported).

Not reproduced, each for its reason (see `report()`):
* members the model does not know are dropped by moto's parsers, not refused (JSON
  services ignore them too; CloudFront's XML schema would refuse them);
* cross-member rules (CloudFront's `Quantity` = number of `Items`, Route 53's "exactly
  one of AliasTarget or TTL and ResourceRecords") are the services' own logic, not the
  model's;
* a request whose service has no botocore model, or whose operation cannot be named, is
  passed to moto unchecked and listed in `report()["unchecked"]`, never silently.

Each refusal and each unchecked request is also written to stderr, and appended as a JSON
line to the file `CFCLONE_VALIDATION_LOG` names (when set), so that a whole test run's
refusals can be read in one place.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import sys
import threading
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl, quote, urlsplit

import regex
from botocore.validate import ParamValidator, ValidationErrors
from moto.core.parse import PROTOCOL_PARSERS
from moto.core.utils import get_service_model
from werkzeug.datastructures import EnvironHeaders, MultiDict

from . import wire

# The validation error code each service answers (always 400), by service, else by
# protocol; a rest-xml or ec2 service not listed has no sourced code and goes unchecked.
CODES = {"cloudfront": "MalformedXML", "route53": "InvalidInput", "s3": "InvalidArgument"}
PROTOCOL_CODES = {"json": "ValidationException", "rest-json": "ValidationException",
                  "query": "ValidationError"}


def _code(service: str, protocol: str) -> str | None:
    return CODES.get(service) or PROTOCOL_CODES.get(protocol)

# Limits a model's documentation states that its constraints lack:
# (service, structure, member) -> (max length, code, message).
DOCUMENTED = {
    # DistributionConfig.Comment: "The comment cannot be longer than 128 characters."
    # (botocore's cloudfront model documentation; CloudFront answers
    # InvalidArgument "The parameter Comment is too big.", aws-cdk#10211)
    ("cloudfront", "DistributionConfig", "Comment"):
        (128, "InvalidArgument", "The parameter Comment is too big."),
}

_lock = threading.Lock()
_report: dict[str, Any] = {"checked": 0, "refused": [], "unchecked": []}


def report() -> dict:
    """How many requests were checked, each refusal, each request left unchecked and why."""
    with _lock:
        return {"checked": _report["checked"], "refused": list(_report["refused"]),
                "unchecked": list(_report["unchecked"])}


def reset() -> None:
    with _lock:
        _report.update(checked=0, refused=[], unchecked=[])


def _note(key: str, entry: dict) -> None:
    with _lock:
        if key == "checked":
            _report["checked"] += 1
        else:
            _report[key].append(entry)
    if key == "checked":
        return
    line = json.dumps({"validation": key, **entry})
    print(f"cfclone_emulator.validation: {line}", file=sys.stderr)
    if os.environ.get("CFCLONE_VALIDATION_LOG"):  # read by the e2e harness (tests/src/moto.rs)
        with _lock, open(os.environ["CFCLONE_VALIDATION_LOG"], "a") as log:
            log.write(line + "\n")


class Refusal(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


# --- The wire request back into parameters -------------------------------------------


@functools.lru_cache(maxsize=None)
def _uri_regex(request_uri: str) -> tuple[re.Pattern, dict[str, str]]:
    """The operation's URI template as a regex with a group per label, and group → label."""
    path = request_uri.partition("?")[0]
    names: dict[str, str] = {}

    def group(match: re.Match) -> str:
        label, greedy = match.group(1), match.group(2)
        key = f"g{len(names)}"
        names[key] = label
        return f"(?P<{key}>{'.+' if greedy else '[^/]+'})"

    escaped = re.sub(r"\\\{([^}+\\]+)(\\\+)?\\\}", group, re.escape(path))
    return re.compile(escaped.rstrip("/") + "/?"), names


def _raw_path(environ: dict) -> str:
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return urlsplit(raw).path
    return quote(environ.get("PATH_INFO", "/"))


def _body(environ: dict) -> bytes:
    """The body, put back for moto to read."""
    stream = environ["wsgi.input"]
    length = environ.get("CONTENT_LENGTH")
    if length:
        body = stream.read(int(length))
    elif environ.get("wsgi.input_terminated"):
        body = stream.read()
    else:
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def parameters(model: Any, operation: Any, environ: dict) -> dict:
    """The operation's input parameters as botocore names them, read from the request."""
    body = _body(environ)
    values = MultiDict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    protocol = model.protocol
    if protocol in ("query", "ec2"):
        values.update(MultiDict(parse_qsl(body.decode("utf-8", "replace"),
                                           keep_blank_values=True)))
    url_params: dict[str, str] = {}
    raw_path = _raw_path(environ)
    if protocol.startswith("rest"):
        pattern, names = _uri_regex(operation.http["requestUri"])
        match = pattern.fullmatch(raw_path)
        if match:
            url_params = {names[k]: v for k, v in match.groupdict().items()}
    parser = PROTOCOL_PARSERS[protocol](operation)
    return parser.parse({"method": environ.get("REQUEST_METHOD", "GET"), "values": values,
                         "headers": EnvironHeaders(environ), "body": body,
                         "url_path": raw_path, "url_params": url_params})


# --- The model's constraints ---------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _pattern(pattern: str) -> Any:
    try:
        return regex.compile(pattern)
    except regex.error:
        return None


class ModelValidator(ParamValidator):
    """ParamValidator plus the constraints it leaves to the service: max, enum, pattern."""

    VALIDATED_METADATA_ATTRS = ParamValidator.VALIDATED_METADATA_ATTRS | {"max", "enum",
                                                                          "pattern"}

    def __init__(self, service: str) -> None:
        self.service = service
        self.documented: list[tuple[str, str]] = []  # (code, message)

    def _validate(self, params: Any, shape: Any, errors: Any, name: str) -> None:
        before = len(errors._errors)
        ParamValidator._validate(self, params, shape, errors, name)
        for reason, where, extra in errors._errors[before:]:
            if where == name:  # botocore's own reports carry no shape (a sensitive value
                extra.setdefault("shape", shape)  # is not shown), and a length for the value
                if reason == "invalid length" and "min_allowed" in extra:
                    extra["param"] = params

    def _structure(self, params: Any, shape: Any, errors: Any, name: str) -> None:
        ParamValidator._validate_structure(self, params, shape, errors, name)
        if not isinstance(params, dict):
            return
        for member, value in params.items():
            rule = DOCUMENTED.get((self.service, shape.name, member))
            if rule and isinstance(value, str) and len(value) > rule[0]:
                self.documented.append(rule[1:])

    _validate_structure = _structure

    def _constraints(self, param: Any, shape: Any, errors: Any, name: str, size: Any) -> None:
        md = shape.metadata
        if "max" in md and size > md["max"]:
            kind = "invalid length" if not isinstance(param, (int, float)) else "invalid range"
            errors.report(name, kind, param=param, max_allowed=md["max"], shape=shape)
        if isinstance(param, str) and md.get("enum") and param not in md["enum"]:
            errors.report(name, "enum", param=param, enum=md["enum"], shape=shape)
        if isinstance(param, str) and "pattern" in md:
            compiled = _pattern(md["pattern"])
            if compiled is not None and not compiled.fullmatch(param):
                errors.report(name, "pattern", param=param, pattern=md["pattern"], shape=shape)

    def _validate_string(self, param: Any, shape: Any, errors: Any, name: str) -> None:
        ParamValidator._validate_string(self, param, shape, errors, name)
        if isinstance(param, str):
            self._constraints(param, shape, errors, name, len(param))

    def _validate_list(self, param: Any, shape: Any, errors: Any, name: str) -> None:
        ParamValidator._validate_list(self, param, shape, errors, name)
        if isinstance(param, (list, tuple)):
            self._constraints(param, shape, errors, name, len(param))

    def _validate_map(self, param: Any, shape: Any, errors: Any, name: str) -> None:
        ParamValidator._validate_map(self, param, shape, errors, name)
        if isinstance(param, dict):
            if len(param) < shape.metadata.get("min", 0):
                errors.report(name, "invalid length", param=param,
                              min_allowed=shape.metadata["min"])
            self._constraints(param, shape, errors, name, len(param))

    def _validate_blob(self, param: Any, shape: Any, errors: Any, name: str) -> None:
        ParamValidator._validate_blob(self, param, shape, errors, name)
        if isinstance(param, (bytes, bytearray, str)):
            if len(param) < shape.metadata.get("min", 0):
                errors.report(name, "invalid length", param=param,
                              min_allowed=shape.metadata["min"], shape=shape)
            self._constraints(param, shape, errors, name, len(param))

    def _number(self, param: Any, shape: Any, errors: Any, name: str) -> None:
        if isinstance(param, (int, float)) and not isinstance(param, bool):
            self._constraints(param, shape, errors, name, param)

    def _validate_integer(self, param: Any, shape: Any, errors: Any, name: str) -> None:
        ParamValidator._validate_integer(self, param, shape, errors, name)
        self._number(param, shape, errors, name)

    def _validate_long(self, param: Any, shape: Any, errors: Any, name: str) -> None:
        ParamValidator._validate_long(self, param, shape, errors, name)
        self._number(param, shape, errors, name)

    def _validate_double(self, param: Any, shape: Any, errors: Any, name: str) -> None:
        ParamValidator._validate_double(self, param, shape, errors, name)
        self._number(param, shape, errors, name)

    _validate_float = _validate_double


# --- AWS's wording -------------------------------------------------------------------


def _member_path(name: str) -> str:
    """botocore's `.ChangeBatch.Changes[0].Action` as AWS's `changeBatch.changes.1.member.action`."""
    parts = []
    for segment in name.lstrip(".").split("."):
        if not segment:
            continue
        base, *indexes = segment.split("[")
        parts.append(base[:1].lower() + base[1:])
        parts += [f"{int(i.rstrip(']')) + 1}.member" for i in indexes]
    return ".".join(parts)


def _shown(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (bytes, bytearray)):
        return f"java.nio.HeapByteBuffer[pos=0 lim={len(value)} cap={len(value)}]"
    return str(value)


def _violation(reason: str, name: str, extra: dict) -> str:
    shape = extra.get("shape")
    if reason == "missing required field":
        path = _member_path(f"{name}.{extra['required_name']}")
        return f"Value null at '{path}' failed to satisfy constraint: Member must not be null"
    path = _member_path(name)
    sensitive = shape is not None and shape.metadata.get("sensitive")
    value = "Value" if sensitive else f"Value '{_shown(extra.get('param'))}'"
    if reason == "invalid type":
        return f"{value} at '{path}' failed to satisfy constraint: Member must be of the " \
               "type the model gives it"
    if reason in ("invalid length", "invalid range"):
        what = "length" if reason == "invalid length" else "value"
        if "max_allowed" in extra:
            rule = f"Member must have {what} less than or equal to {extra['max_allowed']}"
        else:
            rule = f"Member must have {what} greater than or equal to {extra['min_allowed']}"
    elif reason == "enum":
        rule = f"Member must satisfy enum value set: [{', '.join(extra['enum'])}]"
    elif reason == "pattern":
        rule = f"Member must satisfy regular expression pattern: {extra['pattern']}"
    else:
        rule = reason
    return f"{value} at '{path}' failed to satisfy constraint: {rule}"


def check(service: str, model: Any, operation: Any, params: dict) -> None:
    """Raises Refusal as the service would answer a request with these parameters."""
    if operation.input_shape is None:
        return
    validator = ModelValidator(service)
    errors: ValidationErrors = validator.validate(params, operation.input_shape)
    found = [_violation(reason, name, extra) for reason, name, extra in errors._errors]
    if found:
        count = f"{len(found)} validation error{'s' if len(found) > 1 else ''} detected: "
        raise Refusal(_code(service, model.protocol) or "ValidationException",
                      count + "; ".join(found))
    if validator.documented:
        raise Refusal(*validator.documented[0])


# --- The middleware ------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _model(service: str) -> Any:
    """botocore's model of the service, as moto's parsers read it (moto.core.model)."""
    try:
        return get_service_model(service) if wire._model(service) is not None else None
    except Exception:  # noqa: BLE001 — a signing name botocore has no model for
        return None


class Middleware:
    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        service = wire.service_of(environ)
        if service is None or path.startswith("/moto-api") or path.startswith("/_cfclone/"):
            return self.app(environ, start_response)
        refusal = self._refusal(service, environ)
        if refusal is None:
            return self.app(environ, start_response)
        headers, body = wire.error_response(service, refusal.code, 400, refusal.message)
        headers["Content-Length"] = str(len(body))
        start_response("400 Bad Request", list(headers.items()))
        return [body]

    def _refusal(self, service: str, environ: dict) -> Refusal | None:
        model = _model(service)
        try:
            name = wire.operation_of(service, environ) if model is not None else None
        except Exception:  # noqa: BLE001 — moto answers a request it cannot place
            name = None
        reason = ("no botocore model" if model is None
                  else "no operation of the model fits the request"
                  if name is None or name not in model.operation_names
                  else "no sourced validation error code for the service"
                  if _code(service, model.protocol) is None else None)
        if reason is not None:
            _note("unchecked", {"service": service, "operation": name,
                                "method": environ.get("REQUEST_METHOD"),
                                "path": environ.get("PATH_INFO"), "reason": reason})
            return None
        operation = model.operation_model(name)
        _note("checked", {})
        try:
            params = parameters(model, operation, environ)
            check(service, model, operation, params)
        except Refusal as refusal:
            _note("refused", {"service": service, "operation": name, "code": refusal.code,
                              "message": refusal.message})
            return refusal
        except Exception as e:  # noqa: BLE001 — a body the model's parser cannot read
            code = _code(service, model.protocol) or "ValidationException"
            if model.protocol in ("json", "rest-json"):
                code = "SerializationException"
            message = f"The request could not be read as {name}'s input: {e}"
            _note("refused", {"service": service, "operation": name, "code": code,
                              "message": message})
            return Refusal(code, message)
        return None
