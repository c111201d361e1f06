"""CloudFront: each scenario against stock moto (lenient) and the emulator (as AWS)."""

from __future__ import annotations

import copy

import pytest
from botocore.exceptions import ClientError

from conftest import distribution_config, unique

ACM_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-aaaa-bbbb-cccc-123456789012"


def error(excinfo) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def create(server, **kwargs) -> tuple[str, str]:
    out = server.client("cloudfront").create_distribution(
        DistributionConfig=distribution_config(**kwargs))
    return out["Distribution"]["Id"], out["ETag"]


def disable(server, dist_id: str) -> str:
    cf = server.client("cloudfront")
    got = cf.get_distribution_config(Id=dist_id)
    config = got["DistributionConfig"]
    config["Enabled"] = False
    return cf.update_distribution(Id=dist_id, IfMatch=got["ETag"], DistributionConfig=config)["ETag"]


def test_etag_changes_on_update_only(stock, emulator):
    for server in (stock, emulator):
        cf = server.client("cloudfront")
        dist_id, created = create(server)
        assert cf.get_distribution(Id=dist_id)["ETag"] == created
        got = cf.get_distribution_config(Id=dist_id)
        assert got["ETag"] == created
        arn = cf.get_distribution(Id=dist_id)["Distribution"]["ARN"]
        cf.tag_resource(Resource=arn, Tags={"Items": [{"Key": "k", "Value": "v"}]})
        assert cf.get_distribution_config(Id=dist_id)["ETag"] == created  # tags: no change
        updated = cf.update_distribution(Id=dist_id, IfMatch=created,
                                         DistributionConfig=got["DistributionConfig"])["ETag"]
        if server is stock:
            assert updated == created  # moto: one ETag forever
        else:
            assert updated != created
            assert cf.get_distribution(Id=dist_id)["ETag"] == updated
            assert cf.get_distribution_config(Id=dist_id)["ETag"] == updated


def test_if_match_is_checked(stock, emulator):
    for server in (stock, emulator):
        cf = server.client("cloudfront")
        dist_id, _ = create(server, enabled=False)
        config = cf.get_distribution_config(Id=dist_id)["DistributionConfig"]
        # A missing IfMatch: moto already answers as AWS does.
        with pytest.raises(ClientError) as e:
            cf.update_distribution(Id=dist_id, DistributionConfig=config)
        assert error(e) == ("InvalidIfMatchVersion", 400)
        with pytest.raises(ClientError) as e:
            cf.delete_distribution(Id=dist_id)
        assert error(e) == ("InvalidIfMatchVersion", 400)
        # A stale one: moto takes anything.
        if server is stock:
            cf.update_distribution(Id=dist_id, IfMatch="STALE", DistributionConfig=config)
            cf.delete_distribution(Id=dist_id, IfMatch="STALE")
        else:
            with pytest.raises(ClientError) as e:
                cf.update_distribution(Id=dist_id, IfMatch="STALE", DistributionConfig=config)
            assert error(e) == ("PreconditionFailed", 412)
            with pytest.raises(ClientError) as e:
                cf.delete_distribution(Id=dist_id, IfMatch="STALE")
            assert error(e) == ("PreconditionFailed", 412)


def test_error_wire_shape(emulator):
    dist_id, _ = create(emulator)
    status, headers, body = emulator.request(
        "DELETE", f"/2020-05-31/distribution/{dist_id}",
        headers={"If-Match": "STALE", "Authorization": "AWS4-HMAC-SHA256 Credential=testing/"
                 "20261201/us-east-1/cloudfront/aws4_request, SignedHeaders=host, Signature=0"})
    assert status == 412
    text = body.decode()
    assert '<ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">' in text
    assert "<Error><Type>Sender</Type><Code>PreconditionFailed</Code><Message>" in text
    request_id = {k.lower(): v for k, v in headers.items()}["x-amzn-requestid"]
    assert f"<RequestId>{request_id}</RequestId></ErrorResponse>" in text


