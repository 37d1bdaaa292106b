"""The `kubelint` command.

    kubelint [options] [PATH ...]   lint files and folders (default: the current folder; - reads stdin)
    kubelint rules                  list every rule
    kubelint explain RULE           what a rule checks, why, and how to fix it

Exit codes: 0 nothing at or above --fail-on, 1 something is, 2 usage error or unreadable path.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

from kubelint.config import Config, ConfigError, RuleSetting, find_config, load_config
from kubelint.findings import Severity

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FORMAT_NAMES = ("text", "json", "sarif", "github")


def _lint_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kubelint",
        description="Lint Kubernetes manifests and Dockerfiles with the rules of Kubernetes: Up and Running.",
        epilog="Other commands: `kubelint rules` lists the rules, `kubelint explain RULE` explains one.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to lint (default: .); - is stdin")
    parser.add_argument(
        "--format",
        "-f",
        choices=("text", "json", "sarif", "github"),
        default="text",
        help="report format (default: text)",
    )
    parser.add_argument(
        "--fail-on",
        choices=("error", "warning", "info", "never"),
        help="lowest severity that makes the exit code 1 (default: warning, or fail-on in the config)",
    )
    parser.add_argument("--config", "-c", type=Path, help="configuration file (default: nearest .kubelint.yaml)")
    parser.add_argument("--no-config", action="store_true", help="ignore configuration files")
    parser.add_argument("--enable", action="append", default=[], metavar="RULE", help="turn a rule on (repeatable)")
    parser.add_argument("--disable", action="append", default=[], metavar="RULE", help="turn a rule off (repeatable)")
    parser.add_argument(
        "--stdin-filename", metavar="NAME", help="the name to report for - (decides YAML or Dockerfile)"
    )
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour in text reports")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        if args[:1] == ["rules"]:
            return _rules_command(args[1:])
        if args[:1] == ["explain"]:
            return _explain_command(args[1:])
        return _lint_command(args)
    except BrokenPipeError:
        # The reader (head, less) went away: not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_CLEAN
    except KeyboardInterrupt:
        return 130


def _rules_command(args: list[str]) -> int:
    from kubelint.registry import all_rules
    from kubelint.rulesdoc import rules_table

    parser = argparse.ArgumentParser(prog="kubelint rules", description="List every rule.")
    parser.parse_args(args)
    sys.stdout.write(rules_table(all_rules().values()))
    return EXIT_CLEAN


def _explain_command(args: list[str]) -> int:
    import difflib

    from kubelint.registry import all_rules
    from kubelint.rulesdoc import explain

    parser = argparse.ArgumentParser(prog="kubelint explain", description="Explain a rule.")
    parser.add_argument("rule")
    rule_id = parser.parse_args(args).rule
    rule = all_rules().get(rule_id)
    if rule is None:
        close = difflib.get_close_matches(rule_id, list(all_rules()), n=1)
        hint = f'; did you mean "{close[0]}"?' if close else "; `kubelint rules` lists them"
        print(f'kubelint: no rule is named "{rule_id}"{hint}', file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(explain(rule))
    return EXIT_CLEAN


def _lint_command(args: list[str]) -> int:
    parser = _lint_parser()
    options = parser.parse_args(args)
    try:
        config = _config(options)
    except ConfigError as error:
        print(f"kubelint: {error}", file=sys.stderr)
        return EXIT_USAGE
    from kubelint.engine import Linter
    from kubelint.report import write_report

    # Parsed YAML is short-lived; the cyclic collector only costs time on large runs.
    gc.disable()
    result = Linter(config).lint_paths(options.paths or ["."], options.stdin_filename)
    color = options.color == "always" or (options.color == "auto" and _is_terminal() and options.format == "text")
    write_report(options.format, result, sys.stdout, color)
    sys.stdout.flush()
    for problem in result.unreadable:
        print(f"kubelint: cannot read {problem}", file=sys.stderr)
    if result.unreadable:
        return EXIT_USAGE
    worst = result.worst()
    failing = worst is not None and config.fail_on is not None and worst.severity >= config.fail_on
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def _is_terminal() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _config(options: argparse.Namespace) -> Config:
    config = Config() if options.no_config else load_config(options.config or find_config(Path.cwd()))
    if options.fail_on:
        config.fail_on = None if options.fail_on == "never" else Severity.parse(options.fail_on)
    _toggle_rules(config, options.enable, True)
    _toggle_rules(config, options.disable, False)
    return config


def _toggle_rules(config: Config, rule_ids: list[str], enabled: bool) -> None:
    from kubelint.registry import get_rule

    for rule_id in rule_ids:
        if get_rule(rule_id) is None:
            raise ConfigError(f'no rule is named "{rule_id}"; `kubelint rules` lists them')
        setting = config.setting(rule_id)
        config.settings[rule_id] = RuleSetting(enabled, setting.severity, setting.options)
