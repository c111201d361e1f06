"""CloudFront distributions as strict as the real service, where cfclone depends on it.

Follows the CloudFront API reference (2020-05-31):
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdateDistribution.html
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DeleteDistribution.html
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ViewerCertificate.html
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Origin.html
and the error shapes of botocore's cloudfront/2020-05-31/service-2.json (each error's
HTTP status comes from there: moto serialises a ServiceException with it).

What stock moto 5.2.1 does differently, and what this module does instead:

* ETag: moto picks one at creation and keeps it forever. Here every UpdateDistribution
  gives the distribution a new ETag (the "version identifier" that GetDistributionConfig
  returns); tag writes do not (tags are a separate resource, not the distribution's
  configuration). Create, Get, GetConfig and Update all answer with the current one.
* IfMatch: moto accepts any value. A missing one was already answered with 400
  InvalidIfMatchVersion; a stale one now gets 412 PreconditionFailed, on Update and Delete.
* Delete: moto deletes an enabled or still deploying distribution. Here that is 409
  DistributionNotDisabled unless it is disabled and its Status is `Deployed` (the error
  real CloudFront also answers while the disabling update is still deploying).
* Aliases: moto lets two distributions share a CNAME. Here an alias that another
  distribution already has (compared without regard to case) is 409 CNAMEAlreadyExists,
  on Create and on Update; a distribution keeping its own aliases is fine. A Create that
  repeats a CallerReference still gets moto's DistributionAlreadyExists first.
* CallerReference: moto lets an update change it. Here that is 400 IllegalUpdate ("You
  can't change the value of CallerReference", UpdateDistribution reference).
* Status: moto leaves an updated distribution `Deployed`. Here an update puts it back to
  `InProgress`, and it reaches `Deployed` the way a new one does: by the state manager's
  transition for `cloudfront::distribution` (default: after one read; settable with
  POST /moto-api/state-manager/set-transition).
* Fields moto drops: it rebuilds the configuration from its own classes and loses
  `S3OriginConfig` (with `OriginAccessIdentity` and `OriginReadTimeout`),
  `OriginAccessControlId`, `ResponseCompletionTimeout`, `VpcOriginConfig`,
  `CustomOriginConfig.IpAddressType`, the default behaviour's `LambdaFunctionAssociations`
  and `FunctionAssociations` (always Quantity 0) and `GrpcConfig`. Here every field the
  request sent comes back as sent (the `ConnectionAttempts`, `ConnectionTimeout`,
  `OriginShield`, `CustomHeaders`, `OriginReadTimeout` and `OriginKeepaliveTimeout` that
  moto already kept included), with moto's defaults where the request left a field out;
  an S3 origin without `OriginAccessControlId` gets `""`, as CloudFront shows it.
* ListDistributions: moto answers every distribution in one page whatever `MaxItems`
  says, with `IsTruncated=false` and no `NextMarker`. Here a page holds at most `MaxItems`
  (default and maximum 100, the API reference's numbers), in creation order; a truncated
  page has `IsTruncated=true` and `NextMarker` = the id of its last distribution, and a
  request with that `Marker` goes on after it (botocore's paginator for the operation
  follows `NextMarker` the same way).
* ARN: moto writes `arn:aws:cloudfront:123456789012:distribution/ID`; CloudFront's ARNs
  have an empty region field, `arn:aws:cloudfront::123456789012:distribution/ID` (the
  aws-cli examples of create-distribution), and so do these.
* ViewerCertificate: moto answers `CloudFrontDefaultCertificate=true`, `Certificate=""`
  and `CertificateSource=cloudfront` even for an ACM certificate, and `""` for the ids
  not in use. Here it is derived from the certificate in use, as CloudFront returns it:
  ACM → `CloudFrontDefaultCertificate=false`, `ACMCertificateArn`, `Certificate` = the
  ARN, `CertificateSource=acm` (IAM alike with `iam`); the default certificate →
  `CloudFrontDefaultCertificate=true`, `CertificateSource=cloudfront`,
  `MinimumProtocolVersion=TLSv1` (CloudFront sets it "regardless of the value that you
  set", ViewerCertificate reference) and `SSLSupportMethod=vip` unless the request set
  one (the value real default-certificate distributions show; the aws-cli examples of
  get-distribution-config show TLSv1 and CertificateSource=cloudfront too).
"""