def test_delete_needs_disabled_and_deployed(stock, emulator):
    for server in (stock, emulator):
        server.set_transition({"progression": "manual", "times": 3})
        try:
            cf = server.client("cloudfront")
            dist_id, etag = create(server)
            if server is stock:
                cf.delete_distribution(Id=dist_id, IfMatch=etag)  # enabled, deleted
                continue
            with pytest.raises(ClientError) as e:  # enabled
                cf.delete_distribution(Id=dist_id, IfMatch=etag)
            assert error(e) == ("DistributionNotDisabled", 409)
            etag = disable(emulator, dist_id)
            with pytest.raises(ClientError) as e:  # disabled, still InProgress
                cf.delete_distribution(Id=dist_id, IfMatch=etag)
            assert error(e) == ("DistributionNotDisabled", 409)
            for _ in range(3):
                status = cf.get_distribution(Id=dist_id)["Distribution"]["Status"]
            assert status == "Deployed"
            cf.delete_distribution(Id=dist_id, IfMatch=etag)
        finally:
            server.set_transition(None)


def test_alias_of_another_distribution_conflicts(stock, emulator):
    for server in (stock, emulator):
        cf = server.client("cloudfront")
        alias = unique("shop") + ".example.com"
        first, _ = create(server, aliases=[alias])
        other, _ = create(server, aliases=[unique("other") + ".example.com"])
        got = cf.get_distribution_config(Id=other)
        taking = copy.deepcopy(got["DistributionConfig"])
        taking["Aliases"] = {"Quantity": 1, "Items": [alias.upper()]}
        if server is stock:
            create(server, aliases=[alias.upper()])
            cf.update_distribution(Id=other, IfMatch=got["ETag"], DistributionConfig=taking)
            continue
        with pytest.raises(ClientError) as e:
            create(server, aliases=[alias.upper()])
        assert error(e) == ("CNAMEAlreadyExists", 409)
        with pytest.raises(ClientError) as e:
            cf.update_distribution(Id=other, IfMatch=got["ETag"], DistributionConfig=taking)
        assert error(e) == ("CNAMEAlreadyExists", 409)
        own = cf.get_distribution_config(Id=first)  # keeping its own aliases is fine
        cf.update_distribution(Id=first, IfMatch=own["ETag"],
                               DistributionConfig=own["DistributionConfig"])


def test_update_deploys_again(stock, emulator):
    for server in (stock, emulator):
        server.set_transition({"progression": "manual", "times": 2})
        try:
            cf = server.client("cloudfront")
            dist_id, _ = create(server)
            for _ in range(2):
                cf.get_distribution(Id=dist_id)
            assert cf.get_distribution(Id=dist_id)["Distribution"]["Status"] == "Deployed"
            got = cf.get_distribution_config(Id=dist_id)
            out = cf.update_distribution(Id=dist_id, IfMatch=got["ETag"],
                                         DistributionConfig=got["DistributionConfig"])
            statuses = [out["Distribution"]["Status"]] + [
                cf.get_distribution(Id=dist_id)["Distribution"]["Status"] for _ in range(2)]
            if server is stock:
                assert statuses == ["Deployed"] * 3
            else:  # as a new distribution: InProgress until the second read
                assert statuses == ["InProgress", "InProgress", "Deployed"]
        finally:
            server.set_transition(None)


