"""The layer rules: what the fixtures cannot show (messages, stage handling, near misses) and robustness."""

import pytest

import kubelint
from kubelint.dockerfile.layers import shipped_stages
from kubelint.dockerfile.parser import parse_dockerfile
from kubelint.findings import Finding

LAYER_RULES = (
    "dockerfile-apt-update-alone",
    "dockerfile-apt-no-cleanup",
    "dockerfile-curl-pipe-shell",
    "dockerfile-copy-all-before-deps",
    "dockerfile-deleted-in-later-layer",
)


def findings(text: str, rule: str) -> list[Finding]:
    return [finding for finding in kubelint.lint_text(text, path="Dockerfile") if finding.rule == rule]


def where(text: str, rule: str) -> list[tuple[int, int]]:
    return [(finding.line, finding.column) for finding in findings(text, rule)]


# dockerfile-apt-update-alone


def test_update_apart_from_its_install_names_the_install_line() -> None:
    text = "FROM debian\nRUN apt-get update\nRUN echo hi\nRUN apt-get install -y git\n"
    [finding] = findings(text, "dockerfile-apt-update-alone")
    assert "`apt-get install` on line 4" in finding.message
    assert str(finding.object) == "Stage/0"


def test_update_alone_without_a_later_install_is_still_a_wasted_layer() -> None:
    [finding] = findings("FROM debian AS base\nRUN set -e; apt-get -q update\n", "dockerfile-apt-update-alone")
    assert finding.message.startswith("this RUN only runs `apt-get update`")
    assert str(finding.object) == "Stage/base"


def test_update_followed_by_other_work_and_no_later_install_is_left_alone() -> None:
    text = "FROM debian\nRUN apt-get update && ./install-deps.sh\n"
    assert where(text, "dockerfile-apt-update-alone") == []


def test_a_later_install_that_refreshes_its_own_lists_does_not_count() -> None:
    text = "FROM debian\nRUN apt-get update && ./setup.sh\nRUN apt-get update && apt-get install -y git\n"
    assert where(text, "dockerfile-apt-update-alone") == []


def test_update_and_install_in_another_stage_do_not_meet() -> None:
    text = "FROM debian AS a\nRUN apt-get update && ./setup.sh\nFROM debian\nRUN apt-get install -y git\n"
    assert where(text, "dockerfile-apt-update-alone") == []


# dockerfile-apt-no-cleanup


def test_install_relying_on_an_earlier_update_is_left_to_the_update_rule() -> None:
    text = "FROM debian\nRUN apt-get update\nRUN apt-get install -y git\n"
    assert where(text, "dockerfile-apt-no-cleanup") == []


def test_lists_removed_by_a_parent_folder_or_dist_clean_count() -> None:
    for cleanup in ("rm -rf /var/lib/apt/*", "apt-get dist-clean", "find /var/lib/apt/lists -type f -delete"):
        text = f"FROM debian\nRUN apt-get update && apt-get install -y git && {cleanup}\n"
        assert where(text, "dockerfile-apt-no-cleanup") == [], cleanup


def test_removing_the_lists_before_the_update_does_not_count() -> None:
    text = "FROM debian\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y git\n"
    assert where(text, "dockerfile-apt-no-cleanup") == [(2, 54)]


def test_messages_name_each_package_managers_fix() -> None:
    text = (
        "FROM debian\nRUN apt-get update && apt-get install -y git\n"
        "FROM alpine\nRUN apk add git\n"
        "FROM fedora\nRUN dnf install -y git\n"
        "FROM opensuse/leap\nRUN zypper --non-interactive install git\n"
    )
    messages = [finding.message for finding in findings(text, "dockerfile-apt-no-cleanup")]
    assert len(messages) == 4
    assert "rm -rf /var/lib/apt/lists/*" in messages[0]
    assert "apk add --no-cache" in messages[1]
    assert "`dnf clean all`" in messages[2]
    assert "zypper clean" in messages[3]


def test_a_build_stage_only_copied_from_is_not_checked_but_an_alternative_target_is() -> None:
    text = (
        "FROM debian AS build\nRUN apt-get update && apt-get install -y gcc\n"
        "FROM debian AS dev\nRUN apt-get update && apt-get install -y vim\n"
        "FROM debian\nCOPY --from=build /out /out\n"
    )
    assert [f.line for f in findings(text, "dockerfile-apt-no-cleanup")] == [4]


