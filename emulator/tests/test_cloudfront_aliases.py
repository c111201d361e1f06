"""CloudFront aliases: in ListDistributions summaries, and ListConflictingAliases."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from conftest import distribution_config, self_signed, unique


def cert(server, names) -> str:
    pem, key = self_signed(names)
    return server.client("acm").import_certificate(
        Certificate=pem, PrivateKey=key)["CertificateArn"]


def create(server, **kwargs) -> str:
    out = server.client("cloudfront").create_distribution(
        DistributionConfig=distribution_config(**kwargs))
    return out["Distribution"]["Id"]


def test_summaries_carry_the_aliases(stock, emulator):
    for server in (stock, emulator):
        alias = unique("summary") + ".example.com"
        dist_id = create(server, aliases=[alias])
        items = server.client("cloudfront").list_distributions()["DistributionList"]["Items"]
        summary = next(i for i in items if i["Id"] == dist_id)
        if server is stock:
            assert summary.get("Aliases", {}).get("Items") in (None, [])  # moto leaves them out
        else:
            assert summary["Aliases"] == {"Quantity": 1, "Items": [alias]}
            assert summary["Comment"] == "emulator test"
            assert summary["Enabled"] is True


def test_conflicting_aliases_are_listed_masked(stock, emulator):
    domain = unique("zone") + ".example.com"
    with pytest.raises(ClientError):  # stock moto has no route for it
        stock.client("cloudfront").list_conflicting_aliases(
            DistributionId="EANY", Alias="www." + domain)
    cf = emulator.client("cloudfront")
    wildcard = cert(emulator, ["*." + domain])
    asking = create(emulator, aliases=["a." + domain], certificate=wildcard)
    holder = create(emulator, aliases=["www." + domain])
    found = cf.list_conflicting_aliases(DistributionId=asking, Alias="www." + domain)
    listing = found["ConflictingAliasesList"]
    assert listing["Quantity"] == 1
    item = listing["Items"][0]
    assert item["Alias"] == "www." + domain
    assert item["DistributionId"].endswith(holder[-4:])
    assert item["DistributionId"].startswith("*") and holder not in item["DistributionId"]
    assert item["AccountId"].endswith("9012") and item["AccountId"].startswith("*")
    # Nothing holds another name.
    empty = cf.list_conflicting_aliases(DistributionId=asking, Alias="shop." + domain)
    assert empty["ConflictingAliasesList"]["Quantity"] == 0


def test_the_asking_distribution_must_cover_the_alias(emulator):
    cf = emulator.client("cloudfront")
    domain = unique("zone") + ".example.com"
    plain = create(emulator)
    with pytest.raises(ClientError) as e:
        cf.list_conflicting_aliases(DistributionId=plain, Alias="www." + domain)
    assert e.value.response["Error"]["Code"] == "InvalidArgument"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as e:
        cf.list_conflicting_aliases(DistributionId="ENOSUCHDIST", Alias="www." + domain)
    assert e.value.response["Error"]["Code"] == "NoSuchDistribution"


def validated_by(dist_id: str) -> dict:
    return {"DistributionId": dist_id}


def test_domain_conflicts_list_distributions_and_tenants(stock, emulator):
    domain = unique("zone") + ".example.com"
    with pytest.raises(ClientError):  # stock moto has no route for it
        stock.client("cloudfront").list_domain_conflicts(
            Domain="www." + domain, DomainControlValidationResource=validated_by("EANY"))
    cf = emulator.client("cloudfront")
    wildcard = cert(emulator, ["*." + domain])
    asking = create(emulator, aliases=["a." + domain], certificate=wildcard)
    holder = create(emulator, aliases=["www." + domain])
    tenant_id = "dt_" + unique("tenant").replace("-", "")[:27]
    emulator.control("POST", "cloudfront/tenant", {
        "id": tenant_id, "domains": ["shop." + domain], "account": "210987654321"})

    found = cf.list_domain_conflicts(
        Domain="www." + domain, DomainControlValidationResource=validated_by(asking))
    assert "NextMarker" not in found
    [item] = found["DomainConflicts"]
    assert item["Domain"] == "www." + domain
    assert item["ResourceType"] == "distribution"
    half = len(holder) // 2
    assert item["ResourceId"] == "*" * half + holder[half:]
    assert item["AccountId"] == "******789012"  # as aws-cli's example shows it

    [tenant] = cf.list_domain_conflicts(
        Domain="shop." + domain,
        DomainControlValidationResource=validated_by(asking))["DomainConflicts"]
    assert tenant["ResourceType"] == "distribution-tenant"
    assert tenant["Domain"] == "shop." + domain
    assert tenant["ResourceId"].endswith(tenant_id[len(tenant_id) // 2:])
    assert tenant["ResourceId"].startswith("*") and tenant_id not in tenant["ResourceId"]
    assert tenant["AccountId"] == "******654321"

    # A wildcard domain: every name under it, the tenant's too, and the asker's own.
    everything = cf.list_domain_conflicts(
        Domain="*." + domain, DomainControlValidationResource=validated_by(asking))
    assert sorted(c["Domain"] for c in everything["DomainConflicts"]) == sorted(
        ["a." + domain, "www." + domain, "shop." + domain])
    # Nothing holds another name.
    empty = cf.list_domain_conflicts(
        Domain="free." + domain, DomainControlValidationResource=validated_by(asking))
    assert empty.get("DomainConflicts", []) == []


def test_domain_conflicts_root_is_the_output_shape(emulator):
    # The AWS SDK for Rust reads nothing but <ListDomainConflictsResult>.
    domain = unique("zone") + ".example.com"
    asking = create(emulator, aliases=["a." + domain],
                    certificate=cert(emulator, ["*." + domain]))
    body = ('<ListDomainConflictsRequest xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">'
            f"<Domain>a.{domain}</Domain><DomainControlValidationResource>"
            f"<DistributionId>{asking}</DistributionId></DomainControlValidationResource>"
            "</ListDomainConflictsRequest>")
    auth = ("AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/cloudfront/aws4_request, "
            "SignedHeaders=host, Signature=x")
    status, _, data = emulator.request("POST", "/2020-05-31/domain-conflicts", body.encode(),
                                       {"Authorization": auth, "Content-Type": "text/xml"})
    assert status == 200, data
    assert b"<ListDomainConflictsResult" in data and b"</ListDomainConflictsResult>" in data
    assert b"ListDomainConflictsResponse" not in data


def test_domain_conflicts_page(emulator):
    cf = emulator.client("cloudfront")
    domain = unique("zone") + ".example.com"
    asking = create(emulator, aliases=["a." + domain],
                    certificate=cert(emulator, ["*." + domain]))
    for n in range(3):
        emulator.control("POST", "cloudfront/tenant", {
            "id": f"dt_{unique('page')}{n}", "domains": [f"t{n}.{domain}"]})
    first = cf.list_domain_conflicts(
        Domain="*." + domain, DomainControlValidationResource=validated_by(asking),
        MaxItems=2)
    assert len(first["DomainConflicts"]) == 2 and first["NextMarker"]
    rest = cf.list_domain_conflicts(
        Domain="*." + domain, DomainControlValidationResource=validated_by(asking),
        MaxItems=2, Marker=first["NextMarker"])
    assert len(rest["DomainConflicts"]) == 2 and "NextMarker" not in rest


def test_domain_conflicts_need_a_covering_resource_of_the_account(emulator):
    cf = emulator.client("cloudfront")
    domain = unique("zone") + ".example.com"
    plain = create(emulator)
    with pytest.raises(ClientError) as e:
        cf.list_domain_conflicts(
            Domain="www." + domain, DomainControlValidationResource=validated_by(plain))
    assert e.value.response["Error"]["Code"] == "InvalidArgument"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as e:
        cf.list_domain_conflicts(
            Domain="www." + domain,
            DomainControlValidationResource=validated_by("ENOSUCHDIST"))
    assert e.value.response["Error"]["Code"] == "EntityNotFound"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as e:
        cf.list_domain_conflicts(Domain="www." + domain, DomainControlValidationResource={})
    assert e.value.response["Error"]["Code"] == "InvalidArgument"
    # A tenant of the account, with a certificate covering the domain, can be asked through.
    tenant_id = "dt_" + unique("asker").replace("-", "")
    emulator.control("POST", "cloudfront/tenant", {
        "id": tenant_id, "domains": ["t." + domain],
        "certificate_arn": cert(emulator, ["*." + domain])})
    found = cf.list_domain_conflicts(
        Domain="t." + domain,
        DomainControlValidationResource={"DistributionTenantId": tenant_id})
    assert [c["ResourceType"] for c in found["DomainConflicts"]] == ["distribution-tenant"]
