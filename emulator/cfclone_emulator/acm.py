"""ACM's ListCertificates and DescribeCertificate as the real service answers them.

Follows the ACM API reference:
https://docs.aws.amazon.com/acm/latest/APIReference/API_ListCertificates.html
https://docs.aws.amazon.com/acm/latest/APIReference/API_CertificateSummary.html
https://docs.aws.amazon.com/acm/latest/APIReference/API_Filters.html
https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html
and botocore's acm/2015-12-08/service-2.json.

What stock moto 5.2.1 does differently, and what this module does instead:

* ListCertificates answers each certificate's whole DescribeCertificate body, without
  `SubjectAlternativeNameSummaries` / `HasAdditionalSubjectAlternativeNames`. Here each
  summary has the CertificateSummary fields only: the first 100 SANs, whether there are
  more, `Type`, `KeyAlgorithm`, `Status`, `NotBefore`, `NotAfter`, `InUse`, `Exported`,
  `RenewalEligibility`, the creation/issue/import times, and `ManagedBy` when set.
* `KeyAlgorithm` is spelt as ACM answers it, `RSA-2048` / `EC-prime256v1` (in
  ListCertificates and DescribeCertificate alike: the aws-cli example of
  describe-certificate shows `"KeyAlgorithm": "RSA-2048"`), while the `Includes.keyTypes`
  filter takes the enum spelling `RSA_2048` / `EC_prime256v1`. moto says `RSA_2048`.
* Without `Includes.keyTypes` ACM lists only RSA_1024 and RSA_2048 certificates ("Default
  filtering returns only RSA_1024 and RSA_2048 certificates", Filters reference); moto
  lists every key type. `Includes.managedBy` and `exportOption` filter too.
* Paging: moto ignores `MaxItems` and `NextToken`. Here a page has at most `MaxItems`
  (1..1000) summaries and a `NextToken` when more follow. The reference does not say how
  many ACM returns without `MaxItems`; clients that omit it report pages of 100, so that
  is the default here.
* `ManagedBy` (RequestCertificate's parameter, `CLOUDFRONT`) is kept and shown; moto
  drops it. A PRIVATE certificate needs nothing new: moto already makes one of
  RequestCertificate with `CertificateAuthorityArn`. ImportCertificate makes IMPORTED.
  `set_certificate` (the control API's POST /_cfclone/acm/certificate) changes a
  certificate's `Type`, `ManagedBy` or `Status` for tests.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from moto.acm import models
from moto.acm.responses import AWSCertificateManagerResponse as Response

DEFAULT_KEY_TYPES = ("RSA_1024", "RSA_2048")
DEFAULT_PAGE = 100
SAN_SUMMARY_LIMIT = 100
# What tests may shrink (POST /_cfclone/acm/limits) to reach paging and cut-short SAN
# summaries without making a thousand certificates or a hundred names: a page of at most
# `page` summaries (AWS does not promise full pages), `sans` names per summary.
LIMITS = {"page": 1000, "sans": SAN_SUMMARY_LIMIT}
_CURVES = {"secp256r1": "prime256v1", "secp384r1": "secp384r1", "secp521r1": "secp521r1"}
_SUMMARY_FIELDS = (
    "CertificateArn", "DomainName", "SubjectAlternativeNameSummaries",
    "HasAdditionalSubjectAlternativeNames", "Status", "Type", "KeyAlgorithm",
    "ExtendedKeyUsages", "InUse", "Exported", "RenewalEligibility", "NotBefore",
    "NotAfter", "CreatedAt", "IssuedAt", "ImportedAt", "ManagedBy",
)


def key_type(bundle: models.CertBundle) -> str:
    """The KeyAlgorithm enum value (`RSA_2048`, `EC_prime256v1`), as filters take it."""
    key = bundle._key
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return "EC_" + _CURVES.get(key.curve.name.lower(), key.curve.name)
    return f"RSA_{key.key_size}"


_describe = models.CertBundle.describe


def describe(self: models.CertBundle) -> dict[str, Any]:
    result = _describe(self)
    cert = result["Certificate"]
    cert["KeyAlgorithm"] = key_type(self).replace("_", "-", 1)
    if getattr(self, "managed_by", None):
        cert["ManagedBy"] = self.managed_by
    return result


def _summary(bundle: models.CertBundle) -> dict[str, Any]:
    cert = bundle.describe()["Certificate"]
    sans = cert.get("SubjectAlternativeNames") or []
    cert["SubjectAlternativeNameSummaries"] = sans[: LIMITS["sans"]]
    cert["HasAdditionalSubjectAlternativeNames"] = len(sans) > LIMITS["sans"]
    cert["InUse"] = bool(cert.get("InUseBy"))
    cert["Exported"] = bundle.cert_options.get("Export") == "ENABLED"
    return {k: cert[k] for k in _SUMMARY_FIELDS if k in cert}


def _matches(bundle: models.CertBundle, statuses: list[str], includes: dict) -> bool:
    return (
        (not statuses or bundle.status in statuses)
        and key_type(bundle) in (includes.get("keyTypes") or DEFAULT_KEY_TYPES)
        and includes.get("managedBy") in (None, getattr(bundle, "managed_by", None))
        and includes.get("exportOption") in (None, bundle.cert_options.get("Export"))
    )


def _error(code: str, message: str) -> tuple[str, dict]:
    return json.dumps({"__type": code, "message": message}), {"status": 400}


def list_certificates(self: Response) -> Any:
    statuses = self._get_param("CertificateStatuses") or []
    includes = self._get_param("Includes") or {}
    max_items = self._get_param("MaxItems") or DEFAULT_PAGE
    token = self._get_param("NextToken")
    if not 1 <= int(max_items) <= 1000:
        return _error("ValidationException", "MaxItems must be between 1 and 1000")
    if token is not None and not token.isdigit():
        return _error("InvalidArgsException", "The NextToken is not valid.")
    backend = self.acm_backend
    bundles = [backend.get_certificate(arn) for arn in list(backend._certificates)]
    if self._get_param("SortOrder") == "DESCENDING":
        bundles.sort(key=lambda b: b.created_at, reverse=True)
    listed = [b for b in bundles if _matches(b, statuses, includes)]
    start = int(token or 0)
    end = start + min(int(max_items), LIMITS["page"])
    body: dict[str, Any] = {"CertificateSummaryList": [_summary(b) for b in listed[start:end]]}
    if end < len(listed):
        body["NextToken"] = str(end)
    return json.dumps(body)


_request_certificate = Response.request_certificate


def request_certificate(self: Response) -> Any:
    answer = _request_certificate(self)
    managed_by = self._get_param("ManagedBy")
    body = answer[0] if isinstance(answer, tuple) else answer
    arn = json.loads(body).get("CertificateArn")
    if managed_by and arn:
        self.acm_backend.get_certificate(arn).managed_by = managed_by
    return answer


def set_limits(page: int | None = None, sans: int | None = None) -> dict:
    """For tests: the largest page ListCertificates answers and the SANs a summary
    carries (defaults: 1000 and 100, as ACM)."""
    for key, value in (("page", page), ("sans", sans)):
        if value is not None:
            if int(value) < 1:
                raise ValueError(f'"{key}" is at least 1')
            LIMITS[key] = int(value)
    return dict(LIMITS)


def set_certificate(arn: str, type: str | None = None, managed_by: str | None = None,
                    status: str | None = None) -> None:
    """For tests: make a certificate PRIVATE / IMPORTED / AMAZON_ISSUED, managed by
    CloudFront, or of another status. Raises KeyError if there is no such certificate."""
    region, account = arn.split(":")[3:5]
    bundle = models.acm_backends[account][region]._certificates[arn]
    if type is not None:
        bundle.type = type
    if managed_by is not None:
        bundle.managed_by = managed_by or None
    if status is not None:
        bundle.status = status


def apply() -> None:
    models.CertBundle.describe = describe
    Response.list_certificates = list_certificates
    Response.request_certificate = request_certificate
