"""The call log says how IAM would see each call (iam.py): the actions of the Service
Authorization Reference, the resource ARNs, the request's and the resource's tags. Stock
moto has no call log at all, so these run against the emulator only."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from conftest import distribution_config


def last(emulator, operation: str) -> dict:
    calls = [c for c in emulator.control("GET", "calls/all") if c["operation"] == operation]
    assert calls, f"no {operation} in the log"
    return calls[-1]


def actions(call: dict) -> list[tuple[str, list[str]]]:
    return [(a["action"], [r["arn"] for r in a["resources"]]) for a in call["iam"]["actions"]]


def test_create_with_tags_is_create_distribution_and_tag_resource_on_the_new_one(emulator):
    cf = emulator.client("cloudfront")
    made = cf.create_distribution_with_tags(DistributionConfigWithTags={
        "DistributionConfig": distribution_config(),
        "Tags": {"Items": [{"Key": "cfclone:stack-id", "Value": "arn:aws:cloudformation:x"}]}})
    arn = made["Distribution"]["ARN"]
    call = last(emulator, "CreateDistributionWithTags")
    assert actions(call) == [("cloudfront:CreateDistribution", ["*"]),
                             ("cloudfront:TagResource", [arn])]
    assert call["iam"]["context"] == {"aws:RequestTag/cfclone:stack-id": "arn:aws:cloudformation:x",
                                      "aws:TagKeys": ["cfclone:stack-id"]}
    assert call["account"] == "123456789012" and call["region"] == "us-east-1"


def test_update_and_delete_carry_the_distributions_tags_as_they_were_before_the_call(emulator):
    cf = emulator.client("cloudfront")
    made = cf.create_distribution_with_tags(DistributionConfigWithTags={
        "DistributionConfig": distribution_config(enabled=False),
        "Tags": {"Items": [{"Key": "cfclone:stack-id", "Value": "owner"}]}})
    dist_id, arn = made["Distribution"]["Id"], made["Distribution"]["ARN"]
    cf.untag_resource(Resource=arn, TagKeys={"Items": ["team"]})
    untag = last(emulator, "UntagResource")
    assert actions(untag) == [("cloudfront:UntagResource", [arn])]
    assert untag["iam"]["context"] == {"aws:TagKeys": ["team"]}
    assert untag["iam"]["actions"][0]["resources"][0]["tags"] == {"cfclone:stack-id": "owner"}
    try:  # refused or not (the emulator waits for Deployed), the call is logged
        cf.delete_distribution(Id=dist_id, IfMatch=made["ETag"])
    except ClientError:
        pass
    delete = last(emulator, "DeleteDistribution")
    assert actions(delete) == [("cloudfront:DeleteDistribution", [arn])]
    assert delete["iam"]["actions"][0]["resources"][0]["tags"] == {"cfclone:stack-id": "owner"}


def test_ssm_parameters_are_arns_in_the_callers_region(emulator):
    ssm = emulator.client("ssm")
    ssm.put_parameter(Name="/cfclone/shop/distribution-id", Value="E1", Type="String")
    ssm.delete_parameters(Names=["/cfclone/shop/distribution-id", "/cfclone/shop/other"])
    assert actions(last(emulator, "PutParameter")) == [
        ("ssm:PutParameter", ["arn:aws:ssm:us-east-1:123456789012:parameter/cfclone/shop/distribution-id"])]
    assert actions(last(emulator, "DeleteParameters")) == [
        ("ssm:DeleteParameters", ["arn:aws:ssm:us-east-1:123456789012:parameter/cfclone/shop/distribution-id",
                                  "arn:aws:ssm:us-east-1:123456789012:parameter/cfclone/shop/other"])]


def test_a_certificate_request_with_tags_needs_add_tags_and_names_its_validation_method(emulator):
    acm = emulator.client("acm")
    arn = acm.request_certificate(DomainName="shop.example.com", ValidationMethod="DNS",
                                  Tags=[{"Key": "cfclone:stack-id", "Value": "s"}])["CertificateArn"]
    call = last(emulator, "RequestCertificate")
    assert actions(call) == [("acm:RequestCertificate", ["*"]), ("acm:AddTagsToCertificate", [arn])]
    assert call["iam"]["context"]["acm:ValidationMethod"] == "DNS"
    acm.delete_certificate(CertificateArn=arn)
    delete = last(emulator, "DeleteCertificate")
    assert delete["iam"]["actions"][0]["resources"] == [{"arn": arn, "tags": {"cfclone:stack-id": "s"}}]


def test_route53_changes_carry_the_record_condition_keys(emulator):
    r53 = emulator.client("route53")
    zone = r53.create_hosted_zone(Name="example.com", CallerReference="iam-test")["HostedZone"]["Id"]
    zone_id = zone.rsplit("/", 1)[-1]
    r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {
            "Name": "_ABC.Shop.example.com.", "Type": "CNAME", "TTL": 300,
            "ResourceRecords": [{"Value": "_x.acm-validations.aws."}]}}]})
    call = last(emulator, "ChangeResourceRecordSets")
    assert actions(call) == [("route53:ChangeResourceRecordSets",
                              [f"arn:aws:route53:::hostedzone/{zone_id}"])]
    assert call["iam"]["context"] == {
        "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
        "route53:ChangeResourceRecordSetsRecordTypes": ["CNAME"],
        "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["_abc.shop.example.com"]}


def test_an_operation_without_a_row_is_logged_unmapped(emulator):
    emulator.client("route53").list_hosted_zones()
    assert last(emulator, "ListHostedZones")["iam"] is None


def test_forgetting_the_calls_keeps_the_journal(emulator):
    emulator.client("cloudfront").list_distributions()
    emulator.control("DELETE", "calls")
    assert not [c for c in emulator.control("GET", "calls") if c["operation"] == "ListDistributions"]
    assert last(emulator, "ListDistributions")["iam"]["actions"] == [
        {"action": "cloudfront:ListDistributions", "kind": "none", "resources": [{"arn": "*", "tags": {}}]}]


@pytest.mark.parametrize("trace", ["Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"])
def test_the_trace_header_a_lambdas_sdk_sends_is_kept(emulator, trace):
    status, _, _ = emulator.request(
        "GET", "/2020-05-31/distribution",
        headers={"Authorization": "AWS4-HMAC-SHA256 Credential=testing/20261201/us-east-1/"
                                  "cloudfront/aws4_request, SignedHeaders=host, Signature=0",
                 "X-Amzn-Trace-Id": trace})
    assert status == 200
    assert last(emulator, "ListDistributions")["trace_id"] == trace


def test_list_domain_conflicts_is_authorised_on_the_validation_resource(emulator):
    cf = emulator.client("cloudfront")
    with pytest.raises(ClientError):  # no such distribution: logged all the same
        cf.list_domain_conflicts(Domain="www.example.com",
                                 DomainControlValidationResource={"DistributionId": "EASKED"})
    # and GetDistribution on it (the Service Authorization Reference's operations table)
    assert actions(last(emulator, "ListDomainConflicts")) == [
        ("cloudfront:ListDomainConflicts", ["arn:aws:cloudfront::123456789012:distribution/EASKED"]),
        ("cloudfront:GetDistribution", ["arn:aws:cloudfront::123456789012:distribution/EASKED"])]
    with pytest.raises(ClientError):
        cf.list_domain_conflicts(Domain="www.example.com",
                                 DomainControlValidationResource={"DistributionTenantId": "dt_1"})
    assert actions(last(emulator, "ListDomainConflicts")) == [
        ("cloudfront:ListDomainConflicts",
         ["arn:aws:cloudfront::123456789012:distribution-tenant/dt_1"]),
        ("cloudfront:GetDistributionTenant",
         ["arn:aws:cloudfront::123456789012:distribution-tenant/dt_1"])]
