"""CloudFront aliases as the real service reports them: in ListDistributions summaries,
and in ListConflictingAliases.

Follows the CloudFront API reference (2020-05-31) and botocore's service model
(cloudfront/2020-05-31/service-2.json: DistributionSummary, ListConflictingAliases,
ConflictingAliasesList, ConflictingAlias, InvalidArgument, NoSuchDistribution):
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ListDistributions.html
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ListConflictingAliases.html
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ConflictingAlias.html

What stock moto 5.2.1 does differently, and what this module does instead:

* ListDistributions summaries: moto serialises its Distribution model, which holds the
  configuration apart, so a summary carries the id, ARN, status, domain name and little
  else: no `Aliases`, `Origins`, `Comment`, `Enabled`, ... Here a summary is the
  distribution's own fields and then its configuration's, so `Aliases` (and the other
  DistributionSummary members the configuration has) are there as in GetDistribution.
* ListConflictingAliases (GET /2020-05-31/conflicting-alias): moto has no route for it
  (404). Here it answers a ConflictingAliasesList:
  - `DistributionId` names a distribution of the caller's account (else 404
    NoSuchDistribution) whose ACM certificate covers `Alias` by its domain name or a
    subject alternative name (a wildcard name covers exactly one label; a wildcard alias
    only the same wildcard), else 400 InvalidArgument: "specify the ID of a standard
    distribution in your account that has an attached TLS certificate that includes the
    provided alias" (the operation's documentation).
  - Items are the aliases, of any distribution of any account the emulator holds, that
    conflict or overlap with `Alias`: the same name (any case), a wildcard alias that
    covers it (`*.example.com` for `www.example.com`, at any depth, as wildcard alternate
    domain names do), or, for a wildcard `Alias`, every alias under it.
  - The distribution and account ids are "partially hidden" (the reference does not say
    how; the aws-cli example of list-domain-conflicts hides the leading characters with
    `*`): here all but the last 4 characters of each are `*`.
  - `MaxItems` (at most 100, the model's bound; default 100) and `Marker` page the list;
    `NextMarker` is the position to go on from, present only when more remain.
* ListDomainConflicts (POST /2020-05-31/domain-conflicts, a ListDomainConflictsRequest
  body; moto: no route, 404). The operation's documentation (API reference and botocore's
  model, which "recommend" it over ListConflictingAliases "as it supports both standard
  distributions and distribution tenants"):
  https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ListDomainConflicts.html
  https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DomainConflict.html
  - `DomainControlValidationResource` names "a standard distribution or distribution
    tenant in your account that has an attached TLS certificate, which covers the
    specified domain": its `DistributionId` (else its `DistributionTenantId`) must be one
    of the caller's account, else 404 `EntityNotFound` (the model's error for it; moto's
    NoSuchDistribution is not among the operation's errors), and its certificate must
    cover `Domain` as for ListConflictingAliases, else 400 `InvalidArgument`; naming
    neither is `InvalidArgument` too.
  - `DomainConflicts` are the domains, of any account's distributions and distribution
    tenants, that are `Domain` or overlap it by a wildcard ("if you provide
    www.example.com as input, the returned list can include www.example.com and the
    overlapping wildcard alternate domain name (*.example.com)", and the other way round
    for a wildcard input): each with its `Domain` (the name held), `ResourceType`
    (`distribution` | `distribution-tenant`), `ResourceId` and `AccountId`.
  - Masking follows the one example there is (aws-cli's list-domain-conflicts example:
    `"ResourceId": "***************ohWzv1b9It8J1AB"` for a 30-character tenant id,
    `"AccountId": "******789012"`): the leading half of `ResourceId` and the first six
    digits of the account id are `*` (the Developer Guide's "Find the source" page: both
    are partially hidden). Beyond that the example's shape, not a documented rule.
  - `MaxItems` and `Marker` page it as ListConflictingAliases (the model bounds neither;
    100 here), `NextMarker` only when more remain.
  - The body's root element is `ListDomainConflictsResult`, the output shape's name, which
    the AWS SDK for Rust requires (moto would write `ListDomainConflictsResponse`).
  - Distribution tenants: moto has none. A test registers one holding domains
    (`POST /_cfclone/cloudfront/tenant`, `add_tenant`); only ListDomainConflicts sees
    them.
"""

from __future__ import annotations

from typing import Any

from moto.cloudfront import models
from moto.cloudfront.exceptions import CloudFrontException, NoSuchDistribution

DEFAULT_ACCOUNT = "123456789012"  # moto's account for any access key it does not know

