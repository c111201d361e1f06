"""moto in server mode for the benchmarks, with one change that brings it closer to AWS:
ACM's ListCertificates summaries carry `SubjectAlternativeNameSummaries` and
`HasAdditionalSubjectAlternativeNames`, as the real service's do (moto 5.2 leaves them
out, which would make cfclone call DescribeCertificate for every certificate that AWS
never makes it describe). The counting proxy in harness.py can take them out again to
show moto's own shape.

And one change that only makes it quicker and steadier for both sides: its sockets get
TCP_NODELAY. Werkzeug writes a response's headers and body separately; without it, a
client's delayed ACK can hold the body back for 40 ms (Linux's minimum), at random.

Usage: python bench/moto_server.py PORT
"""

import json
import socket
import sys

from werkzeug import serving

from moto.acm import responses as acm_responses
from moto.server import main

_list_certificates = acm_responses.AWSCertificateManagerResponse.list_certificates


def _list_certificates_with_san_summaries(self):  # type: ignore[no-untyped-def]
    body = json.loads(_list_certificates(self))
    for summary in body.get("CertificateSummaryList", []):
        sans = summary.get("SubjectAlternativeNames") or []
        summary["SubjectAlternativeNameSummaries"] = sans[:100]
        summary["HasAdditionalSubjectAlternativeNames"] = len(sans) > 100
    return json.dumps(body)


acm_responses.AWSCertificateManagerResponse.list_certificates = (
    _list_certificates_with_san_summaries
)

_setup = serving.WSGIRequestHandler.setup


def _setup_without_nagle(self):  # type: ignore[no-untyped-def]
    _setup(self)
    self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


serving.WSGIRequestHandler.setup = _setup_without_nagle

if __name__ == "__main__":
    main(["-H", "127.0.0.1", "-p", sys.argv[1]])
