"""Every request checked against botocore's model of its operation (validation.py).

The clients here skip botocore's own client-side check (`parameter_validation=False`), so
that a request an SDK without it (the Rust SDK checks only required members) could send
reaches the server; stock moto takes it, the emulator refuses it as AWS does."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import REGION, distribution_config, unique

UNCHECKED = Config(retries={"total_max_attempts": 1}, region_name=REGION,
                   parameter_validation=False)
SIGNED = "AWS4-HMAC-SHA256 Credential=testing/20261201/us-east-1/{}/aws4_request, " \
         "SignedHeaders=host, Signature=0"


def client(server, service: str):
    return boto3.client(service, endpoint_url=server.url, config=UNCHECKED,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def refusal(call) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as e:
        call()
    response = e.value.response
    return (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"],
            response["Error"]["Message"])


def answer(call) -> tuple[str, int] | None:
    """(code, status) of an error, None for a success."""
    try:
        call()
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    return None


def with_tags(config: dict) -> dict:
    return {"DistributionConfig": config, "Tags": {"Items": [{"Key": "k", "Value": "v"}]}}


def test_a_distribution_missing_a_required_member_is_malformed_xml(stock, emulator):
    config = distribution_config()
    del config["Enabled"]
    create = lambda s: client(s, "cloudfront").create_distribution_with_tags(  # noqa: E731
        DistributionConfigWithTags=with_tags(config))
    assert answer(lambda: create(stock)) is None  # moto makes it
    assert refusal(lambda: create(emulator)) == (
        "MalformedXML", 400, "1 validation error detected: Value null at "
        "'distributionConfigWithTags.distributionConfig.enabled' failed to satisfy "
        "constraint: Member must not be null")


def test_a_comment_over_128_characters_is_too_big_and_128_fit(stock, emulator):
    long = distribution_config()
    long["Comment"] = "c" * 129
    assert answer(lambda: client(stock, "cloudfront").create_distribution(
        DistributionConfig=long)) is None
    assert refusal(lambda: client(emulator, "cloudfront").create_distribution(
        DistributionConfig=long)) == ("InvalidArgument", 400, "The parameter Comment is too big.")
    fits = distribution_config()
    fits["Comment"] = "c" * 128
    client(emulator, "cloudfront").create_distribution(DistributionConfig=fits)


def test_an_enum_value_the_model_does_not_list_is_refused_naming_the_set(stock, emulator):
    config = distribution_config(certificate="arn:aws:acm:us-east-1:123456789012:certificate/x")
    config["ViewerCertificate"]["MinimumProtocolVersion"] = "TLSv1.2_2017"
    create = lambda s: client(s, "cloudfront").create_distribution(  # noqa: E731
        DistributionConfig=config)
    assert answer(lambda: create(stock)) is None
    code, status, message = refusal(lambda: create(emulator))
    assert (code, status) == ("MalformedXML", 400)
    assert message.startswith(
        "1 validation error detected: Value 'TLSv1.2_2017' at "
        "'distributionConfig.viewerCertificate.minimumProtocolVersion' failed to satisfy "
        "constraint: Member must satisfy enum value set: [SSLv3, TLSv1, TLSv1_2016, ")


def test_ssm_refuses_a_name_over_2048_characters_and_an_unknown_type(stock, emulator):
    name = "/" + "n" * 2048
    put = lambda s, **kw: client(s, "ssm").put_parameter(Value="v", **kw)  # noqa: E731
    assert answer(lambda: put(stock, Name=name, Type="String")) is None
    assert refusal(lambda: put(emulator, Name=name, Type="String")) == (
        "ValidationException", 400, f"1 validation error detected: Value '{name}' at 'name' "
        "failed to satisfy constraint: Member must have length less than or equal to 2048")
    assert refusal(lambda: put(emulator, Name="/t/type", Type="Text"))[:3] == (
        "ValidationException", 400, "1 validation error detected: Value 'Text' at 'type' "
        "failed to satisfy constraint: Member must satisfy enum value set: "
        "[String, StringList, SecureString]")
    put(emulator, Name="/t/type", Type="String")


def test_acm_refuses_a_validation_method_it_does_not_have(stock, emulator):
    request = lambda s: client(s, "acm").request_certificate(  # noqa: E731
        DomainName="www.example.com", ValidationMethod="SMS")
    assert answer(lambda: request(stock)) is None
    assert refusal(lambda: request(emulator)) == (
        "ValidationException", 400, "1 validation error detected: Value 'SMS' at "
        "'validationMethod' failed to satisfy constraint: Member must satisfy enum value set: "
        "[EMAIL, DNS, HTTP]")


def test_several_violations_are_listed_together_and_a_sensitive_value_is_not_shown(emulator):
    acm = client(emulator, "acm")
    code, status, message = refusal(lambda: acm.import_certificate(
        Certificate=b"c", PrivateKey=b"k" * 8193, CertificateArn="arn:a:acm::1:c"))
    assert (code, status) == ("ValidationException", 400)
    assert message == (
        "2 validation errors detected: Value 'arn:a:acm::1:c' at 'certificateArn' failed to "
        "satisfy constraint: Member must have length greater than or equal to 20; Value at "
        "'privateKey' failed to satisfy constraint: Member must have length less than or "
        "equal to 8192")


def test_route53_refuses_a_change_with_an_unknown_action_or_record_type(stock, emulator):
    for server in (stock, emulator):
        route53 = client(server, "route53")
        zone = route53.create_hosted_zone(Name="example.com", CallerReference=unique("z"))
        batch = {"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
            "Name": "a.example.com", "Type": "ALIAS", "TTL": 60,
            "ResourceRecords": [{"Value": "b.example.com"}]}}]}
        change = lambda: route53.change_resource_record_sets(  # noqa: E731
            HostedZoneId=zone["HostedZone"]["Id"], ChangeBatch=batch)
        if server is stock:
            assert answer(change) is None  # moto stores a record of type ALIAS
            continue
        code, status, message = refusal(change)
        assert (code, status) == ("InvalidInput", 400)
        assert message.startswith(
            "1 validation error detected: Value 'ALIAS' at "
            "'changeBatch.changes.1.member.resourceRecordSet.type' failed to satisfy "
            "constraint: Member must satisfy enum value set: [SOA, A, TXT, NS, CNAME, ")
        batch["Changes"][0]["Action"] = "REPLACE"  # moto refuses this one too
        batch["Changes"][0]["ResourceRecordSet"]["Type"] = "CNAME"
        assert refusal(change) == (
            "InvalidInput", 400, "1 validation error detected: Value 'REPLACE' at "
            "'changeBatch.changes.1.member.action' failed to satisfy constraint: Member must "
            "satisfy enum value set: [CREATE, DELETE, UPSERT]")
        batch["Changes"][0]["Action"] = "UPSERT"
        route53.change_resource_record_sets(HostedZoneId=zone["HostedZone"]["Id"],
                                            ChangeBatch=batch)


def test_sts_refuses_a_session_name_outside_its_pattern(stock, emulator):
    assume = lambda s: client(s, "sts").assume_role(  # noqa: E731
        RoleArn="arn:aws:iam::123456789012:role/cfclone", RoleSessionName="a:b")
    assert answer(lambda: assume(stock)) is None
    assert refusal(lambda: assume(emulator)) == (
        "ValidationError", 400, "1 validation error detected: Value 'a:b' at "
        "'roleSessionName' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: [\\w+=,.@-]*")


def test_a_refusal_is_in_the_call_log_and_the_report_and_valid_requests_pass(emulator):
    emulator.control("DELETE", "calls")
    emulator.control("DELETE", "validation")
    acm, s3 = client(emulator, "acm"), client(emulator, "s3")
    refusal(lambda: acm.request_certificate(DomainName="-bad-.example.com"))
    arn = acm.request_certificate(DomainName="www.example.com",
                                  ValidationMethod="DNS")["CertificateArn"]
    acm.describe_certificate(CertificateArn=arn)
    s3.create_bucket(Bucket="cfclone-validation")
    url = s3.generate_presigned_url("put_object", Params={"Bucket": "cfclone-validation",
                                                          "Key": "stack/event id"})
    assert emulator.request("PUT", url[len(emulator.url):], b"{}")[0] == 200
    assert emulator.control("GET", "calls") == [
        {"service": "acm", "operation": op, "status": status} for op, status in [
            ("RequestCertificate", 400), ("RequestCertificate", 200),
            ("DescribeCertificate", 200)]
    ] + [{"service": "s3", "operation": op, "status": 200} for op in ("CreateBucket",
                                                                       "PutObject")]
    report = emulator.control("GET", "validation")
    assert report["checked"] == 5 and report["unchecked"] == []
    assert [(r["operation"], r["code"]) for r in report["refused"]] == [
        ("RequestCertificate", "ValidationException")]
    assert "Member must satisfy regular expression pattern" in report["refused"][0]["message"]


def test_a_request_no_operation_fits_is_reported_unchecked_not_skipped_silently(emulator):
    emulator.control("DELETE", "validation")
    status, _, _ = emulator.request("GET", "/2020-05-31/no-such-resource",
                                    headers={"Authorization": SIGNED.format("cloudfront")})
    assert status >= 400  # moto's own answer
    assert emulator.control("GET", "validation")["unchecked"] == [{
        "service": "cloudfront", "operation": None, "method": "GET",
        "path": "/2020-05-31/no-such-resource",
        "reason": "no operation of the model fits the request"}]
