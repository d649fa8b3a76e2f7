"""docs/ci.md and .pre-commit-hooks.yaml: the commands they show are run here, as a CI runner
would run them (bash, from the repository root, with `dmvpnlint` on PATH), on a fleet with a
known problem; the files they produce are checked where the documents say CI reads them.

Only `pip install dmvpnlint` is not run: the test uses the dmvpnlint of this checkout.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.fleets import clean_fleet, edit

REPO = Path(__file__).resolve().parents[1]
CI_DOC = REPO / "docs" / "ci.md"
HOOKS = REPO / ".pre-commit-hooks.yaml"
SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
INSTALL = "pip install dmvpnlint"


def fenced_blocks(language: str) -> list[str]:
    text = CI_DOC.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.M | re.S)


def yaml_block(first_line: str) -> dict:
    block = next(b for b in fenced_blocks("yaml") if b.startswith(first_line))
    return yaml.safe_load(block)


def github_workflow() -> dict:
    return yaml_block("# .github/workflows/dmvpnlint.yml")


def gitlab_job() -> dict:
    return yaml_block("# .gitlab-ci.yml")["dmvpnlint"]


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A repository with a fleet whose spoke1 has the wrong network-id (DMV101, an error)."""
    files = clean_fleet()
    files["spoke1.cfg"] = edit(files["spoke1.cfg"], "ip nhrp network-id 100",
                               "ip nhrp network-id 101")
    (tmp_path / "configs").mkdir()
    for name, text in files.items():
        (tmp_path / "configs" / name).write_text(text, encoding="utf-8")
    return tmp_path


def run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run one documented command with bash -eo pipefail (GitHub's `run:` shell) and the
    checkout's dmvpnlint first on PATH."""
    bin_dir = cwd / ".bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "dmvpnlint"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m dmvpnlint "$@"\n')
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(REPO)}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", command],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_github_workflow_commands(checkout: Path) -> None:
    workflow = github_workflow()
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["dmvpnlint"]["steps"]
    commands = [step["run"] for step in steps if "run" in step]
    assert commands[0] == INSTALL
    sarif_run, annotate = (run(command, checkout) for command in commands[1:])

    assert sarif_run.returncode == 0, sarif_run.stderr  # findings (1) are accepted
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/"
                                                                    "upload-sarif"))
    sarif_file = checkout / upload["with"]["sarif_file"]
    document = json.loads(sarif_file.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(document)
    [result] = [r for r in document["runs"][0]["results"] if r["ruleId"] == "DMV101"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "configs/spoke1.cfg"

    assert annotate.returncode == 1  # the gate step fails the job
    assert annotate.stdout.startswith("::error file=configs/spoke1.cfg,line=")
    assert "title=DMV101 nhrp-network-id-mismatch::network-id 101" in annotate.stdout


def test_github_gate_passes_on_a_clean_fleet(tmp_path: Path) -> None:
    (tmp_path / "configs").mkdir()
    for name, text in clean_fleet().items():
        (tmp_path / "configs" / name).write_text(text, encoding="utf-8")
    steps = github_workflow()["jobs"]["dmvpnlint"]["steps"]
    gate = run(steps[-1]["run"], tmp_path)
    assert (gate.returncode, gate.stdout) == (0, "dmvpnlint: no findings in 4 devices (1 "
                                              "cloud)\n")


def test_a_usage_error_still_fails_the_sarif_step(checkout: Path) -> None:
    steps = github_workflow()["jobs"]["dmvpnlint"]["steps"]
    [command] = [s["run"] for s in steps if "--format sarif" in s.get("run", "")]
    command = command.replace("configs/", "missing/")
    result = run(command, checkout)
    assert result.returncode != 0  # `[ 2 -eq 1 ]` fails the step
    assert result.stderr == "dmvpnlint: missing/: no such file or directory\n"


def test_gitlab_job_commands(checkout: Path) -> None:
    job = gitlab_job()
    assert job["script"][0] == INSTALL
    results = [run(command, checkout) for command in job["script"][1:]]
    assert [r.returncode for r in results] == [0, 0, 1]
    assert "DMV101 nhrp-network-id-mismatch" in results[2].stdout

    reports = job["artifacts"]["reports"]
    assert job["artifacts"]["when"] == "always"
    quality = json.loads((checkout / reports["codequality"]).read_text(encoding="utf-8"))
    [issue] = [i for i in quality if i["check_name"] == "DMV101"]
    assert issue["location"] == {"path": "configs/spoke1.cfg",
                                 "lines": {"begin": issue["location"]["lines"]["begin"]}}
    assert issue["severity"] == "critical" and len(issue["fingerprint"]) == 32
    junit = ET.parse(checkout / reports["junit"]).getroot()
    suites = [s.get("name") for s in junit.iter("testsuite")]
    assert suites == [f"configs/{name}" for name in sorted(clean_fleet())]
    assert junit.get("failures") == str(len(quality))


def test_baseline_commands(checkout: Path) -> None:
    block = next(b for b in fenced_blocks("sh") if "--write-baseline" in b)
    commands = [line.split("#")[0].strip() for line in block.splitlines()]
    commands = [c for c in commands if c and not c.startswith("git ")]
    written, checked = (run(command, checkout) for command in commands)
    assert written.returncode == 0 and "wrote 1 finding to baseline" in written.stderr
    assert checked.returncode == 0
    assert "1 known finding not reported, 0 new findings" in checked.stderr


def test_pre_commit_hook(checkout: Path) -> None:
    [hook] = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert hook["id"] == "dmvpnlint" and hook["language"] == "python"
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    for path in ("configs/hub1.cfg", "site/spoke.ios", "inventory.yaml", "a/.dmvpnlint.toml",
                 "pyproject.toml"):
        assert files.search(path), path
    for path in ("README.md", "docs/ci.md", "myinventory.yaml.bak"):
        assert not files.search(path), path

    config = yaml_block("# .pre-commit-config.yaml")
    [documented] = config["repos"][0]["hooks"]
    assert documented["id"] == hook["id"]
    # pre-commit runs `entry` followed by `args`, and no file names.
    result = run(" ".join([hook["entry"], *documented["args"]]), checkout)
    assert result.returncode == 1
    assert "DMV101" in result.stdout
