"""cfclone's patches to moto 5.2.1 (server mode), one module per service or concern.

`apply()` patches moto's model and response classes in this process; `wrap(app)` puts
the control API (faults, latency, the call log) and the check of every request against
botocore's service models (validation.py) in front of moto's WSGI application.
"""

from . import (acm, acm_validation, cloudfront, cloudfront_aliases, cloudfront_members, control,
               route53, ssm, tcp, validation)

MOTO_VERSION = "5.2.1"


def apply() -> None:
    import moto

    if moto.__version__ != MOTO_VERSION:
        raise SystemExit(f"cfclone_emulator patches moto {MOTO_VERSION}, not {moto.__version__}")
    cloudfront.apply()
    cloudfront_aliases.apply()
    acm.apply()
    acm_validation.apply()
    route53.apply()
    ssm.apply()
    tcp.apply()


def wrap(app, latency_ms: float = 0):  # type: ignore[no-untyped-def]
    # Requests are checked against botocore's models inside the control API's call log.
    # A distribution's members newer than any model are added to its answers innermost.
    return control.Middleware(validation.Middleware(cloudfront_members.Middleware(app)),
                              control.State(latency_ms))