from __future__ import annotations

import copy
import datetime
import threading
from typing import Any

from botocore import xform_name
from moto.cloudfront import models
from moto.cloudfront.exceptions import (
    CloudFrontException,
    InvalidIfMatchVersion,
    NoSuchDistribution,
)

Backend = models.CloudFrontBackend

# Check-then-write steps (aliases, IfMatch) must not interleave: moto's server is threaded.
_lock = threading.RLock()


class PreconditionFailed(CloudFrontException):
    code = "PreconditionFailed"
    message = (
        "The request failed because it didn't meet the preconditions in one or more "
        "request-header fields."
    )


class DistributionNotDisabled(CloudFrontException):
    code = "DistributionNotDisabled"
    message = "The distribution you are trying to delete has not been disabled."


class IllegalUpdate(CloudFrontException):
    code = "IllegalUpdate"
    message = "The update contains modifications that are not allowed."


class CNAMEAlreadyExists(CloudFrontException):
    code = "CNAMEAlreadyExists"
    message = (
        "One or more of the CNAMEs you provided are already associated with a "
        "different resource."
    )


# ----- aliases, ETags and deployment -----------------------------------------------------


def _aliases(config: Any) -> set[str]:
    """The lower-cased aliases of a request's config (dict) or a stored one (model)."""
    aliases = config.get("Aliases") if isinstance(config, dict) else config.Aliases
    return {a.lower() for a in (aliases or {}).get("Items") or []}


def _check_aliases(backend: Backend, config: dict, own_id: str | None) -> None:
    wanted = _aliases(config)
    for dist_id, dist in backend.distributions.items():
        if dist_id != own_id and wanted & _aliases(dist.distribution_config):
            raise CNAMEAlreadyExists()


def _check_if_match(dist: models.Distribution, if_match: str | None) -> None:
    if not if_match:
        raise InvalidIfMatchVersion()
    if if_match != dist.etag:
        raise PreconditionFailed()


def _restart_deployment(dist: models.Distribution) -> None:
    """Back to the first state of moto's state manager, as a new distribution starts."""
    dist._status = dist._transitions[0][0]
    dist._tick = 0
    dist._time_progressed = datetime.datetime.now()


_distribution_init = models.Distribution.__init__


def distribution_init(self: models.Distribution, account_id: str, region_name: str,
                      config: dict) -> None:
    _distribution_init(self, account_id, region_name, config)
    self.arn = self.arn.replace(":cloudfront:", ":cloudfront::", 1)


_create = Backend.create_distribution_with_tags
_update = Backend.update_distribution
_delete = Backend.delete_distribution


def create_distribution_with_tags(self: Backend, distribution_config: dict, tags: list):
    with _lock:
        # A repeated CallerReference is the idempotency check: it comes first, so a
        # redelivered request meets DistributionAlreadyExists (naming the distribution it
        # made), not its own aliases.
        caller = distribution_config.get("CallerReference")
        if self._distribution_with_caller_reference(caller) is None:
            _check_aliases(self, distribution_config, own_id=None)
        return _create(self, distribution_config, tags)


def update_distribution(self: Backend, dist_config: dict, _id: str, if_match: str | None):
    with _lock:
        dist = self.distributions.get(_id)
        if dist is None:
            raise NoSuchDistribution()
        _check_if_match(dist, if_match)
        # "You can't change the value of CallerReference" (UpdateDistribution reference).
        if dist_config.get("CallerReference") != dist.distribution_config.caller_reference:
            raise IllegalUpdate()
        _check_aliases(self, dist_config, own_id=_id)
        _update(self, dist_config, _id, if_match)
        dist.etag = models.random_id()
        _restart_deployment(dist)
        return dist, dist.location, dist.etag


def delete_distribution(self: Backend, distribution_id: str, if_match: str | None) -> None:
    with _lock:
        if not if_match:
            raise InvalidIfMatchVersion()
        dist = self.distributions.get(distribution_id)
        if dist is None:
            raise NoSuchDistribution()
        _check_if_match(dist, if_match)
        if dist.distribution_config.Enabled or dist.status != "Deployed":
            raise DistributionNotDisabled()
        _delete(self, distribution_id, if_match)


# ----- the configuration as sent ---------------------------------------------------------

_MISSING = object()