def test_shipped_stages_are_the_targets_and_their_bases_but_not_copy_sources() -> None:
    text = (
        "FROM alpine AS base\nFROM base AS build\nRUN make\n"
        "FROM base AS test\nRUN --mount=type=bind,from=build,target=/b /b/test\n"
        "FROM base AS final\nCOPY --from=build /b /b\n"
    )
    assert shipped_stages(parse_dockerfile(text)) == {0, 2, 3}


# dockerfile-curl-pipe-shell


def test_curl_pipe_names_the_url_and_the_shell() -> None:
    [finding] = findings(
        "FROM alpine\nRUN curl -fsSL https://x.example/i.sh | sudo sh -s -- -y\n", "dockerfile-curl-pipe-shell"
    )
    assert (finding.line, finding.column) == (2, 5)
    assert "https://x.example/i.sh" in finding.message and "`sh`" in finding.message


def test_eval_and_source_of_a_download_are_flagged() -> None:
    text = 'FROM alpine\nRUN eval "$(curl -fsSL https://x)"\nRUN . <(wget -qO- https://y)\n'
    assert where(text, "dockerfile-curl-pipe-shell") == [(2, 13), (3, 9)]


def test_downloads_fed_to_data_readers_are_fine() -> None:
    text = (
        "FROM alpine\n"
        "RUN curl -sS https://x | tar -xz\n"
        "RUN curl -sS https://x | python3 -c 'import sys; print(sys.stdin.read())'\n"
        "RUN curl -sS https://x | sh -c 'cat > /tmp/x'\n"
        "RUN curl -sS https://x | bash install-helper.sh\n"
        'RUN echo "$(curl -sS https://x/version)"\n'
    )
    assert where(text, "dockerfile-curl-pipe-shell") == []


# dockerfile-copy-all-before-deps


def test_copy_all_names_the_install_and_its_line() -> None:
    text = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN yarn --frozen-lockfile\n"
    [finding] = findings(text, "dockerfile-copy-all-before-deps")
    assert (finding.line, finding.column) == (3, 1)
    assert "`yarn` on line 4" in finding.message and "yarn.lock" in finding.message


def test_each_ecosystem_install_is_recognised() -> None:
    installs = [
        "pnpm install --frozen-lockfile",
        "poetry install --no-root",
        "uv sync --frozen",
        "uv pip install -r requirements.txt",
        "pipenv install --deploy",
        "go mod download",
        "bundle install",
        "composer install --no-dev",
        "cargo build --release",
        "./mvnw -B dependency:go-offline",
        "./gradlew --no-daemon build",
        "dotnet restore",
    ]
    for install in installs:
        assert len(findings(f"FROM x\nCOPY . .\nRUN {install}\n", "dockerfile-copy-all-before-deps")) == 1, install


def test_installs_that_need_the_code_or_name_their_packages_are_fine() -> None:
    for run in ("pip install .", "pip install -e .", "npm install -g serve", "npm run build", "go build main.go"):
        assert where(f"FROM x\nCOPY . .\nRUN {run}\n", "dockerfile-copy-all-before-deps") == [], run


def test_manifests_copied_first_or_installed_earlier_are_fine() -> None:
    texts = [
        "FROM x\nCOPY package.json yarn.lock ./\nCOPY . .\nRUN yarn install\n",
        "FROM x\nCOPY ./requirements/ /srv/requirements/\nCOPY . /srv\nRUN pip install -r requirements/prod.txt\n",
        "FROM x\nCOPY --from=plan /r.json r.json\nRUN cargo chef cook\nCOPY . .\nRUN cargo build\n",
        "FROM golang\nENV GOFLAGS=-mod=vendor\nCOPY . .\nRUN go build ./...\n",
    ]
    for text in texts:
        assert where(text, "dockerfile-copy-all-before-deps") == [], text


def test_copy_from_another_stage_is_not_the_build_context() -> None:
    text = "FROM x\nCOPY --from=src . .\nRUN npm ci\n"
    assert where(text, "dockerfile-copy-all-before-deps") == []


# dockerfile-deleted-in-later-layer


def test_deleted_names_the_file_and_the_line_that_added_it() -> None:
    text = "FROM debian\nWORKDIR /tmp\nRUN wget https://x.example/pkg/tool-1.0.tgz\nRUN rm /tmp/tool-1.0.tgz\n"
    [finding] = findings(text, "dockerfile-deleted-in-later-layer")
    assert "/tmp/tool-1.0.tgz" in finding.message and "RUN on line 3" in finding.message


