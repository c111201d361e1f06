"""A stack's status, set from a test: the provider reads it with DescribeStacks to tell a
Delete of a rollback from any other (`DeletionMode: Disable`).

Stock moto moves a stack only through its own operations (CREATE_COMPLETE after
CreateStack, …) and never rolls one back, so a test cannot reach the statuses the provider
acts on. `set_stack_status` puts a stack moto holds into any status of
CloudFormation's `StackStatus` (botocore's model of the service lists them; their meanings:
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html#cfn-console-view-stack-data-resources-status-codes).
Nothing else of the stack changes: DescribeStacks answers the status, as moto answers it.
Unknown stacks stay moto's: DescribeStacks answers `ValidationError` "Stack with id … does
not exist", as the DescribeStacks API reference says.
"""

from __future__ import annotations

import functools

import botocore.session
from moto.cloudformation import models


@functools.lru_cache(maxsize=1)
def stack_statuses() -> frozenset[str]:
    """Every `StackStatus` of botocore's model of CloudFormation."""
    model = botocore.session.get_session().get_service_model("cloudformation")
    return frozenset(model.shape_for("StackStatus").enum)


def set_stack_status(stack_id: str, status: str) -> dict:
    """Puts the stack `stack_id` (its ARN) into `status`. ValueError for a status
    CloudFormation does not have, KeyError for a stack moto does not hold."""
    if status not in stack_statuses():
        raise ValueError(f"{status!r} is not a CloudFormation StackStatus")
    parts = stack_id.split(":")
    if len(parts) < 6 or parts[2] != "cloudformation":
        raise ValueError(f"{stack_id!r} is not a stack ARN")
    region, account = parts[3], parts[4]
    stacks = models.cloudformation_backends[account][region].stacks
    stacks[stack_id].status = status  # KeyError: no such stack
    return {"stack_id": stack_id, "status": status}
