"""The documentation holds together: the README fits in 8 KB and links every page of docs/, and
every relative link in the README, docs/ and examples/ leads to a file that exists. (The Quick
start itself runs in test_examples.py; docs/operations.md is checked in test_operations.py.)"""
import re

from conftest import ROOT

PAGES = [ROOT / "README.md", ROOT / "firmware" / "README.md", ROOT / "examples" / "replay" / "README.md"] + sorted(
    (ROOT / "docs").glob("*.md"))


def links(page):
    # the targets of [text](target) that are not web addresses or anchors
    for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text()):
        if not target.startswith(("http://", "https://", "#", "mailto:")):
            yield target.split("#")[0]


def test_the_readme_is_under_8_kb():
    size = len((ROOT / "README.md").read_bytes())
    assert size < 8 * 1024, size


def test_the_readme_links_every_docs_page():
    linked = {(ROOT / t).resolve() for t in links(ROOT / "README.md")}
    for page in (ROOT / "docs").glob("*.md"):
        assert page.resolve() in linked, page.name


def test_every_relative_link_leads_somewhere():
    for page in PAGES:
        for target in links(page):
            assert (page.parent / target).exists(), (page.relative_to(ROOT), target)
