"""The control API: faults in each service's wire shape, latency and the call log. Stock
moto has none of it (its /_cfclone/ answers are not the control API's)."""

from __future__ import annotations

import json
import sys
import time

import pytest
from botocore.exceptions import ClientError

from conftest import EMULATOR, Server, distribution_config, free_port

SIGNED = "AWS4-HMAC-SHA256 Credential=testing/20261201/us-east-1/{}/aws4_request, " \
         "SignedHeaders=host, Signature=0"


def error(excinfo) -> tuple[str, int, str]:
    response = excinfo.value.response
    return (response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"],
            response["Error"]["Message"])


def test_stock_moto_has_no_control_api(stock):
    status, _, _ = stock.request("POST", "/_cfclone/faults",
                                 {"service": "cloudfront", "code": "Throttling"})
    assert status != 200


def test_cloudfront_fault_by_operation_and_count(emulator):
    cf = emulator.client("cloudfront")
    dist = cf.create_distribution(DistributionConfig=distribution_config())
    dist_id, etag = dist["Distribution"]["Id"], dist["ETag"]
    config = cf.get_distribution_config(Id=dist_id)["DistributionConfig"]
    fault = emulator.control("POST", "faults", {"service": "cloudfront", "operation":
                                                "UpdateDistribution", "code": "Throttling", "count": 2})
    assert fault == {"service": "cloudfront", "operation": "UpdateDistribution",
                     "code": "Throttling", "status": 400, "message": "Rate exceeded", "count": 2}
    for _ in range(2):
        with pytest.raises(ClientError) as e:
            cf.update_distribution(Id=dist_id, IfMatch=etag, DistributionConfig=config)
        assert error(e) == ("Throttling", 400, "Rate exceeded")
        cf.get_distribution(Id=dist_id)  # another operation: untouched
    assert emulator.control("GET", "faults") == []
    cf.update_distribution(Id=dist_id, IfMatch=etag, DistributionConfig=config)


def test_cloudfront_fault_by_rate_is_a_token_bucket(emulator):
    cf = emulator.client("cloudfront")
    dist_id = cf.create_distribution(DistributionConfig=distribution_config())["Distribution"]["Id"]
    # One token back every 4 s: the three calls below take far less on any machine.
    emulator.control("POST", "faults", {"service": "cloudfront", "operation": "GetDistribution",
                                        "code": "Throttling", "rate": 0.25, "burst": 2})
    cf.get_distribution(Id=dist_id)
    cf.get_distribution(Id=dist_id)  # the burst: two at once
    with pytest.raises(ClientError) as e:
        cf.get_distribution(Id=dist_id)
    assert error(e) == ("Throttling", 400, "Rate exceeded")
    cf.get_distribution_config(Id=dist_id)  # another operation: untouched
    time.sleep(4.1)  # a token back
    cf.get_distribution(Id=dist_id)
    [fault] = emulator.control("GET", "faults")
    assert (fault["passed"], fault["refused"], fault["count"]) == (3, 1, -1)
    emulator.control("DELETE", "faults")
    cf.get_distribution(Id=dist_id)
    for bad in ({"rate": 0}, {"rate": 1, "burst": 0}, {"rate": "nan"}):
        with pytest.raises(AssertionError):
            emulator.control("POST", "faults", {"service": "cloudfront", "code": "Throttling",
                                                **bad})


def test_cloudfront_fault_wire_shape_and_service_wide(emulator):
    emulator.control("POST", "faults", {"service": "cloudfront", "code": "ServiceUnavailable",
                                        "count": -1})
    status, headers, body = emulator.request(
        "GET", "/2020-05-31/distribution", headers={"Authorization": SIGNED.format("cloudfront")})
    assert status == 503
    request_id = {k.lower(): v for k, v in headers.items()}["x-amzn-requestid"]
    assert body.decode() == (
        '<?xml version="1.0"?><ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/'
        '2020-05-31/"><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>'
        f"Service Unavailable</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>")
    with pytest.raises(ClientError) as e:
        emulator.client("cloudfront").get_distribution(Id="E0000000000000")
    assert error(e)[:2] == ("ServiceUnavailable", 503)
    assert emulator.control("GET", "faults")[0]["count"] == -1  # until cleared
    assert emulator.control("DELETE", "faults") == []
    emulator.client("cloudfront").list_distributions()


def test_json_services_fault_shape(emulator):
    emulator.control("POST", "faults", {"service": "acm", "operation": "ListCertificates",
                                        "code": "ThrottlingException", "message": "Slow down"})
    status, headers, body = emulator.request(
        "POST", "/", b"{}", headers={"Authorization": SIGNED.format("acm"),
                                     "X-Amz-Target": "CertificateManager.ListCertificates",
                                     "Content-Type": "application/x-amz-json-1.1"})
    headers = {k.lower(): v for k, v in headers.items()}
    assert status == 400 and json.loads(body) == {"__type": "ThrottlingException",
                                                  "message": "Slow down"}
    assert headers["content-type"] == "application/x-amz-json-1.1"
    assert headers["x-amzn-errortype"] == "ThrottlingException"
    emulator.control("POST", "faults", {"service": "ssm", "code": "InternalServerError"})
    with pytest.raises(ClientError) as e:
        emulator.client("ssm").get_parameter(Name="/cfclone/x")
    assert error(e)[:2] == ("InternalServerError", 500)