def _lookup(target: Any, key: str) -> Any:
    if isinstance(target, dict):
        return target.get(key, _MISSING)
    value = getattr(target, key, _MISSING)
    return getattr(target, xform_name(key), _MISSING) if value is _MISSING else value


def _is_container(value: Any) -> bool:
    return isinstance(value, dict) or hasattr(value, "__dict__")


def _keep(target: Any, sent: dict) -> None:
    """Put every field of `sent` (the request's config) into moto's model `target`, which
    the serializer reads by PascalCase attribute or key first. Nested moto objects and
    dicts are filled in recursively, so moto's defaults stay where nothing was sent."""
    for key, value in sent.items():
        current = _lookup(target, key)
        if isinstance(value, dict) and _is_container(current):
            _keep(current, value)
        elif (
            isinstance(value, list)
            and isinstance(current, list)
            and len(value) == len(current)
            and any(hasattr(c, "__dict__") for c in current)
        ):
            for item, sent_item in zip(current, value):
                if isinstance(sent_item, dict) and _is_container(item):
                    _keep(item, sent_item)
        elif isinstance(target, dict):
            target[key] = value
        else:
            setattr(target, key, value)


_config_init = models.DistributionConfig.__init__


def distribution_config_init(self: models.DistributionConfig, config: dict) -> None:
    sent = copy.deepcopy(config)  # moto rewrites the dict it is given
    _config_init(self, config)
    sent.pop("ViewerCertificate", None)  # CloudFront normalises it: viewer_certificate_init
    _keep(self, sent)
    for origin in self.Origins["Items"]:
        if _lookup(origin, "S3OriginConfig") not in (_MISSING, None):
            if _lookup(origin, "OriginAccessControlId") is _MISSING:
                origin.OriginAccessControlId = ""


def viewer_certificate_init(self: models.ViewerCertificate, config: dict) -> None:
    acm = config.get("ACMCertificateArn") or None
    iam = config.get("IAMCertificateId") or None
    if not acm and not iam:  # the deprecated pair, as older clients send it
        source, certificate = config.get("CertificateSource"), config.get("Certificate")
        acm = certificate if source == "acm" else None
        iam = certificate if source == "iam" else None
    self.acm_certificate_arn = acm
    self.iam_certificate_id = iam
    self.certificate = acm or iam
    self.certificate_source = "acm" if acm else "iam" if iam else "cloudfront"
    self.cloud_front_default_certificate = not (acm or iam)
    if self.cloud_front_default_certificate:
        self.ssl_support_method = config.get("SSLSupportMethod") or "vip"
        self.minimum_protocol_version = "TLSv1"
    else:
        self.ssl_support_method = config.get("SSLSupportMethod") or "sni-only"
        self.minimum_protocol_version = config.get("MinimumProtocolVersion") or "TLSv1"


def list_distributions_response(self):  # type: ignore[no-untyped-def]
    """ListDistributions, a page at a time (see the module's notes)."""
    from moto.core.responses import ActionResult

    from .cloudfront_aliases import Summary

    everything = list(self.backend.list_distributions())
    marker = self._get_param("Marker") or ""
    try:
        max_items = min(max(int(self._get_param("MaxItems") or 100), 1), 100)
    except ValueError:
        max_items = 100
    start = 0
    if marker:
        ids = [d.distribution_id for d in everything]
        start = ids.index(marker) + 1 if marker in ids else len(ids)
    page = everything[start:start + max_items]
    truncated = start + max_items < len(everything)
    listing = {
        "Marker": marker,
        "MaxItems": max_items,
        "IsTruncated": truncated,
        "Quantity": len(page),
        # Summaries with the configuration's members (Aliases, ...): cloudfront_aliases.
        "Items": [Summary(d) for d in page] or None,
    }
    if truncated:
        listing["NextMarker"] = page[-1].distribution_id
    return ActionResult({"DistributionList": listing})


def apply() -> None:
    from moto.cloudfront.responses import CloudFrontResponse

    CloudFrontResponse.list_distributions = list_distributions_response
    models.Distribution.__init__ = distribution_init
    Backend.create_distribution_with_tags = create_distribution_with_tags
    Backend.update_distribution = update_distribution
    Backend.delete_distribution = delete_distribution
    models.DistributionConfig.__init__ = distribution_config_init
    models.ViewerCertificate.__init__ = viewer_certificate_init
