"""Suppressions by annotation, by comment and by configuration, and the findings about them."""

from pathlib import Path

from kubelint import Config, lint_paths, lint_text
from kubelint.config import load_config

TWO_CONTAINERS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations:
{annotations}
spec:
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - name: web
          image: nginx
        - name: debug
          image: busybox
"""


def deployment(annotations: str = "    note: none") -> str:
    return TWO_CONTAINERS.format(annotations=annotations)


def rules_at(findings, *rules: str) -> list[tuple[str, int, str | None]]:
    return [(f.rule, f.line, f.container) for f in findings if f.rule in rules]


def test_without_suppression_both_containers_are_reported() -> None:
    findings = lint_text(deployment(), "web.yaml", config=Config())
    assert rules_at(findings, "mutable-image-tag") == [
        ("mutable-image-tag", 16, "web"),
        ("mutable-image-tag", 18, "debug"),
    ]


def test_object_annotation_silences_the_rule_for_every_container() -> None:
    text = deployment('    ignore.kubelint.io/mutable-image-tag: "demo images, pinned in the release overlay"')
    findings = lint_text(text, "web.yaml", config=Config())
    assert rules_at(findings, "mutable-image-tag", "unused-suppression", "suppression-without-reason") == []


def test_container_annotation_silences_one_container() -> None:
    text = deployment('    ignore.kubelint.io/mutable-image-tag.debug: "debug tools follow upstream"')
    findings = lint_text(text, "web.yaml", config=Config())
    assert rules_at(findings, "mutable-image-tag") == [("mutable-image-tag", 16, "web")]


def test_annotation_on_the_pod_template_counts_too() -> None:
    text = deployment().replace(
        "      labels: {app: web}",
        '      labels: {app: web}\n      annotations: {ignore.kubelint.io/mutable-image-tag.web: "mirrored"}',
    )
    findings = lint_text(text, "web.yaml", config=Config())
    assert rules_at(findings, "mutable-image-tag") == [("mutable-image-tag", 19, "debug")]


def test_suppression_without_reason_is_a_warning_but_still_suppresses() -> None:
    findings = lint_text(deployment('    ignore.kubelint.io/mutable-image-tag: ""'), "web.yaml", config=Config())
    assert rules_at(findings, "mutable-image-tag", "suppression-without-reason") == [
        ("suppression-without-reason", 7, None)
    ]


def test_unused_and_unknown_suppressions_are_reported() -> None:
    text = deployment('    ignore.kubelint.io/mutable-image-tag.sidecar: "no such container"\n'
                      '    ignore.kubelint.io/no-such-rule: "typo"')  # fmt: skip
    findings = lint_text(text, "web.yaml", config=Config())
    unused = [f for f in findings if f.rule == "unused-suppression"]
    assert [f.line for f in unused] == [7, 8]
    assert "no rule is named" in unused[1].message


def test_comment_on_the_line_or_the_line_above() -> None:
    text = (
        deployment()
        .replace(
            "          image: nginx",
            "          image: nginx  # kubelint: ignore=mutable-image-tag rebuilt nightly on purpose",
        )
        .replace(
            "          image: busybox",
            "          # kubelint: ignore=mutable-image-tag,bare-pod debug only\n          image: busybox",
        )
    )
    findings = lint_text(text, "web.yaml", config=Config())
    assert rules_at(findings, "mutable-image-tag", "suppression-without-reason") == []
    # bare-pod is a real rule that reported nothing there.
    assert [f.line for f in findings if f.rule == "unused-suppression"] == [18]


def test_trailing_comment_does_not_reach_the_next_line() -> None:
    text = deployment().replace(
        "        - name: debug", "        - name: debug  # kubelint: ignore=mutable-image-tag x"
    )
    findings = lint_text(text, "web.yaml", config=Config())
    assert rules_at(findings, "mutable-image-tag") == [
        ("mutable-image-tag", 16, "web"),
        ("mutable-image-tag", 18, "debug"),
    ]


def test_config_ignore_scoped_by_path_kind_and_name(tmp_path: Path) -> None:
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "web.yaml").write_text(deployment())
    (tmp_path / "web.yaml").write_text(deployment())
    config_file = tmp_path / ".kubelint.yaml"
    config_file.write_text(
        "ignore:\n"
        "  - rules: [mutable-image-tag]\n"
        "    paths: [legacy/**]\n"
        "    kinds: [Deployment]\n"
        "    names: [web]\n"
        "    reason: the legacy stack is frozen\n"
        "  - rule: mutable-image-tag\n"
        "    kind: StatefulSet\n"
    )
    findings = lint_paths([tmp_path / "legacy", tmp_path / "web.yaml"], config=load_config(config_file))
    assert sorted({Path(f.path).parent.name for f in findings if f.rule == "mutable-image-tag"}) == [tmp_path.name]
    meta = [(f.rule, f.line, Path(f.path).name) for f in findings if f.path == str(config_file)]
    assert meta == [
        ("suppression-without-reason", 7, ".kubelint.yaml"),
        ("unused-suppression", 7, ".kubelint.yaml"),
    ]