def test_lambda_and_s3_fault_shapes(emulator):
    emulator.control("POST", "faults", {"service": "lambda", "operation": "Invoke",
                                        "code": "TooManyRequestsException"})
    with pytest.raises(ClientError) as e:
        emulator.client("lambda").invoke(FunctionName="cfclone-provider", Payload=b"{}")
    assert error(e) == ("TooManyRequestsException", 429, "Rate exceeded")
    emulator.control("POST", "faults", {"service": "lambda", "operation": "Invoke",
                                        "code": "ServiceException"})
    status, headers, body = emulator.request(
        "POST", "/2015-03-31/functions/cfclone-provider/invocations", b"{}",
        headers={"Authorization": SIGNED.format("lambda")})
    assert status == 500 and json.loads(body) == {"Type": "Service",
                                                  "message": "ServiceException"}
    assert {k.lower(): v for k, v in headers.items()}["x-amzn-errortype"] == "ServiceException"
    emulator.control("POST", "faults", {"service": "s3", "operation": "PutObject",
                                        "code": "SlowDown"})
    with pytest.raises(ClientError) as e:
        emulator.client("s3").put_object(Bucket="responses", Key="a/b", Body=b"{}")
    assert error(e) == ("SlowDown", 503, "Please reduce your request rate.")


def test_bad_control_requests(emulator):
    assert emulator.request("POST", "/_cfclone/faults", {"code": "Throttling"})[0] == 400
    assert emulator.request("POST", "/_cfclone/faults", {"service": "acm", "code": "X",
                                                         "count": 0})[0] == 400
    assert emulator.request("POST", "/_cfclone/latency", b"not json")[0] == 400
    assert emulator.request("GET", "/_cfclone/nothing")[0] == 404


def test_calls_are_logged_in_order(emulator):
    cf = emulator.client("cloudfront")
    emulator.control("DELETE", "calls")
    created = cf.create_distribution_with_tags(DistributionConfigWithTags={
        "DistributionConfig": distribution_config(), "Tags": {"Items": [{"Key": "k", "Value": "v"}]}})
    dist_id, arn = created["Distribution"]["Id"], created["Distribution"]["ARN"]
    got = cf.get_distribution_config(Id=dist_id)
    cf.list_tags_for_resource(Resource=arn)
    cf.tag_resource(Resource=arn, Tags={"Items": [{"Key": "a", "Value": "b"}]})
    cf.untag_resource(Resource=arn, TagKeys={"Items": ["a"]})
    with pytest.raises(ClientError):
        cf.update_distribution(Id=dist_id, IfMatch="STALE", DistributionConfig=got["DistributionConfig"])
    cf.get_distribution(Id=dist_id)
    cf.list_distributions()
    emulator.client("acm").list_certificates(MaxItems=1)
    emulator.request("GET", "/moto-api/")  # not an AWS call
    assert emulator.control("GET", "calls") == [
        {"service": "cloudfront", "operation": op, "status": status} for op, status in [
            ("CreateDistributionWithTags", 201), ("GetDistributionConfig", 200),
            ("ListTagsForResource", 200), ("TagResource", 204), ("UntagResource", 204),
            ("UpdateDistribution", 412), ("GetDistribution", 200), ("ListDistributions", 200)]
    ] + [{"service": "acm", "operation": "ListCertificates", "status": 200}]
    assert emulator.control("DELETE", "calls") == []


def test_presigned_s3_put_is_an_s3_call(emulator):
    s3 = emulator.client("s3")
    s3.create_bucket(Bucket="cfclone-responses")
    url = s3.generate_presigned_url("put_object", Params={"Bucket": "cfclone-responses",
                                                          "Key": "stack/event"})
    emulator.control("DELETE", "calls")
    status, _, _ = emulator.request("PUT", url[len(emulator.url):], b'{"Status": "SUCCESS"}')
    assert status == 200
    assert emulator.control("GET", "calls") == [
        {"service": "s3", "operation": "PutObject", "status": 200}]


def test_latency(emulator):
    cf = emulator.client("cloudfront")
    assert emulator.control("POST", "latency", {"ms": 300}) == {"ms": 300}
    start = time.monotonic()
    cf.list_distributions()
    assert time.monotonic() - start >= 0.3
    start = time.monotonic()
    emulator.control("GET", "latency")  # control calls are not delayed
    assert time.monotonic() - start < 0.3
    emulator.control("POST", "latency", {"ms": 0})
    start = time.monotonic()
    cf.list_distributions()
    assert time.monotonic() - start < 0.3


def test_command_line_port_and_latency():
    port = free_port()
    server = Server("emulator", [sys.executable, EMULATOR, str(port), "--latency-ms", "250"], port)
    try:
        server.wait()
        assert server.control("GET", "latency") == {"ms": 250}
        start = time.monotonic()
        server.client("cloudfront").list_distributions()
        assert time.monotonic() - start >= 0.25
    finally:
        server.stop()
