"""ACM's DNS validation as the real service runs it: a requested certificate is issued only
once its validation records are in DNS, and it cannot be deleted while in use.

Follows the ACM API reference and User Guide:
https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html
https://docs.aws.amazon.com/acm/latest/APIReference/API_DomainValidation.html
https://docs.aws.amazon.com/acm/latest/APIReference/API_DeleteCertificate.html
https://docs.aws.amazon.com/acm/latest/APIReference/API_DescribeCertificate.html
https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
https://docs.aws.amazon.com/acm/latest/userguide/acm-limits.html
and botocore's acm/2015-12-08/service-2.json.

What stock moto 5.2.1 does differently, and what this module does instead, for a
certificate requested with `ValidationMethod=DNS` (one requested without it, which ACM
validates by email, keeps moto's behaviour: ISSUED after `MOTO_ACM_VALIDATION_WAIT`):

* moto issues every requested certificate after a fixed wait, whatever DNS holds. Here it
  stays `PENDING_VALIDATION` until, for every name, its validation CNAME (Name → Value,
  as DescribeCertificate reports it) is in a public Route 53 hosted zone of the account
  (moto's Route 53); then `ISSUED`. ACM looks the records up in public DNS; a public
  hosted zone of the emulator stands for that, and a private one (which answers only
  inside its VPCs, Route 53 Developer Guide "Working with private hosted zones") does not.
* moto gives every name the same constant record. Here each name has its own, derived
  from the account and the name, not the certificate (`_<32 hex>.<name>.` →
  `_<32 hex>.<10 letters>.acm-validations.aws.`): the DNS validation chapter says each
  record is "created specifically for your domain and your account", that further
  certificates for the name (replacements, other regions, a deleted one's) need no new
  validation while it stays, and that removing it stops renewal. A wildcard shares its
  base name's record (`*.example.com` and `example.com`: one CNAME).
  `ValidationStatus` is per name: `SUCCESS` once its record is there.
* Knobs for what AWS does over hours or by third parties (`set_validation`, the control
  API's POST /_cfclone/acm/validation): `timeout_s` — a certificate still pending this
  long becomes `VALIDATION_TIMED_OUT` (ACM: 72 hours); `caa` — names whose CAA records
  forbid Amazon: the certificate becomes `FAILED` with `FailureReason=CAA_ERROR`;
  `record_after` — DescribeCertificate leaves `ResourceRecord` out of each name's
  validation for this many describes of the certificate (ACM fills it in a few seconds
  after the request); `quota` — RequestCertificate answers `LimitExceededException`
  once the account holds this many certificates; `names` — the account's quota "Domain
  names per ACM certificate" (default 10, Quotas page); `describe_after_s` — for this
  many seconds after RequestCertificate, DescribeCertificate answers
  `ResourceNotFoundException` (DescribeCertificate and RequestCertificate: "there is a
  delay of several seconds before you can retrieve information about it").
* More names than the `names` quota (the domain name and the SANs, each once): 400
  `LimitExceededException`, "Certificate has too many domains." (a real answer quoted in
  hashicorp/terraform-provider-aws#35825). moto refuses only more than 10 SANs, with
  another message.
* A `DomainName` longer than 64 characters: the RequestCertificate reference says it
  "cannot exceed 64 octets" (the model's own limit is 253, so the model validation does
  not catch it). The reference does not say which error; here 400 `ValidationException`.
* `InUseBy`: moto never fills it for CloudFront. Here it lists the ARNs of the account's
  distributions whose viewer certificate is this one (and `InUse` in summaries follows).
* DeleteCertificate of a certificate in use: moto deletes it. Here 400
  `ResourceInUseException`.
* `IdempotencyToken`: ACM takes 1–32 word characters (`\\w+`); here anything else is a
  `ValidationException`. moto answers 500 (KeyError) to a token whose certificate was
  deleted; here that request makes a new certificate.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
from typing import Any

from moto.acm import models
from moto.acm.responses import AWSCertificateManagerResponse as Response
from moto.core.utils import utcnow

TOKEN = re.compile(r"^\w{1,32}$")
DEFAULTS: dict[str, Any] = {"timeout_s": None, "caa": [], "record_after": 0, "quota": None,
                            "names": 10, "describe_after_s": 0.0}
SETTINGS: dict[str, Any] = dict(DEFAULTS)
COMMON_NAME_LIMIT = 64


def _base(name: str) -> str:
    return name[2:] if name.startswith("*.") else name


def record(account_id: str, name: str) -> dict[str, str]:
    """The validation CNAME of `name` in the account: every certificate naming it shares it."""
    base = _base(name).rstrip(".").lower()
    digest = hashlib.sha256(f"{account_id}|{base}".encode()).hexdigest()
    letters = "".join(string.ascii_lowercase[int(c, 16) % 26] for c in digest[32:42])
    return {"Name": f"_{digest[:32]}.{base}.", "Type": "CNAME",
            "Value": f"_{digest[-32:]}.{letters}.acm-validations.aws."}


def _plain(name: str) -> str:
    return name.rstrip(".").lower()


def in_dns(account_id: str, wanted: dict[str, str]) -> bool:
    """Whether a public hosted zone of the account holds this CNAME (a private zone
    answers inside its VPCs only, and ACM looks in public DNS)."""
    from moto.route53.models import route53_backends

    for backend in list(route53_backends[account_id].values()):
        for zone in list(backend.zones.values()):
            if zone.private_zone:
                continue
            for rrset in list(zone.rrsets):
                if (rrset.type == "CNAME" and _plain(rrset.name) == _plain(wanted["Name"])
                        and any(_plain(v) == _plain(wanted["Value"]) for v in rrset.records)):
                    return True
    return False


def _account(bundle: models.CertBundle) -> str:
    return bundle.arn.split(":")[4]


def _names(bundle: models.CertBundle, described: dict | None = None) -> list[str]:
    """The certificate's names, from its description (made here when not given)."""
    cert = (described or _describe(bundle))["Certificate"]
    names = [cert["DomainName"]] + list(cert.get("SubjectAlternativeNames") or [])
    return list(dict.fromkeys(names))


