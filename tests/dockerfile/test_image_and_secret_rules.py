"""Base image, secret, ADD, CMD and USER rules for Dockerfiles: what the fixtures cannot show.

Messages, options, build contexts on disk, inherited stages, Windows images, and robustness on
inputs that are barely Dockerfiles.
"""

import os
import shutil
from pathlib import Path
from textwrap import dedent

import pytest

import kubelint
from kubelint import Config
from kubelint.config import RuleSetting
from kubelint.dockerfile.parser import parse_dockerfile
from kubelint.findings import Finding, Severity
from kubelint.registry import all_rules
from kubelint.rules.dockerfile.dockerfile_secret_file_copied import secret_file_kind
from tests.conftest import FIXTURES

RULES = {
    "dockerfile-mutable-base-tag": Severity.ERROR,
    "dockerfile-base-not-pinned-by-digest": Severity.INFO,
    "dockerfile-secret-in-env-or-arg": Severity.ERROR,
    "dockerfile-secret-file-copied": Severity.ERROR,
    "dockerfile-add-instead-of-copy": Severity.INFO,
    "dockerfile-multiple-cmd": Severity.WARNING,
    "dockerfile-runs-as-root": Severity.WARNING,
}
CONTEXTS = FIXTURES / "kubelint" / "contexts"
CORPUS_DOCKERFILES = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "dockerfiles"


def only(rule_id: str, **options: object) -> Config:
    """One rule on (with these options), internal-error to catch crashes; the rest off."""
    settings = {}
    for rule in all_rules().values():
        merged = {**rule.options, **{key: value for key, value in options.items() if key in rule.options}}
        settings[rule.id] = RuleSetting(rule.id in (rule_id, "internal-error"), rule.severity, merged)
    return Config(settings=settings)


def lint(text: str, rule_id: str, path: str = "Dockerfile", options: dict[str, object] | None = None) -> list[Finding]:
    findings = kubelint.lint_text(dedent(text), path=path, config=only(rule_id, **(options or {})))
    assert not [f for f in findings if f.rule == "internal-error"], findings
    return findings


def positions(findings: list[Finding]) -> list[tuple[int, int]]:
    return [(finding.line, finding.column) for finding in findings]


def test_the_rules_are_registered_with_their_severity_and_chapter() -> None:
    rules = all_rules()
    for rule_id, severity in RULES.items():
        assert rules[rule_id].severity == severity
        assert rules[rule_id].scope == "dockerfile"
        assert rules[rule_id].target == "dockerfile"
    assert rules["dockerfile-runs-as-root"].book == "Chapter 19, Securing Applications in Kubernetes"
    assert rules["dockerfile-mutable-base-tag"].book == "Chapter 2, Creating and Running Containers"
    assert rules["dockerfile-secret-in-env-or-arg"].options == {"report-low-confidence": False}


# dockerfile-mutable-base-tag and dockerfile-base-not-pinned-by-digest


def test_mutable_base_messages_say_what_the_tag_means() -> None:
    [no_tag, latest] = lint("FROM node AS web\nFROM node:latest\n", "dockerfile-mutable-base-tag")
    assert 'base image "node" has no tag, so it means ":latest"' in no_tag.message
    assert '"node:<version>"' in no_tag.message
    assert no_tag.object is not None and no_tag.object.name == "web"
    assert '"node:latest" uses the moving tag ":latest"' in latest.message
    assert latest.object is not None and latest.object.name == "1"


def test_a_base_from_build_arguments_is_judged_by_their_defaults() -> None:
    text = """\
        ARG BASE=redis
        ARG TAG
        FROM ${BASE}
        FROM redis:${TAG}
        FROM redis:${TAG:-latest}
    """
    findings = lint(text, "dockerfile-mutable-base-tag")
    assert positions(findings) == [(3, 6), (5, 6)]
    assert 'base image "${BASE}" (which is "redis" with the ARG defaults)' in findings[0].message