VISIBLE = 4  # the characters of a distribution or account id a conflict shows
MAX_ITEMS = 100


class InvalidArgument(CloudFrontException):
    code = "InvalidArgument"
    message = (
        "The distribution's TLS certificate does not cover the alias. Specify a "
        "distribution in your account whose certificate includes the alias."
    )


class EntityNotFound(CloudFrontException):
    code = "EntityNotFound"
    message = "The entity was not found."


class NoValidationResource(CloudFrontException):
    code = "InvalidArgument"
    message = ("Specify the DistributionId or DistributionTenantId of the "
               "DomainControlValidationResource.")


# Distribution tenants the emulator holds (moto has none): registered by a test.
TENANTS: list[dict[str, Any]] = []


def add_tenant(spec: dict) -> dict:
    """A distribution tenant holding `domains` in `account` (default moto's), with the
    certificate `certificate_arn` (optional): what ListDomainConflicts finds."""
    domains = spec["domains"]
    if not isinstance(domains, list) or not all(isinstance(d, str) and d for d in domains):
        raise ValueError('"domains" is a list of names')
    tenant = {"id": str(spec["id"]), "domains": list(domains),
              "account": str(spec.get("account") or DEFAULT_ACCOUNT),
              "certificate_arn": spec.get("certificate_arn") or ""}
    if not tenant["id"]:
        raise ValueError('"id" is not empty')
    TENANTS[:] = [t for t in TENANTS if t["id"] != tenant["id"]] + [tenant]
    return tenant


# ----- ListDistributions summaries -------------------------------------------------------


class Summary:
    """A distribution as DistributionSummary shows it: its own fields (Id, ARN, Status,
    DomainName, ...), then its configuration's (Aliases, Origins, Comment, ...)."""

    def __init__(self, dist: models.Distribution):
        self._dist = dist

    def __getattr__(self, name: str) -> Any:
        for source in (self._dist, self._dist.distribution_config):
            if name in vars(source) or hasattr(type(source), name):
                return getattr(source, name)
        raise AttributeError(name)


# ----- ListConflictingAliases ------------------------------------------------------------


def _plain(name: str) -> str:
    return name.lower().rstrip(".")


def overlaps(alias: str, other: str) -> bool:
    """The same name, or a wildcard alias over the other (any depth, either way)."""
    alias, other = _plain(alias), _plain(other)
    if alias == other:
        return True
    for wildcard, name in ((alias, other), (other, alias)):
        if wildcard.startswith("*.") and name.endswith(wildcard[1:]):
            return True
    return False


def certificate_covers(name: str, alias: str) -> bool:
    """A certificate name covers the alias: equal, or a wildcard over exactly one label."""
    name, alias = _plain(name), _plain(alias)
    if name == alias:
        return True
    if not name.startswith("*.") or alias.startswith("*."):
        return False
    label, _, parent = alias.partition(".")
    return bool(label) and parent == name[2:]


def mask(identifier: str) -> str:
    hidden = max(len(identifier) - VISIBLE, 0)
    return "*" * hidden + identifier[hidden:]


def _certificate_names(account_id: str, dist: models.Distribution) -> list[str]:
    viewer = dist.distribution_config.ViewerCertificate
    return _names_of(account_id, getattr(viewer, "acm_certificate_arn", None))


def _names_of(account_id: str, arn: str | None) -> list[str]:
    from moto.acm.models import acm_backends

    if not arn:
        return []
    try:
        described = acm_backends[account_id]["us-east-1"].get_certificate(arn).describe()
    except Exception:  # noqa: BLE001 - gone, or never in ACM: covers nothing
        return []
    cert = described["Certificate"]
    return [cert.get("DomainName") or ""] + list(cert.get("SubjectAlternativeNames") or [])


def _aliases(dist: models.Distribution) -> list[str]:
    return list((dist.distribution_config.Aliases or {}).get("Items") or [])


def conflicts(alias: str) -> list[dict[str, str]]:
    """Every alias of every account's distributions that conflicts with `alias`."""
    found = []
    for account_id, partitions in list(models.cloudfront_backends.items()):
        for backend in list(partitions.values()):
            for dist_id, dist in list(backend.distributions.items()):
                for other in _aliases(dist):
                    if overlaps(alias, other):
                        found.append({"Alias": other, "DistributionId": mask(dist_id),
                                      "AccountId": mask(account_id)})
    return found


