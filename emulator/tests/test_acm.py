"""ACM: each scenario against stock moto (lenient) and the emulator (as AWS)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from conftest import list_all, self_signed, unique

EVERY_KEY_TYPE = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1",
                  "EC_secp384r1", "EC_secp521r1"]


def import_cert(server, names, key_type="RSA_2048") -> str:
    cert, key = self_signed(names, key_type)
    return server.client("acm").import_certificate(Certificate=cert, PrivateKey=key)["CertificateArn"]


def summary_of(server, arn: str, **kwargs) -> dict | None:
    return next((s for s in list_all(server, **kwargs) if s["CertificateArn"] == arn), None)


def test_summaries_carry_san_summaries_and_acm_fields(stock, emulator):
    domain = unique("many") + ".example.com"
    names = [domain] + [f"n{i}.{domain}" for i in range(104)]
    for server in (stock, emulator):
        arn = import_cert(server, names)
        few = import_cert(server, [unique("few") + ".example.com", "www.example.com"])
        summary = summary_of(server, arn)
        if server is stock:
            assert "SubjectAlternativeNameSummaries" not in summary
            assert summary["KeyAlgorithm"] == "RSA_2048"
            continue
        assert summary["SubjectAlternativeNameSummaries"] == names[:100]
        assert summary["HasAdditionalSubjectAlternativeNames"] is True
        assert summary_of(server, few)["HasAdditionalSubjectAlternativeNames"] is False
        assert summary["Type"] == "IMPORTED" and summary["Status"] == "ISSUED"
        assert summary["KeyAlgorithm"] == "RSA-2048"
        assert summary["InUse"] is False
        assert summary["NotBefore"] < summary["NotAfter"]
        assert "ManagedBy" not in summary


def test_key_algorithm_spelling_and_default_key_types(stock, emulator):
    for server in (stock, emulator):
        ec = import_cert(server, [unique("ec") + ".example.com"], "EC_prime256v1")
        big = import_cert(server, [unique("big") + ".example.com"], "RSA_3072")
        default = {s["CertificateArn"] for s in list_all(server)}
        chosen = {s["CertificateArn"]: s for s in list_all(
            server, Includes={"keyTypes": ["EC_prime256v1", "RSA_3072"]})}
        described = server.client("acm").describe_certificate(CertificateArn=ec)["Certificate"]
        if server is stock:
            assert {ec, big} <= default  # every key type listed
            assert described["KeyAlgorithm"] == "EC_prime256v1"
            continue
        assert not {ec, big} & default  # only RSA_1024 and RSA_2048 without keyTypes
        assert chosen[ec]["KeyAlgorithm"] == "EC-prime256v1"
        assert chosen[big]["KeyAlgorithm"] == "RSA-3072"
        assert described["KeyAlgorithm"] == "EC-prime256v1"


def test_pages_follow_max_items(stock, emulator):
    for server in (stock, emulator):
        arns = {import_cert(server, [unique("page") + ".example.com"]) for _ in range(5)}
        acm = server.client("acm")
        first = acm.list_certificates(MaxItems=2, Includes={"keyTypes": EVERY_KEY_TYPE})
        if server is stock:
            assert len(first["CertificateSummaryList"]) > 2 and "NextToken" not in first
            continue
        assert len(first["CertificateSummaryList"]) == 2 and first["NextToken"]
        pages = [first]
        while "NextToken" in pages[-1]:
            pages.append(acm.list_certificates(MaxItems=2, NextToken=pages[-1]["NextToken"],
                                               Includes={"keyTypes": EVERY_KEY_TYPE}))
        listed = [s["CertificateArn"] for p in pages for s in p["CertificateSummaryList"]]
        assert all(len(p["CertificateSummaryList"]) <= 2 for p in pages)
        assert len(listed) == len(set(listed)) and arns <= set(listed)
        with pytest.raises(ClientError) as e:
            acm.list_certificates(NextToken="not-a-token")
        assert e.value.response["Error"]["Code"] == "InvalidArgsException"


def test_limits_shrink_pages_and_san_summaries_for_tests(emulator):
    arns = {import_cert(emulator, [unique("knob") + ".example.com"]) for _ in range(3)}
    many = import_cert(emulator, [unique("sans") + f"-{i}.example.com" for i in range(3)])
    emulator.control("POST", "acm/limits", {"page": 2, "sans": 1})
    try:
        acm = emulator.client("acm")
        first = acm.list_certificates(MaxItems=1000, Includes={"keyTypes": EVERY_KEY_TYPE})
        assert len(first["CertificateSummaryList"]) == 2 and first["NextToken"]
        listed = list_all(emulator, MaxItems=1000, Includes={"keyTypes": EVERY_KEY_TYPE})
        assert arns | {many} <= {s["CertificateArn"] for s in listed}
        summary = next(s for s in listed if s["CertificateArn"] == many)
        assert len(summary["SubjectAlternativeNameSummaries"]) == 1
        assert summary["HasAdditionalSubjectAlternativeNames"] is True
    finally:
        emulator.control("POST", "acm/limits", {"page": 1000, "sans": 100})


def test_default_page_is_100(emulator):
    cert, key = self_signed([unique("fill") + ".example.com"])
    for _ in range(101 - len(list_all(emulator))):
        emulator.client("acm").import_certificate(Certificate=cert, PrivateKey=key)
    page = emulator.client("acm").list_certificates()
    assert len(page["CertificateSummaryList"]) == 100 and page["NextToken"]


def test_managed_by_cloudfront_is_kept(stock, emulator):
    for server in (stock, emulator):
        acm = server.client("acm")
        arn = acm.request_certificate(DomainName=unique("tenant") + ".example.com",
                                      ValidationMethod="DNS", ManagedBy="CLOUDFRONT")["CertificateArn"]
        described = acm.describe_certificate(CertificateArn=arn)["Certificate"]
        if server is stock:
            assert "ManagedBy" not in described
            continue
        assert described["ManagedBy"] == "CLOUDFRONT"
        assert summary_of(server, arn)["ManagedBy"] == "CLOUDFRONT"
        assert summary_of(server, arn, Includes={"managedBy": "CLOUDFRONT"})
        assert summary_of(server, import_cert(server, [unique("mine") + ".example.com"]),
                          Includes={"managedBy": "CLOUDFRONT"}) is None


def test_private_certificates_already_made_by_moto(stock, emulator):
    ca = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/12345678-1234-1234-1234-123456789012"
    for server in (stock, emulator):
        arn = server.client("acm").request_certificate(
            DomainName=unique("private") + ".example.com", CertificateAuthorityArn=ca)["CertificateArn"]
        summary = summary_of(server, arn)
        assert (summary["Type"], summary["Status"]) == ("PRIVATE", "ISSUED")


def test_control_sets_type_and_managed_by(stock, emulator):
    arn = import_cert(emulator, [unique("ctl") + ".example.com"])
    body = {"arn": arn, "type": "AMAZON_ISSUED", "managed_by": "CLOUDFRONT"}
    assert stock.request("POST", "/_cfclone/acm/certificate", body)[0] != 200
    assert emulator.control("POST", "acm/certificate", body) == {"arn": arn}
    summary = summary_of(emulator, arn)
    assert (summary["Type"], summary["ManagedBy"]) == ("AMAZON_ISSUED", "CLOUDFRONT")
    emulator.control("POST", "acm/certificate", {"arn": arn, "type": "PRIVATE", "managed_by": ""})
    summary = summary_of(emulator, arn)
    assert summary["Type"] == "PRIVATE" and "ManagedBy" not in summary
    unknown = arn[:-4] + "0000"
    assert emulator.request("POST", "/_cfclone/acm/certificate", {"arn": unknown})[0] == 400
