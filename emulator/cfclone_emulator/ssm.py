"""SSM Parameter Store's value-size limits, which stock moto 5.2.1 does not check.

PutParameter (API reference, `Value` and `Tier`): a Standard parameter's value holds at most
4 KB, an Advanced one 8 KB; `Intelligent-Tiering` makes a parameter Advanced when its value
needs it. Over the limit AWS answers `ValidationException` ("Standard tier parameters
support a maximum parameter value of 4096 characters. ..."). moto accepts any size in any
tier, and echoes `Intelligent-Tiering` back as the tier; here the tier is the one chosen.
"""

from __future__ import annotations

from moto.ssm import models
from moto.ssm.exceptions import ValidationException

STANDARD_MAX = 4096
ADVANCED_MAX = 8192

_original_put = models.SimpleSystemManagerBackend.put_parameter


def put_parameter(self, name, description, value, parameter_type, allowed_pattern,  # type: ignore[no-untyped-def]
                  keyid, overwrite, tags, data_type, tier, policies):
    size = len(value or "")
    if tier == "Intelligent-Tiering":
        tier = "Advanced" if size > STANDARD_MAX else "Standard"
    if (tier or "Standard") == "Standard" and size > STANDARD_MAX:
        raise ValidationException(
            "Standard tier parameters support a maximum parameter value of 4096 characters. "
            "To create a larger parameter value, upgrade the parameter to use the "
            "advanced-parameter tier."
        )
    if size > ADVANCED_MAX:
        raise ValidationException(
            "Advanced tier parameters support a maximum parameter value of 8192 characters."
        )
    return _original_put(self, name, description, value, parameter_type, allowed_pattern,
                         keyid, overwrite, tags, data_type, tier, policies)


def apply() -> None:
    models.SimpleSystemManagerBackend.put_parameter = put_parameter
