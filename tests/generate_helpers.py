"""Shared pieces of the generator tests: where the inventories are, a fixed environment, and the
warnings each sample's README explains (the round trip must show no other error or warning)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from dmvpnlint.engine import Finding, Severity

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
CASES = Path(__file__).parent / "generate_cases"
GOLDEN = Path(__file__).parent / "golden" / "generate"

PSK = "Ex4mple-Only-Psk"
ENV = {"DMVPN_PSK": PSK, "TEST_PSK": "Test-Psk-1", "TEST_NHRP_AUTH": "nhrpT3st"}
SECRETS = tuple(ENV.values())

# sample folder -> {rule: number of findings} that its README explains
SAMPLE_WARNINGS: dict[str, dict[str, int]] = {
    "gen-guide-hub-spoke": {"DMV117": 2, "DMV206": 3},
    "gen-dual-hub-phase3-ikev2": {},
    "gen-vrf-aware": {"DMV117": 2},
    "gen-500-spokes": {},
}
# golden case -> inventory path
GOLDEN_CASES: dict[str, Path] = {
    "guide-hub-spoke": SAMPLES / "gen-guide-hub-spoke" / "inventory.yaml",
    "dual-hub-phase3-ikev2": SAMPLES / "gen-dual-hub-phase3-ikev2" / "inventory.yaml",
    "vrf-aware": SAMPLES / "gen-vrf-aware" / "inventory.yaml",
    "phase1-nat-nokey": CASES / "phase1-nat-nokey.yaml",
    "bgp-vrf-xe": CASES / "bgp-vrf-xe.yaml",
}


def warnings_and_errors(findings: tuple[Finding, ...]) -> dict[str, int]:
    """{rule: count} of the findings at warning or error severity."""
    return dict(Counter(
        f.rule for f in findings if f.severity in (Severity.WARNING, Severity.ERROR)
    ))


def write_inventory(folder: Path, text: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "inventory.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)
