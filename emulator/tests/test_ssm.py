"""SSM value-size limits by tier (cfclone_emulator/ssm.py)."""

import botocore.exceptions
import pytest


def test_a_standard_parameter_holds_at_most_4096_characters(stock, emulator):
    for server in (stock, emulator):
        ssm = server.client("ssm")
        ssm.put_parameter(Name="/t/fits", Value="x" * 4096, Type="String", Tier="Standard")
        if server is stock:
            # moto: any size in any tier.
            ssm.put_parameter(Name="/t/big", Value="x" * 5000, Type="String", Tier="Standard")
            continue
        with pytest.raises(botocore.exceptions.ClientError) as refused:
            ssm.put_parameter(Name="/t/big", Value="x" * 5000, Type="String", Tier="Standard")
        assert refused.value.response["Error"]["Code"] == "ValidationException"
        assert "4096" in refused.value.response["Error"]["Message"]


def test_intelligent_tiering_chooses_the_tier_the_value_needs(emulator):
    ssm = emulator.client("ssm")
    for name, size, tier in [("/t/small", 100, "Standard"), ("/t/large", 6000, "Advanced")]:
        ssm.put_parameter(Name=name, Value="x" * size, Type="String",
                          Tier="Intelligent-Tiering", Overwrite=True)
        described = ssm.describe_parameters(
            ParameterFilters=[{"Key": "Name", "Values": [name]}])["Parameters"][0]
        assert described["Tier"] == tier
    with pytest.raises(botocore.exceptions.ClientError):
        ssm.put_parameter(Name="/t/huge", Value="x" * 9000, Type="String",
                          Tier="Intelligent-Tiering")