def rich_config() -> dict:
    config = distribution_config(aliases=[unique("rich") + ".example.com"], certificate=ACM_ARN)
    config["Origins"] = {"Quantity": 2, "Items": [
        {"Id": "s3", "DomainName": "bucket.s3.us-east-1.amazonaws.com", "OriginPath": "/p",
         "CustomHeaders": {"Quantity": 1, "Items": [{"HeaderName": "X-A", "HeaderValue": "1"}]},
         "S3OriginConfig": {"OriginAccessIdentity": "", "OriginReadTimeout": 45},
         "OriginAccessControlId": "E1OAC2EXAMPLE", "ConnectionAttempts": 2,
         "ConnectionTimeout": 5, "ResponseCompletionTimeout": 60,
         "OriginShield": {"Enabled": True, "OriginShieldRegion": "us-east-1"}},
        {"Id": "api", "DomainName": "api.example.net", "OriginPath": "",
         "CustomHeaders": {"Quantity": 0},
         "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                "OriginProtocolPolicy": "https-only",
                                "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
                                "OriginReadTimeout": 60, "OriginKeepaliveTimeout": 10,
                                "IpAddressType": "dualstack"},
         "ConnectionAttempts": 3, "ConnectionTimeout": 10, "OriginShield": {"Enabled": False}},
    ]}
    config["DefaultCacheBehavior"].update({
        "TargetOriginId": "s3",
        "LambdaFunctionAssociations": {"Quantity": 1, "Items": [{
            "LambdaFunctionARN": "arn:aws:lambda:us-east-1:123456789012:function:edge:3",
            "EventType": "origin-request", "IncludeBody": False}]},
        "FunctionAssociations": {"Quantity": 1, "Items": [{
            "FunctionARN": "arn:aws:cloudfront::123456789012:function/rewrite",
            "EventType": "viewer-request"}]},
        "GrpcConfig": {"Enabled": False},
    })
    config["CustomErrorResponses"] = {"Quantity": 1, "Items": [{
        "ErrorCode": 404, "ResponsePagePath": "/404.html", "ResponseCode": "404",
        "ErrorCachingMinTTL": 10}]}
    config["Restrictions"] = {"GeoRestriction": {"RestrictionType": "whitelist",
                                                 "Quantity": 2, "Items": ["DE", "FR"]}}
    config["HttpVersion"] = "http2and3"
    return config


def differences(sent, got, path="") -> list[str]:
    """Where `got` lacks or changed a field of `sent`."""
    if isinstance(sent, dict):
        if not isinstance(got, dict):
            return [path]
        return [d for k, v in sent.items()
                for d in (differences(v, got[k], f"{path}.{k}") if k in got else [f"{path}.{k}"])]
    if isinstance(sent, list) and isinstance(got, list) and len(sent) == len(got):
        return [d for i, (a, b) in enumerate(zip(sent, got)) for d in differences(a, b, f"{path}[{i}]")]
    return [] if sent == got else [path]


def test_fields_survive_the_round_trip(stock, emulator):
    for server in (stock, emulator):
        cf = server.client("cloudfront")
        sent = rich_config()
        dist_id = cf.create_distribution(DistributionConfig=sent)["Distribution"]["Id"]
        got = cf.get_distribution_config(Id=dist_id)["DistributionConfig"]
        lost = differences(sent, got)
        if server is stock:
            assert {".Origins.Items[0].S3OriginConfig", ".Origins.Items[0].OriginAccessControlId",
                    ".Origins.Items[0].ResponseCompletionTimeout",
                    ".Origins.Items[1].CustomOriginConfig.IpAddressType",
                    ".DefaultCacheBehavior.LambdaFunctionAssociations.Quantity",
                    ".DefaultCacheBehavior.FunctionAssociations.Items",
                    ".DefaultCacheBehavior.GrpcConfig"} <= set(lost)
        else:
            assert lost == []
            # moto's defaults stay where nothing was sent
            assert got["DefaultCacheBehavior"]["Compress"] is True


def test_s3_origin_shows_empty_origin_access_control_id(stock, emulator):
    for server in (stock, emulator):
        config = distribution_config()
        config["Origins"]["Items"][0] = {"Id": "api", "DomainName": "b.s3.amazonaws.com",
                                         "S3OriginConfig": {"OriginAccessIdentity": ""}}
        cf = server.client("cloudfront")
        dist_id = cf.create_distribution(DistributionConfig=config)["Distribution"]["Id"]
        origin = cf.get_distribution_config(Id=dist_id)["DistributionConfig"]["Origins"]["Items"][0]
        if server is stock:
            assert "S3OriginConfig" not in origin and "OriginAccessControlId" not in origin
        else:
            assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
            assert origin["OriginAccessControlId"] == ""


