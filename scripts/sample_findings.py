"""Print the `## Findings` table of a sample's README from dmvpnlint's real output.

    python scripts/sample_findings.py samples/guide-hub-spoke [--write]

`--write` replaces the table in the README (between the `## Findings` heading's table markers);
the prose explaining each finding is the README author's job. tests/test_samples.py fails when
a README's table and the linter disagree.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

START, END = "<!-- findings:start -->", "<!-- findings:end -->"


def findings_table(sample: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "dmvpnlint", "lint", sample, "--format", "json"],
        capture_output=True, text=True, check=False,
    )
    if out.returncode not in (0, 1):
        raise SystemExit(out.stderr)
    rows = ["| where | rule | severity | message |", "|---|---|---|---|"]
    for f in json.loads(out.stdout)["findings"]:
        where = f"{Path(f['file']).name}:{f['line']}"
        message = f["message"].replace("|", "\\|")
        rows.append(f"| `{where}` | {f['rule']} {f['name']} | {f['severity']} | {message} |")
    if len(rows) == 2:
        rows.append("| | | | no findings |")
    return "\n".join([START, *rows, END])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sample")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    table = findings_table(args.sample)
    if not args.write:
        print(table)
        return
    readme = Path(args.sample) / "README.md"
    text = readme.read_text(encoding="utf-8")
    if START in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: table, text, flags=re.S)
    else:
        text = text.replace("<!-- findings: filled from dmvpnlint's output -->", table)
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
