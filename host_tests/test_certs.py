"""The bundled roots are exactly certifi's copies (rebuild with `make certs`), and the README
lists each file with its SHA-256 fingerprint."""
import hashlib
import subprocess
import sys

from conftest import ROOT


def test_roots_match_certifi():
    p = subprocess.run([sys.executable, str(ROOT / "tools" / "certs.py"), "--check"], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr


def test_readme_fingerprints():
    readme = (ROOT / "certs" / "README.md").read_text()
    ders = sorted((ROOT / "certs").glob("*.der"))
    assert len(ders) >= 4
    for der in ders:
        assert "| %s |" % der.name in readme and hashlib.sha256(der.read_bytes()).hexdigest() in readme
