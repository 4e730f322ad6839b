"""The GitHub files: every one parses and validates against GitHub's schemas, the workflows pass zizmor's audit,
actions are pinned to commit SHAs, and the deploy's own step (the repository rewrite) does what it says. Offline:
check-jsonschema ships GitHub's schemas, zizmor runs with --offline."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from bookhelpers import ROOT, VENV_BIN

from chapterkit.author import repository
from chapterkit.book.errors import ChapterkitError

GITHUB = ROOT / ".github"
# Which of check-jsonschema's vendored schemas each kind of file under .github/ must satisfy.
SCHEMAS = {
    "workflows/*.yml": "vendor.github-workflows",
    "dependabot.yml": "vendor.dependabot",
    "ISSUE_TEMPLATE/*.yml": "vendor.github-issue-forms",
}
NOT_YAML = {"pull_request_template.md"}
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d+(\.\d+)*\s*$")
USES = re.compile(r"^\s*(?:-\s+)?uses:")


def schema_problems(github: Path) -> list[str]:
    """What check-jsonschema says of every file under ``github``; a file no schema covers is a problem too."""
    problems: list[str] = []
    covered: set[Path] = set()
    for pattern, schema in SCHEMAS.items():
        files = sorted(github.glob(pattern))
        covered.update(files)
        if not files:
            continue
        proc = subprocess.run([str(VENV_BIN / "check-jsonschema"), "--builtin-schema", schema, *map(str, files)],
                              check=False, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            problems.append(f"{schema}:\n{proc.stdout}{proc.stderr}")
    for path in sorted(p for p in github.rglob("*") if p.is_file()):
        if path not in covered and path.name not in NOT_YAML:
            problems.append(f"{path.relative_to(github)}: no GitHub schema is known for it (add it to SCHEMAS)")
    return problems


def zizmor_findings(github: Path) -> list[str]:
    """zizmor's findings at medium severity or above, offline, as 'rule: file:line'."""
    proc = subprocess.run([str(VENV_BIN / "zizmor"), "--offline", "--min-severity", "medium", "--format", "json",
                           str(github)], check=False, capture_output=True, text=True, timeout=120)
    try:
        findings = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        return [f"zizmor did not run (exit {proc.returncode}): {proc.stderr[-2000:]}"]
    found = []
    for finding in findings:
        local = finding["locations"][0]["symbolic"]["key"]["Local"]
        where = local.get("verbatim_path") or local.get("given_path")
        line = finding["locations"][0]["concrete"]["location"]["start_point"]["row"] + 1
        found.append(f"{finding['ident']} ({finding['determinations']['severity']}): {where}:{line}")
    if proc.returncode not in (0, *range(10, 20)) or (proc.returncode != 0 and not found):
        found.append(f"zizmor exited {proc.returncode}: {proc.stderr[-2000:]}")
    return found


