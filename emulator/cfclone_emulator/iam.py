"""What IAM would evaluate for each call: the action(s) it is authorised as, the resource
ARN(s), the condition keys the request and the resource carry, and who is calling. The
control API's call log records it (`"iam"` of each call), and the end-to-end tests' IAM
evaluation (tests/iam/evaluate.mjs) evaluates it against the shipped roles.

The table ACTIONS maps each (service, operation) to the IAM actions it is authorised as, as
the Service Authorization Reference lists them (https://docs.aws.amazon.com/service-
authorization/latest/reference/: list_amazoncloudfront.html, list_awscertificatemanager.html,
list_awssystemsmanager.html, list_amazonroute53.html, list_awscloudformation.html), each
with where its resource comes from. An operation missing from the table is recorded with
`"iam": null`, which the evaluation reports as unmapped: add a row.

Where one call is authorised as several actions:
* CreateDistributionWithTags: cloudfront:CreateDistribution plus cloudfront:TagResource on the
  new distribution ("This API operation requires the following IAM permissions:
  CreateDistribution, TagResource": the CloudFront API Reference, and botocore's model of
  the operation; the Service Authorization Reference has no action of that name).
* RequestCertificate with Tags: acm:RequestCertificate plus acm:AddTagsToCertificate on the
  new certificate. The roles grant it on that reading (docs/iam.md, "The provider's role"); no
  reference page found says it in so many words, so it can only make the check stricter.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import parse_qs, unquote

# Resource kinds: how the resource ARN of an action is found in the request.
NONE = "none"                    # the action has no resource type: "*"
DISTRIBUTION = "distribution"    # CloudFront: the {Id} of the path
TAGGED = "tagged"                # CloudFront: the ?Resource= ARN (TagResource, UntagResource, …)
NEW_DISTRIBUTION = "new-distribution"  # CloudFront: the distribution the call creates
CONFLICT_TARGET = "conflict-target"    # CloudFront: ?DistributionId= (ListConflictingAliases)
DOMAIN_TARGET = "domain-target"  # CloudFront: the DistributionId (or tenant) of the body
DOMAIN_DISTRIBUTION = "domain-distribution"  # the body's DistributionId; none: no such action
DOMAIN_TENANT = "domain-tenant"  # the body's DistributionTenantId; none: no such action
CERTIFICATE = "certificate"      # ACM: the body's CertificateArn
NEW_CERTIFICATE = "new-certificate"    # ACM: the certificate the call requests
PARAMETER = "parameter"          # SSM: the body's Name
PARAMETERS = "parameters"        # SSM: each of the body's Names
PARAMETER_PATH = "parameter-path"  # SSM: the body's Path, as a parameter ARN
HOSTED_ZONE = "hosted-zone"      # Route 53: the {Id} of the path
STACK = "stack"                  # CloudFormation: the StackName parameter

# (service, operation) -> [(action, resource kind, only when the request has tags)]
ACTIONS: dict[tuple[str, str], list[tuple[str, str, bool]]] = {
    ("cloudfront", "CreateDistribution"): [("cloudfront:CreateDistribution", NONE, False)],
    ("cloudfront", "CreateDistributionWithTags"): [
        ("cloudfront:CreateDistribution", NONE, False),
        ("cloudfront:TagResource", NEW_DISTRIBUTION, False)],
    ("cloudfront", "GetDistribution"): [("cloudfront:GetDistribution", DISTRIBUTION, False)],
    ("cloudfront", "GetDistributionConfig"): [
        ("cloudfront:GetDistributionConfig", DISTRIBUTION, False)],
    ("cloudfront", "UpdateDistribution"): [("cloudfront:UpdateDistribution", DISTRIBUTION, False)],
    ("cloudfront", "DeleteDistribution"): [("cloudfront:DeleteDistribution", DISTRIBUTION, False)],
    ("cloudfront", "ListDistributions"): [("cloudfront:ListDistributions", NONE, False)],
    ("cloudfront", "ListTagsForResource"): [("cloudfront:ListTagsForResource", TAGGED, False)],
    ("cloudfront", "TagResource"): [("cloudfront:TagResource", TAGGED, False)],
    ("cloudfront", "UntagResource"): [("cloudfront:UntagResource", TAGGED, False)],
    ("cloudfront", "ListConflictingAliases"): [
        ("cloudfront:ListConflictingAliases", CONFLICT_TARGET, False)],
    # The Service Authorization Reference's table of API operations: ListDomainConflicts
    # needs GetDistribution (asked through a distribution) or GetDistributionTenant too.
    ("cloudfront", "ListDomainConflicts"): [
        ("cloudfront:ListDomainConflicts", DOMAIN_TARGET, False),
        ("cloudfront:GetDistribution", DOMAIN_DISTRIBUTION, False),
        ("cloudfront:GetDistributionTenant", DOMAIN_TENANT, False)],
    ("acm", "RequestCertificate"): [
        ("acm:RequestCertificate", NONE, False),
        ("acm:AddTagsToCertificate", NEW_CERTIFICATE, True)],
    ("acm", "DescribeCertificate"): [("acm:DescribeCertificate", CERTIFICATE, False)],
    ("acm", "ListCertificates"): [("acm:ListCertificates", NONE, False)],
    ("acm", "DeleteCertificate"): [("acm:DeleteCertificate", CERTIFICATE, False)],
    ("acm", "AddTagsToCertificate"): [("acm:AddTagsToCertificate", CERTIFICATE, False)],
    ("acm", "ListTagsForCertificate"): [("acm:ListTagsForCertificate", CERTIFICATE, False)],
    ("ssm", "PutParameter"): [("ssm:PutParameter", PARAMETER, False)],
    ("ssm", "GetParameter"): [("ssm:GetParameter", PARAMETER, False)],
    ("ssm", "DeleteParameter"): [("ssm:DeleteParameter", PARAMETER, False)],
    ("ssm", "DeleteParameters"): [("ssm:DeleteParameters", PARAMETERS, False)],
    # Authorised on the path itself, as given: botocore's ssm model of GetParametersByPath
    # ("authorized against the ssm:GetParametersByPath action for the path that you specify
    # in the request. It isn't authorized against the individual parameters that it
    # returns"); resource type `parameter` (the Service Authorization Reference).
    ("ssm", "GetParametersByPath"): [("ssm:GetParametersByPath", PARAMETER_PATH, False)],
    ("route53", "GetHostedZone"): [("route53:GetHostedZone", HOSTED_ZONE, False)],
    ("route53", "ChangeResourceRecordSets"): [
        ("route53:ChangeResourceRecordSets", HOSTED_ZONE, False)],
    ("cloudformation", "DescribeStacks"): [("cloudformation:DescribeStacks", STACK, False)],
    # "No permissions are required to perform this operation" (STS API Reference).
    ("sts", "GetCallerIdentity"): [],
}

_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/")
_PATH_ID = re.compile(r"/(?:distribution|hostedzone)/([^/]+)")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml(body: bytes) -> ET.Element | None:
    try:
        return ET.fromstring(body) if body.strip() else None
    except ET.ParseError:
        return None


def _find_all(root: ET.Element | None, name: str) -> list[ET.Element]:
    return [] if root is None else [e for e in root.iter() if _local(e.tag) == name]


def _child_text(element: ET.Element, name: str) -> str | None:
    for child in element:
        if _local(child.tag) == name:
            return child.text or ""
    return None


def _read_body(environ: dict) -> bytes:
    """The request's body, put back for moto to read."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