def _by_dns(bundle: models.CertBundle) -> bool:
    return getattr(bundle, "validation_method", None) == "DNS"


def _forbidden(name: str) -> bool:
    """Whether CAA forbids Amazon for `name`: a CAA record applies to the name and every
    name under it (the lookup climbs the tree)."""
    labels = _plain(_base(name)).split(".")
    parents = {".".join(labels[i:]) for i in range(len(labels))}
    return bool(parents & {_plain(c) for c in SETTINGS["caa"]})


def check(self: models.CertBundle) -> None:
    if not _by_dns(self) or self.status != "PENDING_VALIDATION":
        return _check(self)
    if any(_forbidden(n) for n in _names(self)):
        self.status, self.failure_reason = "FAILED", "CAA_ERROR"
        return None
    if all(in_dns(_account(self), record(_account(self), n)) for n in _names(self)):
        self.status = "ISSUED"
        self.issued_at = utcnow()
        return None
    waited = (utcnow() - self.created_at).total_seconds()
    if SETTINGS["timeout_s"] is not None and waited > SETTINGS["timeout_s"]:
        self.status = "VALIDATION_TIMED_OUT"
    return None


def in_use_by(bundle: models.CertBundle) -> list[str]:
    """The ARNs of the account's distributions that use this certificate."""
    from moto.cloudfront.models import cloudfront_backends

    users = []
    for backend in list(cloudfront_backends[_account(bundle)].values()):
        for dist in list(backend.distributions.values()):
            viewer = dist.distribution_config.ViewerCertificate
            if getattr(viewer, "acm_certificate_arn", None) == bundle.arn:
                users.append(dist.arn)
    return users


def describe(self: models.CertBundle) -> dict[str, Any]:
    result = _describe(self)
    cert = result["Certificate"]
    cert["InUseBy"] = sorted(set(self.in_use_by) | set(in_use_by(self)))
    if not _by_dns(self):
        return result
    self.describes = getattr(self, "describes", 0) + 1
    options = []
    for name in _names(self, result):
        wanted = record(_account(self), name)
        done = self.status == "ISSUED" or in_dns(_account(self), wanted)
        option: dict[str, Any] = {
            "DomainName": name, "ValidationDomain": name, "ValidationMethod": "DNS",
            "ValidationStatus": "SUCCESS" if done else (
                "FAILED" if self.status in ("FAILED", "VALIDATION_TIMED_OUT")
                else "PENDING_VALIDATION"),
        }
        if self.describes > SETTINGS["record_after"]:
            option["ResourceRecord"] = wanted
        options.append(option)
    cert["DomainValidationOptions"] = options
    if getattr(self, "failure_reason", None):
        cert["FailureReason"] = self.failure_reason
    if self.status != "ISSUED":
        cert.pop("IssuedAt", None)
    return result


