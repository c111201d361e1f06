"""A stack's status set by the control API, read back with DescribeStacks: what the
provider reads to tell a rollback's Delete (ROLLBACK_IN_PROGRESS,
UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS) from any other. Stock moto never rolls a
stack back, and has no control API."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from conftest import unique

TEMPLATE = json.dumps({"Resources": {"Nothing": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}})


def stack(server) -> str:
    return server.client("cloudformation").create_stack(
        StackName=unique("shop"), TemplateBody=TEMPLATE)["StackId"]


def status(server, stack_id: str) -> str:
    return server.client("cloudformation").describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"]


def test_stock_moto_completes_a_stack_and_cannot_roll_it_back(stock):
    stack_id = stack(stock)
    assert status(stock, stack_id) == "CREATE_COMPLETE"
    code, _, _ = stock.request("POST", "/_cfclone/cloudformation/stack-status",
                               {"stack_id": stack_id, "status": "ROLLBACK_IN_PROGRESS"})
    assert code != 200
    assert status(stock, stack_id) == "CREATE_COMPLETE"


@pytest.mark.parametrize("wanted", ["ROLLBACK_IN_PROGRESS",
                                    "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
                                    "DELETE_IN_PROGRESS"])
def test_a_stack_is_put_into_a_status_describe_stacks_answers(emulator, wanted):
    stack_id = stack(emulator)
    answer = emulator.control("POST", "cloudformation/stack-status",
                              {"stack_id": stack_id, "status": wanted})
    assert answer == {"stack_id": stack_id, "status": wanted}
    assert status(emulator, stack_id) == wanted


def test_a_status_cloudformation_does_not_have_and_an_unknown_stack_are_refused(emulator):
    stack_id = stack(emulator)
    code, _, body = emulator.request("POST", "/_cfclone/cloudformation/stack-status",
                                     {"stack_id": stack_id, "status": "ROLLING_SIDEWAYS"})
    assert code == 400 and b"StackStatus" in body
    unknown = stack_id.replace(stack_id.rsplit("/", 1)[1], "00000000-0000-0000-0000-000000000000")
    code, _, _ = emulator.request("POST", "/_cfclone/cloudformation/stack-status",
                                  {"stack_id": unknown, "status": "ROLLBACK_IN_PROGRESS"})
    assert code == 400


def test_describe_stacks_of_an_unknown_stack_is_a_validation_error(emulator):
    unknown = ("arn:aws:cloudformation:us-east-1:123456789012:stack/gone/"
               "00000000-0000-0000-0000-000000000000")
    with pytest.raises(ClientError) as e:
        emulator.client("cloudformation").describe_stacks(StackName=unknown)
    assert e.value.response["Error"]["Code"] == "ValidationError"
    assert "does not exist" in e.value.response["Error"]["Message"]