def test_viewer_certificate_as_cloudfront_returns_it(stock, emulator):
    for server in (stock, emulator):
        cf = server.client("cloudfront")
        with_acm, _ = create(server, certificate=ACM_ARN)
        default, _ = create(server)
        acm = cf.get_distribution_config(Id=with_acm)["DistributionConfig"]["ViewerCertificate"]
        plain = cf.get_distribution(Id=default)["Distribution"]["DistributionConfig"]["ViewerCertificate"]
        if server is stock:
            assert acm["Certificate"] == "" and acm["CertificateSource"] == "cloudfront"
            assert plain["SSLSupportMethod"] == "sni-only" and plain["IAMCertificateId"] == ""
            continue
        assert acm == {"CloudFrontDefaultCertificate": False, "ACMCertificateArn": ACM_ARN,
                       "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021",
                       "Certificate": ACM_ARN, "CertificateSource": "acm"}
        assert plain == {"CloudFrontDefaultCertificate": True, "SSLSupportMethod": "vip",
                         "MinimumProtocolVersion": "TLSv1", "CertificateSource": "cloudfront"}


def test_caller_reference_reuse_already_refused_by_moto(stock, emulator):
    for server in (stock, emulator):
        reference = unique("same")
        create(server, reference=reference)
        with pytest.raises(ClientError) as e:
            create(server, reference=reference)
        assert error(e) == ("DistributionAlreadyExists", 409)


def test_caller_reference_cannot_change_on_update(stock, emulator):
    for server in (stock, emulator):
        cf = server.client("cloudfront")
        dist_id, _ = create(server)
        got = cf.get_distribution_config(Id=dist_id)
        config = got["DistributionConfig"]
        config["CallerReference"] = unique("other")
        if server is stock:
            cf.update_distribution(Id=dist_id, IfMatch=got["ETag"], DistributionConfig=config)
            continue
        with pytest.raises(ClientError) as e:
            cf.update_distribution(Id=dist_id, IfMatch=got["ETag"], DistributionConfig=config)
        assert error(e) == ("IllegalUpdate", 400)


def test_a_repeated_caller_reference_is_refused_before_its_aliases(stock, emulator):
    # A redelivered create (same CallerReference, same aliases) must learn which
    # distribution it made, not that its aliases are taken.
    for server in (stock, emulator):
        reference, alias = unique("again"), unique("again") + ".example.com"
        first, _ = create(server, reference=reference, aliases=[alias])
        with pytest.raises(ClientError) as e:
            create(server, reference=reference, aliases=[alias])
        assert error(e) == ("DistributionAlreadyExists", 409)
        assert first in e.value.response["Error"]["Message"]


def test_arn_has_an_empty_region_field(stock, emulator):
    for server in (stock, emulator):
        cf = server.client("cloudfront")
        dist_id, _ = create(server)
        arn = cf.get_distribution(Id=dist_id)["Distribution"]["ARN"]
        account = "123456789012"
        if server is stock:
            assert arn == f"arn:aws:cloudfront:{account}:distribution/{dist_id}"
        else:
            assert arn == f"arn:aws:cloudfront::{account}:distribution/{dist_id}"
        cf.tag_resource(Resource=arn, Tags={"Items": [{"Key": "owner", "Value": "stack"}]})
        assert cf.list_tags_for_resource(Resource=arn)["Tags"]["Items"] == [
            {"Key": "owner", "Value": "stack"}]


def test_list_distributions_pages_by_max_items_and_marker(stock, emulator):
    for server in (stock, emulator):
        cf = server.client("cloudfront")
        made = {create(server)[0] for _ in range(3)}
        first = cf.list_distributions(MaxItems="2")["DistributionList"]
        if server is stock:
            assert first["IsTruncated"] is False  # moto: one page, whatever MaxItems says
            assert len(first["Items"]) > 2
            continue
        assert first["IsTruncated"] is True and len(first["Items"]) == 2
        assert first["NextMarker"] == first["Items"][-1]["Id"]
        seen, marker = [], ""
        while True:
            page = cf.list_distributions(MaxItems="2", Marker=marker)["DistributionList"]
            assert page["Quantity"] == len(page.get("Items", [])) <= 2
            seen += [d["Id"] for d in page.get("Items", [])]
            if not page["IsTruncated"]:
                assert "NextMarker" not in page
                break
            marker = page["NextMarker"]
        assert made <= set(seen) and len(seen) == len(set(seen))
        everything = cf.get_paginator("list_distributions").paginate(
            PaginationConfig={"PageSize": 1}).build_full_result()
        assert [d["Id"] for d in everything["DistributionList"]["Items"]] == seen
