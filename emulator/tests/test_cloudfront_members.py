"""Members newer than the client's model: answered in the configuration's reads, gone after
an UpdateDistribution (which replaces the whole configuration)."""

from __future__ import annotations

from conftest import distribution_config

MEMBER = b"<FutureFeature><Enabled>true</Enabled></FutureFeature>"
# A raw read names its service as a signed one does (moto routes by the credential scope).
AUTH = {"Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/cloudfront/"
                         "aws4_request, SignedHeaders=host, Signature=0"}


def raw(server, path: str) -> bytes:
    status, _, body = server.request("GET", path, headers=AUTH)
    assert status == 200, body
    return body


def test_reads_answer_the_members_until_an_update_replaces_the_configuration(emulator):
    cf = emulator.client("cloudfront")
    created = cf.create_distribution(DistributionConfig=distribution_config())
    dist_id = created["Distribution"]["Id"]
    emulator.control("POST", "cloudfront/unknown-members",
                     {"distribution_id": dist_id, "xml": MEMBER.decode()})
    config_path = f"/2020-05-31/distribution/{dist_id}/config"
    for path in (config_path, f"/2020-05-31/distribution/{dist_id}"):
        body = raw(emulator, path)
        assert MEMBER + b"</DistributionConfig>" in body
    # botocore drops what its model does not have, as every SDK does
    got = cf.get_distribution_config(Id=dist_id)
    assert "FutureFeature" not in got["DistributionConfig"]

    cf.update_distribution(Id=dist_id, IfMatch=got["ETag"],
                           DistributionConfig=got["DistributionConfig"])
    assert MEMBER not in raw(emulator, config_path)


def test_other_distributions_and_a_failed_update_keep_their_answers(emulator):
    cf = emulator.client("cloudfront")
    ids = [cf.create_distribution(DistributionConfig=distribution_config())["Distribution"]["Id"]
           for _ in range(2)]
    emulator.control("POST", "cloudfront/unknown-members",
                     {"distribution_id": ids[0], "xml": MEMBER.decode()})
    assert MEMBER not in raw(emulator, f"/2020-05-31/distribution/{ids[1]}/config")
    got = cf.get_distribution_config(Id=ids[0])
    try:
        cf.update_distribution(Id=ids[0], IfMatch="stale",
                               DistributionConfig=got["DistributionConfig"])
    except cf.exceptions.PreconditionFailed:
        pass
    assert MEMBER in raw(emulator, f"/2020-05-31/distribution/{ids[0]}/config")


def test_a_member_goes_inside_the_element_named(emulator):
    cf = emulator.client("cloudfront")
    dist_id = cf.create_distribution(
        DistributionConfig=distribution_config())["Distribution"]["Id"]
    member = b"<OriginHttpVersion>http2</OriginHttpVersion>"
    emulator.control("POST", "cloudfront/unknown-members",
                     {"distribution_id": dist_id, "xml": member.decode(),
                      "before": "</CustomOriginConfig>"})
    body = raw(emulator, f"/2020-05-31/distribution/{dist_id}/config")
    assert member + b"</CustomOriginConfig>" in body
