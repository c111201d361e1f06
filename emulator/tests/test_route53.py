"""Deleting a record set that is not there, or not as given: stock moto and the emulator."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from conftest import unique


def change(server, zone_id, action, name, value, ttl=300) -> None:
    server.client("route53").change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={
        "Changes": [{"Action": action, "ResourceRecordSet": {
            "Name": name, "Type": "CNAME", "TTL": ttl,
            "ResourceRecords": [{"Value": value}]}}]})


def zone(server) -> tuple[str, str]:
    name = unique("zone") + ".example.com"
    out = server.client("route53").create_hosted_zone(Name=name, CallerReference=unique("ref"))
    return out["HostedZone"]["Id"], name


def names(server, zone_id) -> set[str]:
    sets = server.client("route53").list_resource_record_sets(HostedZoneId=zone_id)
    return {s["Name"] for s in sets["ResourceRecordSets"] if s["Type"] == "CNAME"}


def test_a_record_deleted_twice_is_not_found_the_second_time(stock, emulator):
    # Stock moto checks a DELETE against its journal: the second one passes.
    zone_id, name = zone(stock)
    change(stock, zone_id, "UPSERT", "_a." + name, "_b.acm-validations.aws.")
    change(stock, zone_id, "DELETE", "_a." + name, "_b.acm-validations.aws.")
    change(stock, zone_id, "DELETE", "_a." + name, "_b.acm-validations.aws.")

    zone_id, name = zone(emulator)
    change(emulator, zone_id, "UPSERT", "_a." + name, "_b.acm-validations.aws.")
    change(emulator, zone_id, "DELETE", "_a." + name, "_b.acm-validations.aws.")
    assert names(emulator, zone_id) == set()
    with pytest.raises(ClientError) as e:
        change(emulator, zone_id, "DELETE", "_a." + name, "_b.acm-validations.aws.")
    assert e.value.response["Error"]["Code"] == "InvalidChangeBatch"
    assert f"[name='_a.{name}.', type='CNAME'] but it was not found" in str(e.value)


def test_a_delete_must_give_the_current_values(stock, emulator):
    zone_id, name = zone(emulator)
    change(emulator, zone_id, "UPSERT", "_a." + name, "_b.acm-validations.aws.")
    with pytest.raises(ClientError) as e:
        change(emulator, zone_id, "DELETE", "_a." + name, "_other.acm-validations.aws.")
    assert e.value.response["Error"]["Code"] == "InvalidChangeBatch"
    assert "the values provided do not match the current values" in str(e.value)
    with pytest.raises(ClientError):
        change(emulator, zone_id, "DELETE", "_a." + name, "_b.acm-validations.aws.", ttl=60)
    assert names(emulator, zone_id) == {f"_a.{name}."}, "nothing in the batch applied"
    # A record never made: stock moto refuses it with another code than AWS's.
    zone_id, name = zone(stock)
    with pytest.raises(ClientError) as e:
        change(stock, zone_id, "DELETE", "_never." + name, "_b.acm-validations.aws.")
    assert e.value.response["Error"]["Code"] != "InvalidChangeBatch"