def test_a_stage_name_only_counts_once_the_stage_is_defined() -> None:
    text = "FROM app AS first\nFROM alpine:3.20.3 AS app\nFROM APP\n"
    assert positions(lint(text, "dockerfile-mutable-base-tag")) == [(1, 6)]


def test_an_argument_can_name_an_earlier_stage() -> None:
    text = "ARG FLAVOUR=build\nFROM golang:1.23.3 AS build\nFROM ${FLAVOUR} AS test\n"
    assert lint(text, "dockerfile-mutable-base-tag") == []
    assert positions(lint(text, "dockerfile-base-not-pinned-by-digest")) == [(2, 6)]


def test_each_from_gets_one_of_the_two_image_findings() -> None:
    text = "FROM nginx\nFROM nginx:1.27.2\nFROM nginx:1.27.2@sha256:" + "a" * 64 + "\n"
    mutable = lint(text, "dockerfile-mutable-base-tag")
    by_tag = lint(text, "dockerfile-base-not-pinned-by-digest")
    assert positions(mutable) == [(1, 6)]
    assert positions(by_tag) == [(2, 6)]
    assert 'pinned by its tag ":1.27.2" only' in by_tag[0].message


def test_placeholders_and_invalid_references_are_not_judged() -> None:
    text = "FROM BASEIMAGE\nFROM {{ .Base }}\nFROM ${UNDECLARED}\nFROM <your-image>\nFROM\n"
    assert lint(text, "dockerfile-mutable-base-tag") == []
    assert lint(text, "dockerfile-base-not-pinned-by-digest") == []


# dockerfile-secret-in-env-or-arg


def test_low_confidence_values_need_the_option() -> None:
    text = "FROM alpine:3.20.3\nENV CACHE_SEED=aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5\n"
    assert lint(text, "dockerfile-secret-in-env-or-arg") == []
    [finding] = lint(text, "dockerfile-secret-in-env-or-arg", options={"report-low-confidence": True})
    assert "long random-looking string" in finding.message


def test_global_arguments_are_judged_by_their_default_only() -> None:
    text = "ARG GITHUB_TOKEN\nARG NPM_TOKEN=npm-fixture-not-real\nFROM alpine:3.20.3\n"
    [finding] = lint(text, "dockerfile-secret-in-env-or-arg")
    assert (finding.line, finding.column) == (2, 5)
    assert finding.object is None
    assert 'ARG "NPM_TOKEN" has a secret as its default' in finding.message


def test_an_argument_is_left_alone_when_a_secret_mount_of_its_stage_receives_it() -> None:
    text = """\
        FROM alpine:3.20.3 AS by-id
        ARG NPM_TOKEN
        RUN --mount=type=secret,id=npm_token npm ci
        FROM alpine:3.20.3 AS by-env
        ARG GH_TOKEN
        RUN --mount=type=secret,id=github,env=GH_TOKEN gh release download
        FROM alpine:3.20.3 AS other-secret
        ARG PYPI_TOKEN
        RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
        FROM alpine:3.20.3 AS other-stage
        ARG NPM_TOKEN
    """
    findings = lint(text, "dockerfile-secret-in-env-or-arg")
    assert positions(findings) == [(8, 5), (11, 5)]
    assert "--build-arg" in findings[0].message
    assert "RUN --mount=type=secret,id=pypi_token" in findings[0].message


def test_an_env_copies_a_secret_argument_only_from_its_own_stage() -> None:
    text = """\
        FROM alpine:3.20.3 AS build
        ARG APP_VERSION=1.2.3
        ARG DB_PASSWORD=""
        ENV VERSION=$APP_VERSION DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app
        FROM alpine:3.20.3
        ENV DB_PASSWORD=$DB_PASSWORD
    """
    findings = lint(text, "dockerfile-secret-in-env-or-arg")
    assert positions(findings) == [(3, 5), (4, 26)]
    assert 'ENV "DATABASE_URL" copies the build argument "DB_PASSWORD"' in findings[1].message


