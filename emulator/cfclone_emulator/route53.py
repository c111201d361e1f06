"""Route 53's answer to deleting a record set that is not there, as the API reference
(ChangeResourceRecordSets: "To delete a resource record set, you must specify all the same
values that you specified when you created it") and real answers have it: 400
`InvalidChangeBatch`, "Tried to delete resource record set [name='…', type='…'] but it was
not found", or "… but the values provided do not match the current values", and nothing in
the batch applied.

Stock moto 5.2.1 checks a DELETE against its journal of every change ever made, not the
zone's records: a record deleted once can be "deleted" again, and a record never made is
refused as `InvalidInput` with another message. Here the zone's current records decide.
"""

from __future__ import annotations

from moto.route53 import models
from moto.route53.exceptions import Route53ClientError


class NotDeletable(Route53ClientError):
    def __init__(self, name: str, kind: str, why: str) -> None:
        super().__init__(
            "InvalidChangeBatch",
            f"[Tried to delete resource record set [name='{name}', type='{kind}'] but {why}]",
        )


def _plain(name: str) -> str:
    return name.rstrip(".").lower()


_original_change = models.Route53Backend.change_resource_record_sets


def change_resource_record_sets(self, zoneid, change_list):  # type: ignore[no-untyped-def]
    zone = self.get_hosted_zone(zoneid)
    for change in change_list:
        if change["Action"] != "DELETE":
            continue
        wanted = change["ResourceRecordSet"]
        name, kind = wanted["Name"], wanted["Type"]
        held = [r for r in zone.rrsets
                if _plain(r.name) == _plain(name) and r.type == kind
                and r.set_identifier == wanted.get("SetIdentifier")]
        shown = _plain(name) + "."
        if not held:
            raise NotDeletable(shown, kind, "it was not found")
        current = held[0]
        def values(records):  # type: ignore[no-untyped-def]
            return sorted(r["Value"] if isinstance(r, dict) else r for r in records or [])
        if "TTL" in wanted and (str(current.ttl) != str(wanted.get("TTL"))
                                or values(current.records) != values(wanted.get("ResourceRecords"))):
            raise NotDeletable(shown, kind, "the values provided do not match the current values")
    return _original_change(self, zoneid, change_list)


def apply() -> None:
    models.Route53Backend.change_resource_record_sets = change_resource_record_sets
