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
