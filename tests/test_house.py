"""The repository's text speaks of the project alone, and its citations resolve inside it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
USER_FACING = ["gflcheck", "README.md", "CONTRIBUTING.md", "docs"]
TEXT_SUFFIXES = {".py", ".md", ".html", ".txt"}
WORKING_PROCESS = re.compile(r"issue [0-9]+|THEORY\.md|FIDELITY\.md|\.\./shared", re.IGNORECASE)
SECTION_CITATION = re.compile(r"docs/setups\.md\s+§(\d+(?:\.\d+)?)")


def _text_files(names: list[str]) -> list[Path]:
    files: list[Path] = []
    for name in names:
        path = ROOT / name
        candidates = [path] if path.is_file() else sorted(path.rglob("*"))
        files += [p for p in candidates if p.is_file() and p.suffix in TEXT_SUFFIXES]
    return files


def test_user_facing_text_names_no_issue_and_no_file_outside_the_repository():
    hits = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}"
        for path in _text_files(USER_FACING)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if WORKING_PROCESS.search(line)
    ]
    assert hits == [], "\n".join(hits)


def test_every_cited_section_of_the_setups_page_exists():
    headings = set(
        re.findall(r"^#+ (\d+(?:\.\d+)?)\.? ", (ROOT / "docs/setups.md").read_text(), re.MULTILINE)
    )
    cited = {
        (str(path.relative_to(ROOT)), section)
        for path in _text_files(["gflcheck", "README.md", "CONTRIBUTING.md", "properties", "tests"])
        for section in SECTION_CITATION.findall(path.read_text(encoding="utf-8"))
    }
    assert cited, "the code cites docs/setups.md by section"
    missing = sorted((path, section) for path, section in cited if section not in headings)
    assert missing == [], missing
