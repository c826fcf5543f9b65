#!/usr/bin/env python3
"""Build certs/*.der (the root CAs tinyopenai trusts by default) from the certifi bundle.

  python tools/certs.py          write certs/*.der and certs/README.md
  python tools/certs.py --check  exit 1 if a file differs from certifi's copy

api.openai.com sits behind a CDN whose chains have ended at Google Trust Services roots and
can move to other public CAs, so we ship a few such roots, one DER file each (MicroPython
loads one DER per load_verify_locations call).

GlobalSign Root CA (which cross-signed GTS Root R1) is no longer in Mozilla's store nor in
certifi, so it is not shipped: GTS Root R1 is trusted directly, which that chain needs.
"""
import hashlib
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

ROOTS = {  # file name -> subject common name in certifi
    "gts_root_r1.der": "GTS Root R1",
    "gts_root_r4.der": "GTS Root R4",
    "isrg_root_x1.der": "ISRG Root X1",
    "isrg_root_x2.der": "ISRG Root X2",
}
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "certs")


def from_certifi():
    import warnings

    import certifi

    with open(certifi.where(), "rb") as f, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a few unrelated roots have odd serial numbers
        certs = x509.load_pem_x509_certificates(f.read())
    by_cn = {}
    for c in certs:
        cns = c.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        if cns:
            by_cn[cns[0].value] = c.public_bytes(Encoding.DER)
    out = {}
    for name, cn in ROOTS.items():
        if cn not in by_cn:
            raise SystemExit("certifi has no root named %r" % cn)
        out[name] = by_cn[cn]
    return out


def main(argv):
    want = from_certifi()
    if "--check" in argv:
        bad = 0
        for name, der in want.items():
            try:
                with open(os.path.join(HERE, name), "rb") as f:
                    have = f.read()
            except OSError:
                have = None
            if have != der:
                print("differs from certifi: %s" % name)
                bad = 1
        return bad
    os.makedirs(HERE, exist_ok=True)
    lines = ["# Bundled root certificates", "",
             "DER files loaded by default by `OpenAI()` for https (one `load_verify_locations` call each).",
             "Rebuild them from the `certifi` bundle with `make certs` (`python tools/certs.py`);",
             "`make test` checks they still match it.", "",
             "| file | subject CN | SHA-256 fingerprint |", "|---|---|---|"]
    for name, der in want.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(der)
        lines.append("| %s | %s | %s |" % (name, ROOTS[name], hashlib.sha256(der).hexdigest()))
    with open(os.path.join(HERE, "README.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %d roots to %s" % (len(want), os.path.normpath(HERE)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
