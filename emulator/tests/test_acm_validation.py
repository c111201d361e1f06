"""ACM's DNS validation, certificates in use, idempotency tokens: stock moto and the emulator."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from conftest import distribution_config, list_all, self_signed, unique


def request(server, domain, sans=(), **kwargs) -> str:
    args = {"DomainName": domain, "ValidationMethod": "DNS", **kwargs}
    if sans:
        args["SubjectAlternativeNames"] = list(sans)
    return server.client("acm").request_certificate(**args)["CertificateArn"]


def described(server, arn) -> dict:
    return server.client("acm").describe_certificate(CertificateArn=arn)["Certificate"]


def options(server, arn) -> dict[str, dict]:
    return {o["DomainName"]: o for o in described(server, arn)["DomainValidationOptions"]}


def zone(server, name) -> str:
    out = server.client("route53").create_hosted_zone(Name=name, CallerReference=unique("zone"))
    return out["HostedZone"]["Id"]


def upsert(server, zone_id, record) -> None:
    server.client("route53").change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={
        "Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
            "Name": record["Name"], "Type": record["Type"], "TTL": 300,
            "ResourceRecords": [{"Value": record["Value"]}]}}]})


@pytest.fixture
def settings(emulator):
    yield emulator
    emulator.control("POST", "acm/validation", {"reset": True})


def test_a_dns_validated_certificate_is_issued_once_its_records_are_in_dns(stock, emulator):
    domain = unique("dns") + ".example.com"
    names = ("*." + domain, "api." + domain)
    lenient = options(stock, request(stock, domain, names))
    # Stock moto: one constant record label for every name, whatever DNS holds.
    assert len({o["ResourceRecord"]["Name"].split(".")[0] for o in lenient.values()}) == 1

    arn = request(emulator, domain, names)
    found = options(emulator, arn)
    assert described(emulator, arn)["Status"] == "PENDING_VALIDATION"
    assert set(found) == {domain, *names}
    apex, wildcard, api = (found[n]["ResourceRecord"] for n in (domain, names[0], names[1]))
    assert apex == wildcard, "a wildcard shares its base name's record"
    assert api != apex and api["Name"].endswith("." + names[1] + ".")
    assert apex["Type"] == "CNAME" and apex["Value"].endswith(".acm-validations.aws.")
    assert {o["ValidationStatus"] for o in found.values()} == {"PENDING_VALIDATION"}

    zone_id = zone(emulator, domain)
    upsert(emulator, zone_id, apex)
    found = options(emulator, arn)
    assert described(emulator, arn)["Status"] == "PENDING_VALIDATION"
    assert found[domain]["ValidationStatus"] == "SUCCESS"
    assert found[names[1]]["ValidationStatus"] == "PENDING_VALIDATION"
    # A record with another value validates nothing.
    upsert(emulator, zone_id, {**api, "Value": "_wrong.acm-validations.aws."})
    assert described(emulator, arn)["Status"] == "PENDING_VALIDATION"
    upsert(emulator, zone_id, api)
    cert = described(emulator, arn)
    assert cert["Status"] == "ISSUED"
    assert {o["ValidationStatus"] for o in cert["DomainValidationOptions"]} == {"SUCCESS"}
    listed = list_all(emulator, CertificateStatuses=["ISSUED"])
    assert arn in [s["CertificateArn"] for s in listed]


def test_a_certificate_requested_without_dns_validation_keeps_moto_s_wait(emulator):
    arn = emulator.client("acm").request_certificate(
        DomainName=unique("mail") + ".example.com")["CertificateArn"]
    cert = described(emulator, arn)
    assert cert["Status"] == "PENDING_VALIDATION"  # MOTO_ACM_VALIDATION_WAIT: 60 s here
    assert len({o["ResourceRecord"]["Name"] for o in cert["DomainValidationOptions"]}) == 1


def test_a_certificate_in_use_by_a_distribution_cannot_be_deleted(stock, emulator):
    for server in (stock, emulator):
        alias = unique("used") + ".example.com"
        pem, key = self_signed([alias])
        acm = server.client("acm")
        arn = acm.import_certificate(Certificate=pem, PrivateKey=key)["CertificateArn"]
        dist = server.client("cloudfront").create_distribution(
            DistributionConfig=distribution_config(aliases=[alias], certificate=arn))
        if server is stock:
            assert described(server, arn)["InUseBy"] == []
            acm.delete_certificate(CertificateArn=arn)  # gone, under a live distribution
            continue
        assert described(server, arn)["InUseBy"] == [dist["Distribution"]["ARN"]]
        summary = next(s for s in list_all(server) if s["CertificateArn"] == arn)
        assert summary["InUse"] is True
        with pytest.raises(ClientError) as e:
            acm.delete_certificate(CertificateArn=arn)
        assert e.value.response["Error"]["Code"] == "ResourceInUseException"
        assert described(server, arn)["CertificateArn"] == arn


def test_timeouts_caa_late_records_and_the_quota(settings):
    emulator = settings
    emulator.control("POST", "acm/validation", {"timeout_s": 0})
    late = request(emulator, unique("late") + ".example.com")
    assert described(emulator, late)["Status"] == "VALIDATION_TIMED_OUT"
    assert {o["ValidationStatus"] for o in described(emulator, late)["DomainValidationOptions"]} \
        == {"FAILED"}

    domain = unique("caa") + ".example.org"
    emulator.control("POST", "acm/validation", {"reset": True, "caa": [domain]})
    refused = described(emulator, request(emulator, "www." + domain))
    assert (refused["Status"], refused["FailureReason"]) == ("FAILED", "CAA_ERROR")

    emulator.control("POST", "acm/validation", {"reset": True, "record_after": 1})
    arn = request(emulator, unique("slow") + ".example.com")
    assert all("ResourceRecord" not in o for o in described(emulator, arn)["DomainValidationOptions"])
    assert all("ResourceRecord" in o for o in described(emulator, arn)["DomainValidationOptions"])

    every_key = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1",
                 "EC_secp384r1", "EC_secp521r1"]
    held = len(list_all(emulator, Includes={"keyTypes": every_key}))
    emulator.control("POST", "acm/validation", {"reset": True, "quota": held})
    with pytest.raises(ClientError) as e:
        request(emulator, unique("over") + ".example.com")
    assert e.value.response["Error"]["Code"] == "LimitExceededException"


def test_idempotency_tokens(stock, emulator):
    for server in (stock, emulator):
        acm = server.client("acm")
        token = unique("t").replace("-", "_")
        domain = unique("idem") + ".example.com"
        first = request(server, domain, IdempotencyToken=token)
        assert request(server, domain, IdempotencyToken=token) == first
        acm.delete_certificate(CertificateArn=first)
        if server is stock:
            with pytest.raises(ClientError):  # moto: 500, a KeyError on the deleted one
                request(server, domain, IdempotencyToken=token)
            continue
        again = request(server, domain, IdempotencyToken=token)
        assert again != first
        with pytest.raises(ClientError) as e:
            request(server, domain, IdempotencyToken="has-a-hyphen")
        assert e.value.response["Error"]["Code"] == "ValidationException"


def test_a_name_s_record_is_the_account_s_and_every_certificate_naming_it_shares_it(emulator):
    acm = emulator.client("acm")
    domain = unique("shared") + ".example.com"
    first = request(emulator, domain)
    second = request(emulator, domain, ["api." + domain])
    record = options(emulator, first)[domain]["ResourceRecord"]
    assert options(emulator, second)[domain]["ResourceRecord"] == record, \
        "one record for the name, whichever certificate names it"
    other = request(emulator, unique("other") + ".example.com")
    assert options(emulator, other)[described(emulator, other)["DomainName"]]["ResourceRecord"] \
        != record
    zone_id = zone(emulator, domain)
    upsert(emulator, zone_id, record)
    assert described(emulator, first)["Status"] == "ISSUED"
    # The first certificate deleted, the record still validates the others, and a new one.
    acm.delete_certificate(CertificateArn=first)
    assert options(emulator, second)[domain]["ValidationStatus"] == "SUCCESS"
    assert described(emulator, request(emulator, domain))["Status"] == "ISSUED"


def test_a_new_certificate_is_not_described_for_a_while(settings):
    emulator = settings
    emulator.control("POST", "acm/validation", {"describe_after_s": 600})
    arn = request(emulator, unique("hidden") + ".example.com")
    with pytest.raises(ClientError) as e:
        described(emulator, arn)
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert emulator.control("POST", "acm/validation", {"describe_after_s": 0})[
        "describe_after_s"] == 0
    assert described(emulator, arn)["CertificateArn"] == arn


def test_the_names_quota_and_the_common_name_s_64_characters(settings):
    emulator = settings
    domain = unique("many") + ".example.com"
    sans = [f"n{i}.{domain}" for i in range(10)]
    with pytest.raises(ClientError) as e:
        request(emulator, domain, sans)
    assert e.value.response["Error"]["Code"] == "LimitExceededException"
    assert e.value.response["Error"]["Message"] == "Certificate has too many domains."
    # The account's quota raised: the same request passes.
    emulator.control("POST", "acm/validation", {"names": 11})
    assert request(emulator, domain, sans)

    long = "a" * (65 - len(".example.com")) + ".example.com"
    assert len(long) == 65
    with pytest.raises(ClientError) as e:
        request(emulator, long)
    assert e.value.response["Error"]["Code"] == "ValidationException"
    assert long in described(emulator, request(emulator, "b.example.com", [long]))[
        "SubjectAlternativeNames"], "a long name is a subject alternative name"


def test_a_record_in_a_private_zone_validates_nothing(emulator):
    domain = unique("private") + ".example.com"
    arn = request(emulator, domain)
    private = emulator.client("route53").create_hosted_zone(
        Name=domain, CallerReference=unique("zone"),
        HostedZoneConfig={"PrivateZone": True},
        VPC={"VPCRegion": "us-east-1", "VPCId": "vpc-12345678"})["HostedZone"]
    assert private["Config"]["PrivateZone"] is True
    upsert(emulator, private["Id"], options(emulator, arn)[domain]["ResourceRecord"])
    assert described(emulator, arn)["Status"] == "PENDING_VALIDATION"