def test_legacy_env_and_onbuild_env_are_read() -> None:
    text = "FROM alpine:3.20.3\nENV MYSQL_ROOT_PASSWORD hunter2-fixture\nONBUILD ENV API_TOKEN=tok-fixture-77\n"
    findings = lint(text, "dockerfile-secret-in-env-or-arg")
    assert positions(findings) == [(2, 5), (3, 13)]
    assert 'ENV "MYSQL_ROOT_PASSWORD" writes a secret into the image (the name says it is a password)' in (
        findings[0].message
    )


# dockerfile-secret-file-copied


@pytest.mark.parametrize(
    "path",
    [
        "id_rsa",
        "deploy/id_ed25519",
        "etc/ssh/ssh_host_ecdsa_key",
        "fixtures/ssh_host_*_key*",
        "home/.ssh/known_hosts",
        ".ssh",
        "certs/server.pem",
        "certs/ca-key.pem",
        "tls/tls.key",
        "store.p12",
        "store.PFX",
        ".env",
        "config/.env.production",
        ".npmrc",
        ".pypirc",
        ".netrc",
        ".git-credentials",
        ".dockercfg",
        ".docker/config.json",
        ".aws/credentials",
        "credentials.json",
        "client_secret_1234.apps.googleusercontent.com.json",
        "gcloud/application_default_credentials.json",
        "kubeconfig",
        "prod.kubeconfig",
        "home/.kube/config",
        "certs/*.key",
    ],
)
def test_credential_files_are_recognised(path: str) -> None:
    assert secret_file_kind(path) is not None


@pytest.mark.parametrize(
    "path",
    [
        "id_rsa.pub",
        "ssh_host_rsa_key.pub",
        "docs/ssh_host_keys.md",
        ".env.example",
        ".env.sample",
        "certs/ca.pem",
        "certs/fullchain.pem",
        "certs/server-cert.pem",
        "keys/release.key",
        "keys/repo.gpg.key",
        "config.json",
        "docker/config.json",
        "kube/config",
        "terraform.tfvars",
        "src/environment.ts",
        "monkey.py",
    ],
)
def test_look_alike_files_are_not_credentials(path: str) -> None:
    assert secret_file_kind(path) is None


def test_a_leaky_context_is_reported_at_the_dot() -> None:
    findings = kubelint.lint_paths([CONTEXTS / "leaky"], config=only("dockerfile-secret-file-copied"))
    [finding] = findings
    assert (finding.line, finding.column) == (5, 6)
    assert finding.message.startswith('COPY "." copies the whole build context, and .dockerignore does not exclude')
    assert ".env (a dotenv file" in finding.message and "deploy/id_rsa (an SSH private key)" in finding.message
    assert ".env.example" not in finding.message and "third_party" not in finding.message


def test_a_tidy_context_is_not_reported() -> None:
    assert kubelint.lint_paths([CONTEXTS / "tidy"], config=only("dockerfile-secret-file-copied")) == []


def test_a_dockerfile_given_as_text_has_no_context() -> None:
    assert lint("FROM alpine:3.20.3\nCOPY . /app\n", "dockerfile-secret-file-copied", path="nowhere/Dockerfile") == []


