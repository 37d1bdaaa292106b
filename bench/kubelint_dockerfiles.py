"""kubelint and hadolint on the same real-world Dockerfiles: speed in one process each, and agreement.

    .venv/bin/python bench/kubelint_dockerfiles.py [--corpus DIR] [--peers BIN_DIR] [--repeat N]

Agreement is counted per file, for the rules both tools have: a file is "both" when both tools
report the rule in it, "kubelint only" or "hadolint only" when one does.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from timing import median_timing, ratio_line, which

ROOT = Path(__file__).resolve().parents[1]
SHARED_RULES = {
    "latest or missing tag": ("dockerfile-mutable-base-tag", {"DL3006", "DL3007"}),
    "ADD instead of COPY": ("dockerfile-add-instead-of-copy", {"DL3020"}),
    "several CMD/ENTRYPOINT": ("dockerfile-multiple-cmd", {"DL4003", "DL4004"}),
    "runs as root": ("dockerfile-runs-as-root", {"DL3002"}),
    "apt lists left behind": ("dockerfile-apt-no-cleanup", {"DL3009"}),
}


def dockerfiles(corpus: Path) -> list[str]:
    return sorted(str(path) for path in (corpus / "dockerfiles").rglob("*") if path.is_file())


def kubelint_files_by_rule(files: list[str]) -> dict[str, set[str]]:
    command = [sys.executable, "-m", "kubelint", "--format", "json", "--fail-on", "never", *files]
    report = json.loads(subprocess.run(command, capture_output=True, text=True, check=False).stdout)
    found: dict[str, set[str]] = defaultdict(set)
    for finding in report["findings"]:
        found[finding["rule"]].add(finding["path"])
    return found


def hadolint_files_by_code(hadolint: str, files: list[str]) -> tuple[dict[str, set[str]], int]:
    result = subprocess.run([hadolint, "--no-fail", "-f", "json", *files], capture_output=True, text=True, check=False)
    found: dict[str, set[str]] = defaultdict(set)
    for item in json.loads(result.stdout or "[]"):
        found[item["code"]].add(item["file"])
    return found, len(found.get("DL1000", ()))


def print_agreement(ours: dict[str, set[str]], theirs: dict[str, set[str]]) -> None:
    print(f"{'rule':<24} {'kubelint rule':<32} {'both':>5} {'kubelint only':>14} {'hadolint only':>14} {'agree':>6}")
    for label, (rule, codes) in SHARED_RULES.items():
        mine = ours.get(rule, set())
        other = set().union(*(theirs.get(code, set()) for code in codes))
        either = mine | other
        agree = len(mine & other) / len(either) if either else 1.0
        print(
            f"{label:<24} {rule:<32} {len(mine & other):>5} {len(mine - other):>14} {len(other - mine):>14}"
            f" {agree:>6.0%}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--peers", help="folder with the peers' executables (default: PATH)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = dockerfiles(args.corpus)
    if not files:
        print(f"no Dockerfiles under {args.corpus}/dockerfiles", file=sys.stderr)
        return 2
    print(f"corpus: {len(files)} Dockerfiles under {args.corpus}/dockerfiles; median of {args.repeat} runs")
    kubelint = [sys.executable, "-m", "kubelint", "--format", "json", "--fail-on", "never", *files]
    ours = median_timing(kubelint, args.repeat)
    print(f"kubelint, one process                        {ours}")
    hadolint = which("hadolint", args.peers)
    if hadolint is None:
        print("hadolint: not installed, skipped (see bench/README.md)")
        return 0
    theirs = median_timing([hadolint, "--no-fail", "-f", "json", *files], args.repeat)
    print(f"hadolint, one process                        {theirs}")
    print(ratio_line("hadolint / kubelint (speed-up)", theirs, ours, ">= 5x"))
    hadolint_found, unparsed = hadolint_files_by_code(hadolint, files)
    print(f"hadolint could not parse {unparsed} files (DL1000)")
    print_agreement(kubelint_files_by_rule(files), hadolint_found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