class _Request:
    def __init__(self, service: str, environ: dict) -> None:
        self.service = service
        self.environ = environ
        self.body = _read_body(environ)
        self.query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        auth = environ.get("HTTP_AUTHORIZATION", "")
        scope = _SCOPE.search(auth)
        self.access_key = scope.group(1) if scope else ""
        self.region = scope.group(2) if scope else "us-east-1"
        self.json: dict = {}
        if service in ("acm", "ssm"):
            try:
                self.json = json.loads(self.body or b"{}")
            except ValueError:
                self.json = {}
        if service == "cloudformation":
            form = parse_qs(self.body.decode(errors="replace"))
            self.json = {k: v[0] for k, v in form.items()}
        self.xml = _xml(self.body) if service in ("cloudfront", "route53") else None

    def query_value(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def path_id(self) -> str | None:
        match = _PATH_ID.search(self.environ.get("PATH_INFO", ""))
        return unquote(match.group(1)) if match else None


def _account(access_key: str) -> str:
    from moto.iam.models import get_account_id_from

    return get_account_id_from(access_key)


def _distribution_tags(account: str, arn: str) -> dict[str, str]:
    from moto.cloudfront.models import cloudfront_backends

    for backend in list(cloudfront_backends[account].values()):
        tags = backend.tagger.list_tags_for_resource(arn).get("Tags", [])
        if tags:
            return {t["Key"]: t["Value"] for t in tags}
    return {}


def _certificate_tags(account: str, arn: str) -> dict[str, str]:
    from moto.acm.models import acm_backends

    region = arn.split(":")[3] if arn.count(":") >= 5 else "us-east-1"
    try:
        bundle = acm_backends[account][region].get_certificate(arn)
    except Exception:  # not (or no longer) there: no tags
        return {}
    return {str(k): v or "" for k, v in dict(bundle.tags).items()}  # moto's TagHolder: a dict


def _request_tags(request: _Request) -> dict[str, str] | None:
    """The tags the request adds (None: it adds none)."""
    if request.service == "cloudfront":
        tags = _find_all(request.xml, "Tag")
        if not tags:
            return None
        return {_child_text(t, "Key") or "": _child_text(t, "Value") or "" for t in tags}
    items = request.json.get("Tags")
    if isinstance(items, list) and items:
        return {str(t.get("Key")): str(t.get("Value", "")) for t in items if isinstance(t, dict)}
    return None


def _tag_keys(request: _Request, tags: dict[str, str] | None) -> list[str] | None:
    if request.service == "cloudfront":
        keys = _find_all(request.xml, "TagKeys")
        if keys:
            return [k.text or "" for k in keys[0].iter() if _local(k.tag) == "Key"]
    return None if tags is None else list(tags)


def _route53_keys(request: _Request) -> dict[str, Any]:
    """route53:ChangeResourceRecordSets* of a change batch (Route 53 Developer Guide,
    "Using IAM policy conditions for fine-grained access control": names lowercased,
    without the trailing dot)."""
    changes = _find_all(request.xml, "Change")
    if not changes:
        return {}
    actions, types, names = [], [], []
    for change in changes:
        actions.append(_child_text(change, "Action") or "")
        for record in change:
            if _local(record.tag) == "ResourceRecordSet":
                types.append(_child_text(record, "Type") or "")
                names.append((_child_text(record, "Name") or "").rstrip(".").lower())
    return {"route53:ChangeResourceRecordSetsActions": sorted(set(actions)),
            "route53:ChangeResourceRecordSetsRecordTypes": sorted(set(types)),
            "route53:ChangeResourceRecordSetsNormalizedRecordNames": sorted(set(names))}


def _resources(kind: str, request: _Request, account: str) -> list[str]:
    partition = "aws"
    cloudfront = f"arn:{partition}:cloudfront::{account}:distribution/"
    if kind == NONE:
        return ["*"]
    if kind == DISTRIBUTION and request.path_id():
        return [cloudfront + request.path_id()]
    if kind == TAGGED and request.query_value("Resource"):
        return [request.query_value("Resource")]
    if kind == CONFLICT_TARGET and request.query_value("DistributionId"):
        return [cloudfront + request.query_value("DistributionId")]
    if kind in (DOMAIN_DISTRIBUTION, DOMAIN_TENANT):
        name, arn = (("DistributionId", cloudfront) if kind == DOMAIN_DISTRIBUTION else
                     ("DistributionTenantId",
                      f"arn:{partition}:cloudfront::{account}:distribution-tenant/"))
        found = _find_all(request.xml, name)
        return [arn + found[0].text] if found and found[0].text else []
    if kind == DOMAIN_TARGET:
        for name, arn in (("DistributionId", cloudfront),
                          ("DistributionTenantId",
                           f"arn:{partition}:cloudfront::{account}:distribution-tenant/")):
            found = _find_all(request.xml, name)
            if found and found[0].text:
                return [arn + found[0].text]
        return ["*"]
    if kind == CERTIFICATE and request.json.get("CertificateArn"):
        return [request.json["CertificateArn"]]
    if kind == PARAMETER_PATH:
        path = request.json.get("Path")
        return ([f"arn:{partition}:ssm:{request.region}:{account}:parameter/{path.lstrip('/')}"]
                if isinstance(path, str) else [])
    if kind in (PARAMETER, PARAMETERS):
        names = request.json.get("Names") if kind == PARAMETERS else [request.json.get("Name")]
        return [f"arn:{partition}:ssm:{request.region}:{account}:parameter/{n.lstrip('/')}"
                for n in names or [] if isinstance(n, str)]
    if kind == HOSTED_ZONE and request.path_id():
        return [f"arn:{partition}:route53:::hostedzone/{request.path_id()}"]
    if kind == STACK:
        name = request.json.get("StackName")
        if not name:
            return ["*"]
        if name.startswith("arn:"):
            return [name]
        return [f"arn:{partition}:cloudformation:{request.region}:{account}:stack/{name}/*"]
    return []  # created by the call: filled in from the answer (complete)


def describe(service: str, operation: str | None, environ: dict) -> dict[str, Any]:
    """The call as IAM sees it, before it reaches moto (the resource's tags as they are
    before the call). Reads the request's body and puts it back."""
    request = _Request(service, environ)
    account = _account(request.access_key)
    trace = environ.get("HTTP_X_AMZN_TRACE_ID", "")
    described: dict[str, Any] = {
        "region": request.region,
        "account": account,
        "access_key": request.access_key,
        "trace_id": trace or None,
        "user_agent": environ.get("HTTP_X_AMZ_USER_AGENT") or environ.get("HTTP_USER_AGENT"),
        "iam": None,
    }
    rows = ACTIONS.get((service, operation or ""))
    if rows is None:
        return described
    tags = _request_tags(request)
    keys = _tag_keys(request, tags)
    context: dict[str, Any] = {}
    if tags:
        context.update({f"aws:RequestTag/{k}": v for k, v in tags.items()})
    if keys is not None:
        context["aws:TagKeys"] = keys
    if service == "acm" and request.json.get("ValidationMethod"):
        context["acm:ValidationMethod"] = request.json["ValidationMethod"]
    if service == "route53":
        context.update(_route53_keys(request))
    entries = []
    for action, kind, only_with_tags in rows:
        if only_with_tags and not tags:
            continue
        resources = _resources(kind, request, account)
        if not resources and kind in (DOMAIN_DISTRIBUTION, DOMAIN_TENANT):
            continue  # asked through the other kind of resource
        entries.append({
            "action": action,
            "kind": kind,
            "resources": [{"arn": arn, "tags": _resource_tags(account, arn)}
                          for arn in resources],
        })
    described["iam"] = {"actions": entries, "context": context}
    return described


def _resource_tags(account: str, arn: str) -> dict[str, str]:
    if ":cloudfront::" in arn and ":distribution/" in arn:
        return _distribution_tags(account, arn)
    if ":acm:" in arn and ":certificate/" in arn:
        return _certificate_tags(account, arn)
    return {}


def complete(described: dict[str, Any], status: int, body: bytes) -> None:
    """Fills in the resources a call creates, from its answer."""
    iam = described.get("iam")
    if not iam or status >= 300:
        return
    for entry in iam["actions"]:
        if entry["kind"] == NEW_DISTRIBUTION:
            ids = _find_all(_xml(body), "Id")
            arns = _find_all(_xml(body), "ARN")
            if arns and arns[0].text:
                entry["resources"] = [{"arn": arns[0].text, "tags": {}}]
            elif ids and ids[0].text:
                entry["resources"] = [{"arn": f"arn:aws:cloudfront::{described['account']}:"
                                              f"distribution/{ids[0].text}", "tags": {}}]
        elif entry["kind"] == NEW_CERTIFICATE:
            try:
                arn = json.loads(body).get("CertificateArn")
            except ValueError:
                arn = None
            if arn:
                entry["resources"] = [{"arn": arn, "tags": {}}]


def wants_answer(described: dict[str, Any]) -> bool:
    iam = described.get("iam")
    return bool(iam) and any(e["kind"] in (NEW_DISTRIBUTION, NEW_CERTIFICATE)
                             for e in iam["actions"])