def copy_context(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(CONTEXTS / name, target)
    return target


def test_the_dockerfile_specific_ignore_file_replaces_dockerignore(tmp_path: Path) -> None:
    context = copy_context(tmp_path, "leaky")
    (context / "Dockerfile.dockerignore").write_text(".env\ndeploy\nthird_party\n")
    assert kubelint.lint_paths([context], config=only("dockerfile-secret-file-copied")) == []


def test_without_ignore_file_every_credential_is_counted(tmp_path: Path) -> None:
    context = copy_context(tmp_path, "leaky")
    os.remove(context / ".dockerignore")
    for name in ("a.pem", "b.p12", ".npmrc"):
        (context / name).write_text("not a real key, test fixture\n")
    dockerfile = context / "Dockerfile"
    dockerfile.write_text("FROM alpine:3.20.3\nCOPY ./ /app/\nFROM alpine:3.20.3\nADD * /srv/\nCOPY --from=0 . /\n")
    findings = kubelint.lint_paths([dockerfile], config=only("dockerfile-secret-file-copied"))
    assert positions(findings) == [(2, 6), (4, 5)]
    assert "there is no .dockerignore to leave out" in findings[0].message
    assert findings[0].message.count(" (") == 3 and "and 3 more" in findings[0].message


def test_a_source_message_names_the_file_and_the_fix() -> None:
    [finding] = lint("FROM alpine:3.20.3\nCOPY deploy/id_rsa /root/.ssh/\n", "dockerfile-secret-file-copied")
    assert finding.message.startswith('COPY puts "deploy/id_rsa" (an SSH private key) into the image')
    assert "RUN --mount=type=secret" in finding.message


# dockerfile-add-instead-of-copy and dockerfile-multiple-cmd


def test_add_is_reported_once_at_its_keyword() -> None:
    text = "FROM alpine:3.20.3\nADD a.txt b.txt /srv/\nADD --unpack=false https://example.com/x.tar.gz /\n"
    [finding] = lint(text, "dockerfile-add-instead-of-copy")
    assert (finding.line, finding.column) == (2, 1)
    assert "use COPY" in finding.message


def test_archives_are_recognised_whatever_their_case() -> None:
    assert lint("FROM alpine:3.20.3\nADD ROOTFS.TAR.GZ /\n", "dockerfile-add-instead-of-copy") == []


def test_an_overridden_cmd_names_the_one_that_wins() -> None:
    text = 'FROM alpine:3.20.3\nCMD one\nCMD two\nENTRYPOINT ["a"]\nCMD three\n'
    findings = lint(text, "dockerfile-multiple-cmd")
    assert positions(findings) == [(2, 1), (3, 1)]
    assert findings[0].message.startswith("this CMD is overridden by the CMD on line 5")


# dockerfile-runs-as-root


def root_findings(text: str) -> list[Finding]:
    return lint(text, "dockerfile-runs-as-root")


def test_no_user_on_a_registry_image_says_the_user_is_unknown() -> None:
    [finding] = root_findings("FROM golang:1.23.3 AS build\nFROM python:3.12.7-slim AS app\nCOPY . /app\n")
    assert (finding.line, finding.column) == (2, 6)
    assert finding.object is not None and finding.object.name == "app"
    assert 'base image "python:3.12.7-slim", which kubelint cannot see and which is root for most' in finding.message
    assert '"USER 10001"' in finding.message


def test_no_user_on_scratch_runs_as_uid_0() -> None:
    [finding] = root_findings("FROM scratch\nCOPY app /app\n")
    assert "starts from scratch, so its process runs as root (UID 0)" in finding.message


def test_a_base_chosen_by_the_build_command_is_named_as_written() -> None:
    [finding] = root_findings("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n")
    assert 'base image "${BASE_IMAGE}"' in finding.message


@pytest.mark.parametrize("user", ["root", "0", "00", "root:root", "0:0", "root:wheel", '"root"', "ROOT"])
def test_a_last_user_that_is_root_is_reported_at_its_value(user: str) -> None:
    [finding] = root_findings(f"FROM alpine:3.20.3\nUSER app\nUSER {user}\n")
    assert (finding.line, finding.column) == (3, 6)


@pytest.mark.parametrize("user", ["10001", "app", "10001:10001", "nobody", "1000:0", "rooty"])
def test_a_last_user_that_is_not_root_is_fine(user: str) -> None:
    assert root_findings(f"FROM alpine:3.20.3\nUSER root\nUSER {user}\n") == []


def test_the_final_stage_inherits_the_user_of_the_stage_it_builds_on() -> None:
    base = "FROM alpine:3.20.3 AS base\nUSER {user}\nFROM base AS app\nCOPY . /app\n"
    assert root_findings(base.format(user="app")) == []
    [finding] = root_findings(base.format(user="root"))
    assert (finding.line, finding.column) == (3, 6)
    assert 'inherits "USER root" from line 2' in finding.message
    [finding] = root_findings("FROM scratch AS empty\nFROM empty\n")
    assert 'from scratch (through stage "empty")' in finding.message


def test_a_user_from_build_arguments_is_judged_by_their_defaults() -> None:
    assert positions(root_findings("FROM alpine:3.20.3\nARG UID=0\nUSER ${UID}\n")) == [(3, 6)]
    assert positions(root_findings("ARG UID=0\nFROM alpine:3.20.3\nARG UID\nUSER $UID:$UID\n")) == [(4, 6)]
    assert root_findings("FROM alpine:3.20.3\nARG UID\nUSER ${UID}\n") == []
    inherited_env = "FROM alpine:3.20.3 AS base\nENV APP_USER=app\nFROM base\nUSER ${APP_USER}\n"
    assert root_findings(inherited_env) == []


def test_images_that_run_as_non_root_by_their_tag_are_trusted() -> None:
    for image in ("gcr.io/distroless/static-debian12:nonroot", "docker:27.3.1-dind-rootless"):
        assert root_findings(f"FROM {image}\n") == []


def test_windows_images_only_report_the_administrator() -> None:
    servercore = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
    assert root_findings(servercore) == []
    assert root_findings(servercore + "USER ContainerUser\n") == []
    [finding] = root_findings(servercore + "USER ContainerAdministrator\n")
    assert "Windows administrator account" in finding.message and '"USER ContainerUser"' in finding.message
    assert root_findings("# escape=`\nFROM example.com/app-base:1.0\nUSER root\n") == []


# Robustness

ODD_DOCKERFILES = [
    "",
    "# only a comment\n# and another\n",
    "FROM\n",
    "FROM --platform=linux/amd64\n",
    "RUN echo before any stage\nFROM alpine:3.20.3\n",
    "ARG\nARG =x\nFROM ${\n",
    "FROM alpine:3.20.3\nRUN <<EOF\necho never closed\n",
    "FROM alpine:3.20.3\nCOPY <<EOF\n",
    'FROM alpine:3.20.3\nUSER\nUSER ""\nCMD\nENTRYPOINT\nADD\nADD onlyone\nCOPY .\nENV\nENV A\n',
    "FROM alpine:3.20.3\nONBUILD\nONBUILD ENV\nONBUILD ARG\nRUN --mount=type=secret --mount= true\n",
    "FROM a AS a\nFROM b AS b\nFROM a\nUSER ${X:-${Y:-root}}\n",
    "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCOPY `\n  . C:\\app\n",
    'FROM alpine:3.20.3\nADD ["unterminated\n',
    "\ufeffFROM alpine:3.20.3\r\nUSER root\r\n",
]


@pytest.mark.parametrize("text", ODD_DOCKERFILES)
@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_odd_dockerfiles_do_not_break_the_rules(rule_id: str, text: str) -> None:
    rule = all_rules()[rule_id]
    assert rule.check is not None
    list(rule.check(parse_dockerfile(text), dict(rule.options)))
    lint(text, rule_id)


def test_the_corpus_does_not_break_the_rules() -> None:
    if not CORPUS_DOCKERFILES.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS_DOCKERFILES}")
    settings = {
        rule.id: RuleSetting(rule.id in RULES or rule.id == "internal-error", rule.severity, rule.options)
        for rule in all_rules().values()
    }
    linter = kubelint.Linter(Config(settings=settings))
    for path in sorted(CORPUS_DOCKERFILES.rglob("*")):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            findings = linter.lint_text(text, str(path), "dockerfile").findings
            assert not [f for f in findings if f.rule == "internal-error"], path