def _page(handler: Any) -> tuple[int, int]:
    """`MaxItems` (1–100, default 100) and `Marker` (an offset) of a listing request."""
    try:
        max_items = min(max(int(handler._get_param("MaxItems") or MAX_ITEMS), 1), MAX_ITEMS)
        start = max(int(handler._get_param("Marker") or 0), 0)
    except ValueError:
        raise InvalidArgument() from None
    return max_items, start


def list_conflicting_aliases(self) -> Any:  # type: ignore[no-untyped-def]
    from moto.core.responses import ActionResult

    dist_id = self._get_param("DistributionId") or ""
    alias = self._get_param("Alias") or ""
    dist = self.backend.distributions.get(dist_id)
    if dist is None:
        raise NoSuchDistribution()
    names = _certificate_names(self.current_account, dist)
    if not alias or not any(certificate_covers(name, alias) for name in names):
        raise InvalidArgument()
    max_items, start = _page(self)
    everything = conflicts(alias)
    page = everything[start:start + max_items]
    listing: dict[str, Any] = {"MaxItems": max_items, "Quantity": len(page),
                               "Items": page or None}
    if start + max_items < len(everything):
        listing["NextMarker"] = str(start + max_items)
    return ActionResult({"ConflictingAliasesList": listing})


# ----- ListDomainConflicts ---------------------------------------------------------------


def mask_half(identifier: str) -> str:
    hidden = len(identifier) // 2
    return "*" * hidden + identifier[hidden:]


def mask_account(account_id: str) -> str:
    return "*" * 6 + account_id[6:]


def domain_conflicts(domain: str) -> list[dict[str, str]]:
    """Every domain of every account's distributions and tenants that conflicts with
    `domain`."""
    found = []
    for account_id, partitions in list(models.cloudfront_backends.items()):
        for backend in list(partitions.values()):
            for dist_id, dist in list(backend.distributions.items()):
                for other in _aliases(dist):
                    if overlaps(domain, other):
                        found.append({"Domain": other, "ResourceType": "distribution",
                                      "ResourceId": mask_half(dist_id),
                                      "AccountId": mask_account(account_id)})
    for tenant in list(TENANTS):
        for other in tenant["domains"]:
            if overlaps(domain, other):
                found.append({"Domain": other, "ResourceType": "distribution-tenant",
                              "ResourceId": mask_half(tenant["id"]),
                              "AccountId": mask_account(tenant["account"])})
    return found


def list_domain_conflicts(self) -> Any:  # type: ignore[no-untyped-def]
    from moto.core.responses import ActionResult

    domain = self._get_param("Domain") or ""
    resource = self._get_param("DomainControlValidationResource") or {}
    dist_id = resource.get("DistributionId")
    tenant_id = resource.get("DistributionTenantId")
    if dist_id:
        dist = self.backend.distributions.get(dist_id)
        if dist is None:
            raise EntityNotFound()
        names = _certificate_names(self.current_account, dist)
    elif tenant_id:
        tenant = next((t for t in TENANTS if t["id"] == tenant_id
                       and t["account"] == self.current_account), None)
        if tenant is None:
            raise EntityNotFound()
        names = _names_of(self.current_account, tenant["certificate_arn"])
    else:
        raise NoValidationResource()
    if not domain or not any(certificate_covers(name, domain) for name in names):
        raise InvalidArgument()
    max_items, start = _page(self)
    everything = domain_conflicts(domain)
    page = everything[start:start + max_items]
    result: dict[str, Any] = {"DomainConflicts": page}
    if start + max_items < len(everything):
        result["NextMarker"] = str(start + max_items)
    # The body's root is the output shape's name, as CloudFront's rest-xml answers name it
    # and the AWS SDK for Rust requires ("expected ListDomainConflictsResult"); moto's
    # serializer names it `<Operation>Response` (botocore does not look at the root).
    status, headers, body = self.serialized(ActionResult(result))
    for end in ("<", "</"):
        body = body.replace(f"{end}ListDomainConflictsResponse", f"{end}ListDomainConflictsResult", 1)
    return body, {**headers, "status": status}


def apply() -> None:
    from moto.cloudfront import urls
    from moto.cloudfront.responses import CloudFrontResponse

    urls.url_paths["{0}/2020-05-31/conflicting-alias$"] = CloudFrontResponse.dispatch
    CloudFrontResponse.list_conflicting_aliases = list_conflicting_aliases
    urls.url_paths["{0}/2020-05-31/domain-conflicts$"] = CloudFrontResponse.dispatch
    CloudFrontResponse.list_domain_conflicts = list_domain_conflicts
