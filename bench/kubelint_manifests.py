"""kubelint on the real-world manifests, side by side with a bare YAML parse, checkov, and Python start-up.

.venv/bin/python bench/kubelint_manifests.py [--corpus DIR] [--peers BIN_DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from timing import median_timing, ratio_line, which

ROOT = Path(__file__).resolve().parents[1]
BARE_COMPOSE = """
import sys, yaml
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as file:
        for _ in yaml.compose_all(file.read(), Loader=yaml.CSafeLoader):
            pass
"""


def manifest_files(corpus: Path) -> list[str]:
    return sorted(str(path) for path in (corpus / "manifests").rglob("*") if path.suffix in (".yaml", ".yml"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--peers", help="folder with the peers' executables (default: PATH)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = manifest_files(args.corpus)
    if not files:
        print(f"no manifests under {args.corpus}/manifests", file=sys.stderr)
        return 2
    python = sys.executable
    kubelint = [python, "-m", "kubelint", "--format", "json", "--fail-on", "never"]
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as script:
        script.write(BARE_COMPOSE)
    print(f"corpus: {len(files)} manifest files under {args.corpus}/manifests; median of {args.repeat} runs")

    ours = median_timing([*kubelint, *files], args.repeat)
    bare = median_timing([python, script.name, *files], args.repeat)
    print(f"kubelint, whole corpus                       {ours}")
    print(f"yaml.compose_all (CSafeLoader), whole corpus {bare}")
    print(ratio_line("kubelint / bare compose_all", ours, bare, "<= 1.5x"))

    one_file = [*kubelint, files[0]]
    single = median_timing(one_file, max(args.repeat, 10))
    start_up = median_timing([python, "-c", "import yaml"], max(args.repeat, 10))
    print(f"kubelint, one file                           {single}")
    print(f'python3 -c "import yaml"                     {start_up}')
    print(ratio_line("kubelint one file / import yaml", single, start_up, "<= 5x"))

    checkov = which("checkov", args.peers)
    if checkov is None:
        print("checkov: not installed, skipped (see bench/README.md)")
        return 0
    folder = str(args.corpus / "manifests")
    theirs = median_timing([checkov, "-d", folder, "--framework", "kubernetes", "--quiet", "-o", "json"], 1)
    print(f"checkov, whole corpus (1 run)                {theirs}")
    print(ratio_line("checkov / kubelint (speed-up)", theirs, ours, ">= 20x"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
