"""The four report formats, on one run with findings at known places."""

import json
from typing import Any

import sarif_pydantic
from pydantic import BaseModel

from kubelint import Linter
from kubelint.engine import LintResult
from kubelint.report import write_report
from kubelint.report.text import format_finding

MANIFEST = """\
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: shop
spec:
  containers:
    - name: api
      image: "registry.example.com/api:latest"
"""


def run(tmp_path) -> LintResult:
    path = tmp_path / "pod.yaml"
    path.write_text(MANIFEST)
    return Linter().lint_paths([str(path)])


def render(result: LintResult, name: str, color: bool = False) -> str:
    import io

    out = io.StringIO()
    write_report(name, result, out, color)
    return out.getvalue()


def image_finding(result: LintResult):
    return next(finding for finding in result.findings if finding.rule == "mutable-image-tag")


def test_text_report_has_position_rule_and_code_frame(tmp_path) -> None:
    result = run(tmp_path)
    text = render(result, "text")
    finding = image_finding(result)
    assert f"{finding.path}:9:14: error mutable-image-tag " in text
    frame = text.splitlines()[text.splitlines().index(format_finding(finding)) + 1 :][:2]
    assert frame[0].endswith('image: "registry.example.com/api:latest"')
    assert frame[1].rstrip().endswith("^" * len('"registry.example.com/api:latest"'))
    assert "\033[" not in text
    assert "\033[31m" in render(result, "text", color=True)


def test_json_report_follows_the_documented_shape(tmp_path) -> None:
    result = run(tmp_path)
    document = json.loads(render(result, "json"))
    assert document["version"] == 1
    finding = next(item for item in document["findings"] if item["rule"] == "mutable-image-tag")
    assert set(finding) == {
        "rule",
        "severity",
        "message",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "object",
        "container",
    }
    assert (finding["line"], finding["column"], finding["end_line"], finding["end_column"]) == (9, 14, 9, 47)
    assert finding["object"] == {"apiVersion": "v1", "kind": "Pod", "namespace": "shop", "name": "api"}
    assert finding["container"] == "api"
    assert document["summary"]["files"] == 1
    assert document["summary"]["error"] == sum(1 for item in document["findings"] if item["severity"] == "error")


def test_github_report_is_workflow_commands(tmp_path) -> None:
    result = run(tmp_path)
    finding = image_finding(result)
    lines = render(result, "github").splitlines()
    expected = f"::error file={finding.path},line=9,col=14,endLine=9,endColumn=47,title=mutable-image-tag::"
    assert any(line.startswith(expected) for line in lines)
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)


def assert_no_unknown_properties(model: Any, where: str = "sarif") -> None:
    """sarif-pydantic accepts extra properties; SARIF does not (outside property bags)."""
    if isinstance(model, BaseModel):
        assert not model.model_extra, f"{where} has properties SARIF does not define: {sorted(model.model_extra)}"
        for name, value in model:
            if name != "properties":
                assert_no_unknown_properties(value, f"{where}.{name}")
    elif isinstance(model, list):
        for index, item in enumerate(model):
            assert_no_unknown_properties(item, f"{where}[{index}]")
    elif isinstance(model, dict):
        for key, item in model.items():
            assert_no_unknown_properties(item, f"{where}.{key}")


def test_sarif_report_is_valid_sarif_2_1_0_with_real_regions(tmp_path) -> None:
    result = run(tmp_path)
    document = json.loads(render(result, "sarif"))
    log = sarif_pydantic.Sarif.model_validate(document)
    assert log.version == "2.1.0"
    assert_no_unknown_properties(log)
    run_log = log.runs[0]
    rules = run_log.tool.driver.rules
    assert {rule.id for rule in rules} >= {"mutable-image-tag", "yaml-syntax"}
    assert all(rule.help and rule.help.text for rule in rules)
    sarif_result = next(item for item in run_log.results if item.rule_id == "mutable-image-tag")
    assert rules[sarif_result.rule_index].id == "mutable-image-tag"
    region = sarif_result.locations[0].physical_location.region
    assert (region.start_line, region.start_column, region.end_line, region.end_column) == (9, 14, 9, 47)
    assert sarif_result.level.value == "error"
    assert len(run_log.results) == len(result.findings)