def _error(code: str, message: str) -> tuple[str, dict]:
    return json.dumps({"__type": code, "message": message}), {"status": 400}


def request_certificate(self: Response) -> Any:
    token = self._get_param("IdempotencyToken")
    if token is not None and not TOKEN.match(token):
        return _error("ValidationException",
                      "1 validation error detected: Value at 'idempotencyToken' failed to "
                      "satisfy constraint: Member must satisfy regular expression pattern: \\w+")
    domain = self._get_param("DomainName") or ""
    if len(domain) > COMMON_NAME_LIMIT:
        return _error("ValidationException",
                      f"The domain name {domain} is longer than {COMMON_NAME_LIMIT} characters: "
                      "give it as a subject alternative name and a shorter one as the domain name")
    names = dict.fromkeys(n.lower() for n in [domain, *(self._get_param("SubjectAlternativeNames") or [])])
    if len(names) > SETTINGS["names"]:
        return _error("LimitExceededException", "Certificate has too many domains.")
    backend = self.acm_backend
    known = backend._idempotency_tokens.get(token) if token else None
    if known and known["arn"] not in backend._certificates:
        del backend._idempotency_tokens[token]  # its certificate is gone: a new request
    quota = SETTINGS["quota"]
    if quota is not None and len(backend._certificates) >= quota and not known:
        return _error("LimitExceededException",
                      "Error: you have reached your limit of certificates in your account.")
    answer = _request_certificate(self)
    body = answer[0] if isinstance(answer, tuple) else answer
    arn = json.loads(body).get("CertificateArn")
    if arn and self._get_param("ValidationMethod") == "DNS" and not self._get_param(
            "CertificateAuthorityArn"):
        backend._certificates[arn].validation_method = "DNS"
    return answer


def describe_certificate(self: Response) -> Any:
    arn = self._get_param("CertificateArn")
    bundle = self.acm_backend._certificates.get(arn)
    hide = SETTINGS["describe_after_s"]
    if bundle is not None and _by_dns(bundle) and hide and (
            (utcnow() - bundle.created_at).total_seconds() < hide):
        return _error("ResourceNotFoundException",
                      f"Certificate with arn {arn} not found in account {_account(bundle)}")
    return _describe_certificate(self)


def delete_certificate(self: Response) -> Any:
    arn = self._get_param("CertificateArn")
    bundle = self.acm_backend._certificates.get(arn)
    if bundle is not None and describe(bundle)["Certificate"]["InUseBy"]:
        return _error("ResourceInUseException",
                      f"Certificate {arn} is in use by other AWS resources.")
    return _delete_certificate(self)


def set_validation(timeout_s: float | None = None, caa: list[str] | None = None,
                   record_after: int | None = None, quota: int | None = None,
                   reset: bool = False, names: int | None = None,
                   describe_after_s: float | None = None) -> dict:
    """For tests: what ACM does over hours or by others' DNS (see the module's text)."""
    if reset:
        SETTINGS.clear()
        SETTINGS.update(DEFAULTS, caa=[])
    if names is not None:
        if int(names) < 1:
            raise ValueError('"names" is a positive number')
        SETTINGS["names"] = int(names)
    if describe_after_s is not None:
        SETTINGS["describe_after_s"] = max(float(describe_after_s), 0.0)
    if timeout_s is not None:
        SETTINGS["timeout_s"] = float(timeout_s) if float(timeout_s) >= 0 else None
    if caa is not None:
        SETTINGS["caa"] = [str(c) for c in caa]
    if record_after is not None:
        SETTINGS["record_after"] = max(int(record_after), 0)
    if quota is not None:
        SETTINGS["quota"] = int(quota) if int(quota) > 0 else None
    return dict(SETTINGS)


# What these patches wrap: moto's (or acm.py's) own, as they are when `apply` runs.
_check: Any = None
_describe: Any = None
_request_certificate: Any = None
_describe_certificate: Any = None
_delete_certificate: Any = None


def apply() -> None:
    """After acm.apply(): wraps its describe and request_certificate."""
    global _check, _describe, _request_certificate, _delete_certificate, _describe_certificate
    _check, _describe = models.CertBundle.check, models.CertBundle.describe
    _request_certificate = Response.request_certificate
    _describe_certificate = Response.describe_certificate
    _delete_certificate = Response.delete_certificate
    models.CertBundle.check = check
    models.CertBundle.describe = describe
    Response.request_certificate = request_certificate
    Response.describe_certificate = describe_certificate
    Response.delete_certificate = delete_certificate