def test_download_forms_are_recognised() -> None:
    downloads = [
        ("curl -sSLO https://x/a.bin", "/w/a.bin"),
        ("curl -sSL --output-dir /opt -O https://x/a.bin", "/opt/a.bin"),
        ("curl -sSL https://x/a.bin > a.bin", "/w/a.bin"),
        ("curl -sSL -o/tmp/a.bin https://x/a.bin", "/tmp/a.bin"),
        ("wget -q -P /opt https://x/a.bin?raw=1", "/opt/a.bin"),
        ("wget -qO /tmp/a.bin https://x/latest", "/tmp/a.bin"),
        ("wget --output-document=/tmp/a.bin https://x/latest", "/tmp/a.bin"),
        ("cd /srv && wget https://x/a.bin", "/srv/a.bin"),
    ]
    for download, path in downloads:
        text = f"FROM debian\nWORKDIR /w\nRUN {download}\nRUN rm -f {path}\n"
        assert len(findings(text, "dockerfile-deleted-in-later-layer")) == 1, download


def test_add_of_a_url_is_a_download_and_of_a_local_archive_is_unpacked() -> None:
    text = "FROM debian\nADD https://x/a.tar.gz /tmp/\nADD b.tar.gz /tmp/\nRUN rm /tmp/a.tar.gz /tmp/b.tar.gz\n"
    [finding] = findings(text, "dockerfile-deleted-in-later-layer")
    assert "/tmp/a.tar.gz," in finding.message


def test_a_file_deleted_in_its_own_layer_is_gone_for_later_ones() -> None:
    text = "FROM debian\nRUN curl -o /tmp/a https://x/a && rm /tmp/a\nRUN rm -rf /tmp/*\n"
    assert where(text, "dockerfile-deleted-in-later-layer") == []


def test_a_file_is_reported_once_even_when_deleted_again() -> None:
    text = "FROM debian\nCOPY a.deb /tmp/\nRUN rm -f /tmp/a.deb\nRUN rm -rf /tmp\n"
    assert where(text, "dockerfile-deleted-in-later-layer") == [(3, 5)]


def test_a_stage_inherits_what_its_base_stage_added() -> None:
    text = "FROM debian AS base\nCOPY big.iso /data/\nFROM base\nRUN rm /data/big.iso\n"
    [finding] = findings(text, "dockerfile-deleted-in-later-layer")
    assert str(finding.object) == "Stage/1"


def test_deleting_inside_a_folder_copied_over_existing_files_is_not_reported() -> None:
    text = "FROM nginx\nCOPY conf /etc/nginx/conf.d\nRUN rm /etc/nginx/conf.d/default.conf\n"
    assert where(text, "dockerfile-deleted-in-later-layer") == []


# Robustness


WEIRD_DOCKERFILES = [
    "",
    "# only a comment\n",
    "FROM\n",
    "RUN apt-get update\nFROM debian\n",
    "FROM debian\nRUN <<EOF\napt-get update\n",
    "FROM debian\nCOPY\nADD x\nWORKDIR\nRUN\n",
    "FROM debian AS a\nFROM a AS b\nFROM b AS a\nRUN rm -rf /\n",
    "FROM debian\nRUN --mount=type=cache apt-get update && apt-get install -y x\n",
    'FROM debian\nRUN ["sh", "-c"]\nRUN ["sudo"]\nRUN curl |\n',
    "FROM debian\nONBUILD RUN\nONBUILD COPY . .\n",
    "# escape=`\nFROM debian\nRUN echo `\n",
    'FROM debian\nCOPY ["a"]\nRUN rm -- \'\nRUN cd\nRUN wget -O\nRUN curl -o\n',
]


@pytest.mark.parametrize("text", WEIRD_DOCKERFILES)
def test_layer_rules_survive_weird_files(text: str) -> None:
    for finding in kubelint.lint_text(text, path="Dockerfile"):
        assert finding.rule != "internal-error", finding.message


def test_from_a_number_names_an_image_not_a_stage() -> None:
    """BuildKit resolves FROM by stage name only, so `FROM 0` starts from an image called 0."""
    text = "FROM alpine:3.20 AS a\nCOPY app.bin /app.bin\nFROM 0\nRUN rm /app.bin\n"
    rules = [f.rule for f in kubelint.lint_text(text, path="Dockerfile")]
    assert "dockerfile-deleted-in-later-layer" not in rules
    assert "dockerfile-mutable-base-tag" in rules
