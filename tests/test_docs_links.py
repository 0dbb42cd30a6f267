"""The README and docs/ hold together: every relative link and picture resolves, the README stays a
short tour, and nothing cites a design file outside the repository (docs/README.md lists the documents).

Markdown is read as GitHub renders it: fenced code and inline code are not links, and an anchor is
a heading's GitHub slug (lower case, punctuation dropped, spaces to hyphens, "-1" on a repeat).
"""
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
README_MAX_LINES = 400

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
INLINE_CODE = re.compile(r"`[^`\n]*`")
EXTERNAL = ("http://", "https://", "mailto:")


def prose(path: Path) -> list[str]:
    """Return the file's lines with fenced code blocks blanked, so a shell comment is no heading."""
    lines, fenced = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            lines.append("")
            continue
        lines.append("" if fenced else line)
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor of a heading's text."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for line in prose(path):
        match = re.match(r"#{1,6} (.+)", line)
        if not match:
            continue
        base = slug(match.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(path: Path) -> list[str]:
    text = INLINE_CODE.sub("", "\n".join(prose(path)))
    return [target for target in LINK.findall(text) if not target.startswith(EXTERNAL)]


def broken(path: Path, target: str, root: Path = ROOT) -> str | None:
    """Say why `target`, a link in `path`, does not resolve; None when it does."""
    file_part, _, anchor = target.partition("#")
    resolved = (path.parent / file_part).resolve() if file_part else path
    if root not in (resolved, *resolved.parents):
        return f"{target} points outside the repository"
    if not resolved.exists():
        return f"{target}: no such file"
    if anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
        return f"{target}: {resolved.name} has no heading #{anchor}"
    return None


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_and_picture_resolves(path):
    problems = [problem for target in links(path) if (problem := broken(path, target))]

    assert problems == []


def test_the_checks_find_a_broken_link_a_missing_picture_and_a_missing_heading(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "other.md").write_text("# Other\n\n## A heading: with `code`\n", encoding="utf-8")
    page = root / "page.md"
    page.write_text(
        "[ok](other.md#a-heading-with-code) [gone](missing.md) ![pic](shots/none.png) [web](https://example.com)\n"
        "[no anchor](other.md#nowhere) [out](../outside.md) `[code](ignored.md)`\n"
        "```\n[fenced](ignored.md)\n# not a heading\n```\n",
        encoding="utf-8",
    )

    problems = [problem for target in links(page) if (problem := broken(page, target, root))]

    assert problems == [
        "missing.md: no such file",
        "shots/none.png: no such file",
        "other.md#nowhere: other.md has no heading #nowhere",
        "../outside.md points outside the repository",
    ]


def test_the_readme_is_a_short_tour():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()

    assert len(lines) <= README_MAX_LINES


def test_docs_index_lists_every_document():
    index = (ROOT / "docs" / "README.md").read_text(encoding="utf-8")
    listed = set(LINK.findall(index))

    documents = [path.name for path in DOCUMENTS if path.parent == ROOT / "docs" and path.name != "README.md"]
    missing = [name for name in documents if name not in listed]
    assert missing == []


# Design notes that live outside the repository; the project cites its own docs/ instead.
OUTSIDE_NAMES = ("../" + "shared", "DESIGN" + ".md", "GST" + ".md", "ENGINEERING" + ".md", "STYLE" + ".md")
SKIPPED_DIRS = {".git", ".venv", "node_modules", "staticfiles", "var", "__pycache__", ".pytest_cache", ".ruff_cache"}
TEXT_SUFFIXES = {".py", ".md", ".html", ".txt", ".toml", ".cfg", ".ini", ".sh", ".js", ".css", ".yml", ".yaml", ".json"}


def project_text_files():
    for directory, subdirectories, names in os.walk(ROOT):
        subdirectories[:] = [name for name in subdirectories if name not in SKIPPED_DIRS]
        for name in names:
            path = Path(directory) / name
            if path.suffix in TEXT_SUFFIXES or name == "Makefile":
                yield path


def test_nothing_cites_a_design_file_outside_the_repository():
    citing = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in project_text_files()
        for name in OUTSIDE_NAMES
        if name in path.read_text(encoding="utf-8", errors="replace")
    ]

    assert citing == []