def unpinned_actions(github: Path) -> list[str]:
    found = []
    for path in sorted((github / "workflows").glob("*.yml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if USES.match(line) and not PINNED.match(line):
                found.append(f"{path.name}:{number}: {line.strip()}")
    return found


def test_every_github_file_validates_against_its_schema() -> None:
    assert schema_problems(GITHUB) == []


def test_zizmor_reports_nothing_at_medium_or_above() -> None:
    assert zizmor_findings(GITHUB) == []


def test_actions_are_pinned_to_commit_shas_with_their_version() -> None:
    assert unpinned_actions(GITHUB) == []


def test_no_job_keeps_credentials_or_more_permissions_than_it_needs() -> None:
    for path in sorted((GITHUB / "workflows").glob("*.yml")):
        flow = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert flow.get("permissions") == {}, f"{path.name}: the workflow's default permissions should be none"
        for name, job in flow["jobs"].items():
            assert "permissions" in job, f"{path.name}: job {name} must say which permissions it needs"
            for step in job["steps"]:
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    assert step.get("with", {}).get("persist-credentials") is False, f"{path.name}: {name}"


def test_the_deploy_builds_the_book_and_points_it_at_its_own_repository() -> None:
    flow = yaml.safe_load((GITHUB / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    runs = [step.get("run", "") for step in flow["jobs"]["build"]["steps"]]
    assert 'make set-repository REPOSITORY="$GITHUB_REPOSITORY"' in runs
    book = next(i for i, run in enumerate(runs) if run.startswith("make book"))
    assert runs.index('make set-repository REPOSITORY="$GITHUB_REPOSITORY"') < book
    assert any("graphviz" in run for run in runs[:book]), "the runner installs Graphviz, which draws the diagrams"
    assert flow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_dependabot_keeps_actions_and_python_pins_current() -> None:
    config = yaml.safe_load((GITHUB / "dependabot.yml").read_text(encoding="utf-8"))
    assert {u["package-ecosystem"] for u in config["updates"]} == {"github-actions", "pip"}


# The gates bite: the deploy workflow as it was (a plain scalar with ": " in it), and an unpinned action.
BROKEN_STEP = '''      - name: Point the buttons at this repository
        run: sed -i "s#^  url: https://github.com/.*#  url: https://github.com/${GITHUB_REPOSITORY}#" _config.yml
'''


def test_a_broken_or_unpinned_workflow_fails_these_checks(tmp_path: Path) -> None:
    # Both faults at once, so that each tool runs once (each run starts a Python or a Rust program: seconds).
    github = tmp_path / ".github"
    shutil.copytree(GITHUB, github, ignore=shutil.ignore_patterns("dependabot.yml", "ISSUE_TEMPLATE"))
    deploy = github / "workflows" / "deploy.yml"
    text = deploy.read_text(encoding="utf-8")
    deploy.write_text(text.replace("      - name: Build the book (strict)",
                                   BROKEN_STEP + "      - name: Build the book (strict)"), encoding="utf-8")
    test = github / "workflows" / "test.yml"
    test.write_text(re.sub(r"actions/checkout@[0-9a-f]{40} # v[\d.]+\n        with:\n"
                           r"          persist-credentials: false\n", "actions/checkout@v4\n",
                           test.read_text(encoding="utf-8")), encoding="utf-8")
    # The schema catches the broken deploy (a YAML error on the step's line), and not the unpinned checkout, which
    # is valid: the pin check and zizmor are what catch it.
    problems = schema_problems(github)
    assert len(problems) == 1 and "deploy.yml" in problems[0] and re.search(r"line:? \d+", problems[0]), problems
    assert "test.yml" not in problems[0], problems
    (unpinned,) = unpinned_actions(github)
    assert unpinned.startswith("test.yml:") and unpinned.endswith(": - uses: actions/checkout@v4"), unpinned
    deploy.write_text(text, encoding="utf-8")  # zizmor reads every workflow: give it a deploy.yml that parses
    findings = zizmor_findings(github)
    assert any(f.startswith("artipacked") and "test.yml" in f for f in findings), findings
    assert any(f.startswith("unpinned-uses") and "test.yml" in f for f in findings), findings


# The deploy's own step: `chapterkit set-repository` on a copy of _config.yml.

def test_set_repository_changes_only_the_url_line(tmp_path: Path) -> None:
    config = tmp_path / "_config.yml"
    shutil.copyfile(ROOT / "_config.yml", config)
    before = config.read_text(encoding="utf-8").splitlines()
    assert repository.set_repository(config, "a-fork/my.book_2") == "https://github.com/a-fork/my.book_2"
    after = config.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [(next(line for line in before if line.startswith("  url: https://github.com/")),
                        "  url: https://github.com/a-fork/my.book_2"),
                       (next(line for line in before if line.startswith("    html_baseurl: ")),
                        "    html_baseurl: https://a-fork.github.io/my.book_2/")]
    parsed = yaml.safe_load("\n".join(after))
    assert parsed["repository"]["url"] == "https://github.com/a-fork/my.book_2"
    assert parsed["sphinx"]["config"]["html_baseurl"] == "https://a-fork.github.io/my.book_2/"
    assert repository.pages_url("Some-Owner/some-owner.github.io") == "https://some-owner.github.io/"


@pytest.mark.parametrize("slug", ["", "no-slash", "a/b/c", "-owner/x", "owner/..", "o w/x", 'x/y"; rm -rf /',
                                  "owner/name\n  url: evil"])
def test_set_repository_refuses_a_bad_name_and_changes_nothing(tmp_path: Path, slug: str) -> None:
    config = tmp_path / "_config.yml"
    shutil.copyfile(ROOT / "_config.yml", config)
    with pytest.raises(ChapterkitError, match="OWNER/NAME"):
        repository.set_repository(config, slug)
    assert config.read_bytes() == (ROOT / "_config.yml").read_bytes()


def test_set_repository_without_a_repository_block_says_so(tmp_path: Path) -> None:
    config = tmp_path / "_config.yml"
    config.write_text("title: x\nurl: https://example.org\nlaunch_buttons:\n  url: y\n", encoding="utf-8")
    with pytest.raises(ChapterkitError, match="no 'repository:' block"):
        repository.set_repository(config, "a/b")
    assert config.read_text(encoding="utf-8") == "title: x\nurl: https://example.org\nlaunch_buttons:\n  url: y\n"
