"""The Dockerfile parser: BuildKit's reading rules, exact positions, and robustness on any input."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint.dockerfile.parser import (
    Dockerfile,
    Instruction,
    expand_variables,
    key_values,
    parse_dockerfile,
    stage_by_name,
)
from kubelint.findings import Span

CORPUS_DOCKERFILES = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "dockerfiles"


def only(dockerfile: Dockerfile, keyword: str) -> Instruction:
    [instruction] = [i for i in dockerfile.instructions if i.keyword == keyword]
    return instruction


def words(instruction: Instruction) -> list[tuple[str, Span]]:
    return [(word.value, word.span) for word in instruction.words]


def messages(dockerfile: Dockerfile) -> list[tuple[Span, str]]:
    return [(problem.span, problem.message) for problem in dockerfile.problems]


# Parser directives


def test_directives_at_the_top_are_read_case_insensitively() -> None:
    text = (
        "# Syntax = docker/dockerfile:1.7\n"
        "#check=skip=JSONArgsRecommended;error=true\n"
        "#\tESCAPE=\\\n"
        "\n"
        "# escape=`\n"
        "FROM alpine\n"
    )
    dockerfile = parse_dockerfile(text)
    assert dockerfile.directives == {
        "syntax": "docker/dockerfile:1.7",
        "check": "skip=JSONArgsRecommended;error=true",
        "escape": "\\",
    }
    assert dockerfile.escape == "\\"
    assert dockerfile.comments == [
        (1, "Syntax = docker/dockerfile:1.7"),
        (2, "check=skip=JSONArgsRecommended;error=true"),
        (3, "ESCAPE=\\"),
        (5, "escape=`"),
    ]
    assert dockerfile.instructions[0].span == Span(6, 1, 6, 12)
    assert dockerfile.problems == []


@pytest.mark.parametrize(
    "text",
    [
        "# a plain comment\n# escape=`\nFROM alpine\n",
        "# unknowndirective=value\n# escape=`\nFROM alpine\n",
        "FROM alpine\n# escape=`\n",
        "\n# escape=`\nFROM alpine\n",
    ],
    ids=["after-comment", "after-unknown-directive", "after-instruction", "after-blank-line"],
)
def test_directives_after_anything_else_are_plain_comments(text: str) -> None:
    dockerfile = parse_dockerfile(text)
    assert dockerfile.directives == {}
    assert dockerfile.escape == "\\"
    assert dockerfile.problems == []


def test_a_repeated_or_invalid_directive_is_a_problem() -> None:
    dockerfile = parse_dockerfile("# syntax=a\n# syntax=b\n# escape=x\nFROM alpine\n")
    assert dockerfile.directives == {"syntax": "a", "escape": "x"}
    assert dockerfile.escape == "\\"
    assert [span for span, _ in messages(dockerfile)] == [Span(2, 1, 2, 11), Span(3, 1, 3, 11)]
    assert "only one 'syntax' parser directive" in dockerfile.problems[0].message
    assert "invalid escape directive 'x'" in dockerfile.problems[1].message


# Line continuations


def test_continuation_skips_comment_and_blank_lines() -> None:
    text = (
        "FROM debian\n"
        "RUN apt-get update \\\n"
        "    # refresh the index first\n"
        "\n"
        "    && apt-get install -y \\  \t\n"
        "       curl\n"
        "EXPOSE 80\n"
    )
    dockerfile = parse_dockerfile(text)
    run = only(dockerfile, "RUN")
    assert run.span == Span(2, 1, 6, 12)
    assert run.keyword_span == Span(2, 1, 2, 4)
    assert run.line_range() == range(2, 7)
    assert run.arguments == "apt-get update     && apt-get install -y        curl"
    assert words(run) == [
        ("apt-get", Span(2, 5, 2, 12)),
        ("update", Span(2, 13, 2, 19)),
        ("&&", Span(5, 5, 5, 7)),
        ("apt-get", Span(5, 8, 5, 15)),
        ("install", Span(5, 16, 5, 23)),
        ("-y", Span(5, 24, 5, 26)),
        ("curl", Span(6, 8, 6, 12)),
    ]
    assert dockerfile.comments == [(3, "refresh the index first")]
    assert only(dockerfile, "EXPOSE").span == Span(7, 1, 7, 10)
    assert dockerfile.problems == []


def test_escape_at_end_of_file_ends_the_instruction() -> None:
    dockerfile = parse_dockerfile("FROM alpine\nRUN echo hi \\")
    run = only(dockerfile, "RUN")
    assert run.arguments == "echo hi"
    assert run.span == Span(2, 1, 2, 14)
    assert dockerfile.problems == []


def test_windows_file_with_backtick_escape() -> None:
    text = (
        "# escape=`\n"
        "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\n"
        "COPY C:\\build\\app.exe C:\\app\\\n"
        "RUN C:\\app\\app.exe --install `\n"
        "    --quiet\n"
    )
    dockerfile = parse_dockerfile(text)
    assert dockerfile.escape == "`"
    assert dockerfile.directives == {"escape": "`"}
    copy = only(dockerfile, "COPY")
    assert words(copy) == [("C:\\build\\app.exe", Span(3, 6, 3, 22)), ("C:\\app\\", Span(3, 23, 3, 30))]
    assert copy.span == Span(3, 1, 3, 30)
    run = only(dockerfile, "RUN")
    assert run.span == Span(4, 1, 5, 12)
    assert run.arguments == "C:\\app\\app.exe --install     --quiet"
    assert words(run) == [
        ("C:\\app\\app.exe", Span(4, 5, 4, 19)),
        ("--install", Span(4, 20, 4, 29)),
        ("--quiet", Span(5, 5, 5, 12)),
    ]
    assert dockerfile.problems == []


# Heredocs


HEREDOCS = (
    "FROM alpine\n"
    "RUN <<EOF\n"
    "set -e\n"
    "FROM scratch\n"
    "EOF\n"
    "RUN <<-'EOT'\n"
    "\t\tindented $X\n"
    "\tEOT\n"
    'RUN cat <<A >/a && cat <<"B" >/b\n'
    "a $X\n"
    "A\n"
    "b $X\n"
    "B\n"
    "COPY --chmod=644 <<EOF /etc/motd\n"
    "hello\n"
    "EOF\n"
)


def test_heredoc_bodies_are_not_instructions() -> None:
    dockerfile = parse_dockerfile(HEREDOCS)
    assert [i.keyword for i in dockerfile.instructions] == ["FROM", "RUN", "RUN", "RUN", "COPY"]
    assert len(dockerfile.stages) == 1
    assert dockerfile.problems == []


def test_simple_heredoc() -> None:
    run = parse_dockerfile(HEREDOCS).instructions[1]
    assert run.span == Span(2, 1, 5, 4)
    assert run.arguments == "<<EOF"
    assert words(run) == [("<<EOF", Span(2, 5, 2, 10))]
    [heredoc] = run.heredocs
    assert (heredoc.delimiter, heredoc.content) == ("EOF", "set -e\nFROM scratch\n")
    assert (heredoc.strip_tabs, heredoc.quoted) == (False, False)
    assert heredoc.span == Span(3, 1, 5, 4)


def test_tab_stripping_quoted_heredoc() -> None:
    run = parse_dockerfile(HEREDOCS).instructions[2]
    [heredoc] = run.heredocs
    assert (heredoc.delimiter, heredoc.content) == ("EOT", "indented $X\n")
    assert (heredoc.strip_tabs, heredoc.quoted) == (True, True)
    assert heredoc.span == Span(7, 1, 8, 5)
    assert run.span == Span(6, 1, 8, 5)


def test_two_heredocs_in_one_run() -> None:
    run = parse_dockerfile(HEREDOCS).instructions[3]
    assert run.span == Span(9, 1, 13, 2)
    first, second = run.heredocs
    assert (first.delimiter, first.content, first.quoted, first.span) == (
        "A",
        "a $X\n",
        False,
        Span(10, 1, 11, 2),
    )
    assert (second.delimiter, second.content, second.quoted, second.span) == (
        "B",
        "b $X\n",
        True,
        Span(12, 1, 13, 2),
    )


def test_copy_heredoc() -> None:
    copy = parse_dockerfile(HEREDOCS).instructions[4]
    assert [(flag.name, flag.value) for flag in copy.flags] == [("chmod", "644")]
    assert words(copy) == [("<<EOF", Span(14, 18, 14, 23)), ("/etc/motd", Span(14, 24, 14, 33))]
    [heredoc] = copy.heredocs
    assert (heredoc.content, heredoc.span) == ("hello\n", Span(15, 1, 16, 4))
    assert copy.span == Span(14, 1, 16, 4)


def test_quoted_or_json_heredoc_markers_are_plain_text() -> None:
    dockerfile = parse_dockerfile('FROM alpine\nRUN echo "<<EOF" $((1<<2))\nCMD ["<<EOF"]\nEXPOSE 80\n')
    assert [i.keyword for i in dockerfile.instructions] == ["FROM", "RUN", "CMD", "EXPOSE"]
    assert all(not i.heredocs for i in dockerfile.instructions)


def test_unterminated_heredoc_is_a_problem_at_its_marker() -> None:
    dockerfile = parse_dockerfile("FROM alpine\nRUN cat <<EOF\necho never closed\nEOF-not\n")
    run = only(dockerfile, "RUN")
    assert run.span == Span(2, 1, 4, 8)
    assert run.heredocs[0].content == "echo never closed\nEOF-not\n"
    [(span, message)] = messages(dockerfile)
    assert span == Span(2, 9, 2, 14)
    assert message.startswith("unterminated heredoc") and "EOF" in message


# JSON and shell forms


def test_json_form_and_shell_form() -> None:
    text = (
        "FROM alpine\n"
        'CMD ["python", "-m", "http.server"]\n'
        'ENTRYPOINT ["a", b]\n'
        'RUN [ "echo", "a\\"b" ]\n'
        "VOLUME /data /logs\n"
        'SHELL ["/bin/ash", "-eo", "pipefail", "-c"]\n'
    )
    dockerfile = parse_dockerfile(text)
    cmd, entrypoint, run, volume, shell = dockerfile.instructions[1:]
    assert cmd.json_form
    assert words(cmd) == [
        ("python", Span(2, 6, 2, 14)),
        ("-m", Span(2, 16, 2, 20)),
        ("http.server", Span(2, 22, 2, 35)),
    ]
    assert not entrypoint.json_form
    assert words(entrypoint) == [('["a",', Span(3, 12, 3, 17)), ("b]", Span(3, 18, 3, 20))]
    assert run.json_form
    assert words(run) == [("echo", Span(4, 7, 4, 13)), ('a"b', Span(4, 15, 4, 21))]
    assert not volume.json_form
    assert [word.value for word in volume.words] == ["/data", "/logs"]
    assert shell.json_form
    assert dockerfile.problems == []


def test_json_array_of_non_strings_is_a_problem() -> None:
    dockerfile = parse_dockerfile("FROM alpine\nCMD [1, 2]\n")
    assert not only(dockerfile, "CMD").json_form
    [(span, message)] = messages(dockerfile)
    assert span == Span(2, 5, 2, 11)
    assert "only strings" in message


def test_shell_words_keep_their_quotes() -> None:
    run = only(parse_dockerfile("FROM alpine\nRUN echo \"a b\" 'c d' e\\ f\n"), "RUN")
    assert [word.value for word in run.words] == ["echo", '"a b"', "'c d'", "e\\ f"]


# Flags


def test_flags_with_positions() -> None:
    text = (
        "FROM --platform=linux/amd64 golang:1.22 AS build\n"
        "RUN --mount=type=cache,target=/root/.cache/go-build \\\n"
        "    --mount=type=secret,id=netrc,target=/root/.netrc \\\n"
        "    --network=none go build ./...\n"
        "COPY --from=build --chown=app:app --chmod=0755 --link /out/app /usr/local/bin/app\n"
        'HEALTHCHECK --interval=30s CMD ["pg_isready", "-q"]\n'
    )
    dockerfile = parse_dockerfile(text)
    from_, run, copy, healthcheck = dockerfile.instructions
    assert [(f.name, f.value, f.span) for f in from_.flags] == [
        ("platform", "linux/amd64", Span(1, 6, 1, 28)),
    ]
    assert dockerfile.stages[0].platform == "linux/amd64"
    assert [(f.name, f.value, f.span) for f in run.flags] == [
        ("mount", "type=cache,target=/root/.cache/go-build", Span(2, 5, 2, 52)),
        ("mount", "type=secret,id=netrc,target=/root/.netrc", Span(3, 5, 3, 53)),
        ("network", "none", Span(4, 5, 4, 19)),
    ]
    assert run.arguments == "go build ./..."
    assert words(run)[0] == ("go", Span(4, 20, 4, 22))
    assert [(f.name, f.value) for f in copy.flags] == [
        ("from", "build"),
        ("chown", "app:app"),
        ("chmod", "0755"),
        ("link", None),
    ]
    assert copy.flags[3].span == Span(5, 48, 5, 54)
    assert words(copy) == [("/out/app", Span(5, 55, 5, 63)), ("/usr/local/bin/app", Span(5, 64, 5, 82))]
    assert healthcheck.json_form
    assert [word.value for word in healthcheck.words] == ["CMD", "pg_isready", "-q"]
    assert dockerfile.problems == []


def test_flag_values_lose_their_quotes_and_a_double_dash_ends_the_flags() -> None:
    run = only(parse_dockerfile('FROM a\nRUN --mount=type=bind,source="a b" -- --not-a-flag\n'), "RUN")
    assert [(f.name, f.value) for f in run.flags] == [("mount", "type=bind,source=a b")]
    assert run.arguments == "--not-a-flag"


# Stages and ARG substitution


MULTI_STAGE = (
    "ARG GO=1.22\n"
    "ARG BASE_IMAGE\n"
    "FROM golang:${GO}-alpine AS Build\n"
    "RUN go build -o /app .\n"
    "FROM ${BASE_IMAGE:-gcr.io/distroless/static}:${TAG-nonroot} AS runtime\n"
    "COPY --from=build /app /app\n"
    "FROM runtime\n"
)


def test_stages_with_names_and_substituted_bases() -> None:
    dockerfile = parse_dockerfile(MULTI_STAGE)
    assert dockerfile.global_args == {"GO": "1.22", "BASE_IMAGE": None}
    build, runtime, last = dockerfile.stages
    assert (build.index, build.name, build.base, build.base_expanded) == (
        0,
        "build",
        "golang:${GO}-alpine",
        "golang:1.22-alpine",
    )
    assert build.base_span == Span(3, 6, 3, 25)
    assert [i.keyword for i in build.instructions] == ["FROM", "RUN"]
    assert build.from_instruction is dockerfile.instructions[2]
    assert runtime.name == "runtime"
    assert runtime.base_expanded == "gcr.io/distroless/static:nonroot"
    assert (last.name, last.base, last.platform) == (None, "runtime", None)
    assert [i.stage for i in dockerfile.instructions] == [-1, -1, 0, 0, 1, 1, 2]
    assert dockerfile.problems == []


def test_stage_lookup_by_name_or_index() -> None:
    dockerfile = parse_dockerfile(MULTI_STAGE)
    copy_from = only(dockerfile, "COPY").flags[0].value
    assert copy_from == "build"
    assert stage_by_name(dockerfile, copy_from) is dockerfile.stages[0]
    assert stage_by_name(dockerfile, "BUILD") is dockerfile.stages[0]
    assert stage_by_name(dockerfile, "1") is dockerfile.stages[1]
    assert stage_by_name(dockerfile, "9") is None
    assert stage_by_name(dockerfile, "missing") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$A/${A}", "x/x"),
        ("${UNSET:-d} ${UNSET-d} ${MISSING-d}", "d d d"),
        ("[${EMPTY:-d}] [${EMPTY-d}]", "[d] []"),
        ("[${A:+alt}] [${EMPTY:+alt}] [${EMPTY+alt}] [${UNSET+alt}]", "[alt] [] [alt] []"),
        ("${MISSING}$MISSING", ""),
        ("\\$A \\${A}", "$A ${A}"),
        ("${MISSING:-${A}-y}", "x-y"),
        ("5$ and $ and ${", "5$ and $ and ${"),
        ("${A", "${A"),
    ],
)
def test_expand_variables(text: str, expected: str) -> None:
    assert expand_variables(text, {"A": "x", "EMPTY": "", "UNSET": None}) == expected


def test_expand_variables_with_backtick_escape() -> None:
    assert expand_variables("`$A C:\\$A", {"A": "x"}, escape="`") == "$A C:\\x"


# ENV, ARG and LABEL


def test_key_values_of_env_label_and_arg() -> None:
    text = (
        "FROM alpine\n"
        'ENV PATH=/opt/bin:$PATH LANG="C.UTF-8" \\\n'
        "    EMPTY= GREETING='hello world'\n"
        "ENV LEGACY_NAME some value with spaces\n"
        'LABEL "org.opencontainers.image.title"="demo" version=1.0\n'
        "ARG USER=app UID\n"
    )
    dockerfile = parse_dockerfile(text)
    env, legacy, label, arg = dockerfile.instructions[1:]
    assert key_values(env) == [
        ("PATH", "/opt/bin:$PATH", Span(2, 5, 2, 9)),
        ("LANG", "C.UTF-8", Span(2, 25, 2, 29)),
        ("EMPTY", "", Span(3, 5, 3, 10)),
        ("GREETING", "hello world", Span(3, 12, 3, 20)),
    ]
    assert key_values(legacy) == [("LEGACY_NAME", "some value with spaces", Span(4, 5, 4, 16))]
    assert key_values(label) == [
        ("org.opencontainers.image.title", "demo", Span(5, 7, 5, 39)),
        ("version", "1.0", Span(5, 47, 5, 54)),
    ]
    assert key_values(arg) == [("USER", "app", Span(6, 5, 6, 9)), ("UID", None, Span(6, 14, 6, 17))]
    assert key_values(dockerfile.instructions[0]) == []
    assert dockerfile.problems == []


def test_env_item_without_equals_is_a_problem() -> None:
    dockerfile = parse_dockerfile("FROM alpine\nENV A=1 B\nENV LONELY\n")
    assert [span for span, _ in messages(dockerfile)] == [Span(2, 9, 2, 10), Span(3, 5, 3, 11)]
    assert "'B' has no '='" in dockerfile.problems[0].message
    assert "LONELY has no value" in dockerfile.problems[1].message


# Problems and recovery


def test_unknown_instruction_is_a_problem_and_parsing_continues() -> None:
    text = "FROM alpine\nRUN apk add curl\n    wget\nCOPYY a /b\nexpose 8080\n"
    dockerfile = parse_dockerfile(text)
    assert [i.keyword for i in dockerfile.instructions] == ["FROM", "RUN", "WGET", "COPYY", "EXPOSE"]
    assert [i.stage for i in dockerfile.instructions] == [0, 0, 0, 0, 0]
    (wget_span, wget), (copy_span, copy) = messages(dockerfile)
    assert wget_span == Span(3, 5, 3, 9)
    assert wget.startswith("unknown instruction: WGET;") and "end the previous line with \\" in wget
    assert copy_span == Span(4, 1, 4, 6)
    assert copy == "unknown instruction: COPYY; did you mean COPY?"


def test_instruction_before_first_from_is_a_problem() -> None:
    dockerfile = parse_dockerfile("ARG V=1\nRUN echo hi\nFROM alpine\n")
    assert [i.stage for i in dockerfile.instructions] == [-1, -1, 0]
    [(span, message)] = messages(dockerfile)
    assert span == Span(2, 1, 2, 4)
    assert "before the first FROM" in message


@pytest.mark.parametrize(
    ("text", "span", "fragment"),
    [
        ("FROM a b\n", Span(1, 1, 1, 5), "FROM takes an image"),
        ("FROM a AS 1st\n", Span(1, 11, 1, 14), "invalid stage name '1st'"),
        ("FROM a AS x\nFROM b AS X\n", Span(2, 11, 2, 12), "duplicate stage name 'x'"),
        ("FROM a\nSHELL /bin/sh -c\n", Span(2, 1, 2, 6), "SHELL takes a JSON array"),
        ("FROM a\nONBUILD ONBUILD RUN x\n", Span(2, 9, 2, 16), "ONBUILD isn't allowed"),
        ("FROM a\nCOPY onlyone\n", Span(2, 1, 2, 5), "needs a source and a destination"),
        ("FROM a\nWORKDIR\n", Span(2, 1, 2, 8), "requires at least one argument"),
        ("FROM a\nHEALTHCHECK curl x\n", Span(2, 13, 2, 17), "HEALTHCHECK needs CMD"),
        ("# just a comment\n", Span(1, 1, 1, 2), "no FROM instruction"),
    ],
)
def test_problems_buildkit_would_fail_on(text: str, span: Span, fragment: str) -> None:
    [(problem_span, message)] = messages(parse_dockerfile(text))
    assert problem_span == span
    assert fragment in message


def test_onbuild_keeps_its_trigger_as_words() -> None:
    onbuild = only(parse_dockerfile("FROM a\nONBUILD COPY --from=x . /app\n"), "ONBUILD")
    assert onbuild.flags == []
    assert [word.value for word in onbuild.words] == ["COPY", "--from=x", ".", "/app"]


# Encodings and line endings


def test_crlf_line_endings() -> None:
    text = 'FROM alpine\r\nRUN echo a \\\r\n    b\r\nRUN <<EOF\r\nx\r\nEOF\r\nCMD ["sh"]\r\n'
    dockerfile = parse_dockerfile(text)
    run, heredoc_run, cmd = dockerfile.instructions[1:]
    assert run.span == Span(2, 1, 3, 6)
    assert run.arguments == "echo a     b"
    assert words(run)[-1] == ("b", Span(3, 5, 3, 6))
    assert heredoc_run.heredocs[0].content == "x\n"
    assert heredoc_run.span == Span(4, 1, 6, 4)
    assert cmd.json_form and cmd.span == Span(7, 1, 7, 11)
    assert dockerfile.problems == []


def test_byte_order_mark_is_ignored() -> None:
    dockerfile = parse_dockerfile("\ufeff# syntax=docker/dockerfile:1\nFROM alpine\n")
    assert dockerfile.directives == {"syntax": "docker/dockerfile:1"}
    assert dockerfile.instructions[0].span == Span(2, 1, 2, 12)
    no_directive = parse_dockerfile("\ufeffFROM alpine\n")
    assert no_directive.instructions[0].keyword_span == Span(1, 1, 1, 5)


def test_tabs_count_as_one_column() -> None:
    run = only(parse_dockerfile("FROM alpine\n\tRUN\techo\thi\n"), "RUN")
    assert run.keyword_span == Span(2, 2, 2, 5)
    assert words(run) == [("echo", Span(2, 6, 2, 10)), ("hi", Span(2, 11, 2, 13))]


# Any input


FRAGMENTS = [
    "FROM ",
    "from ",
    "RUN ",
    "COPY ",
    "ADD ",
    "ENV ",
    "ARG ",
    "LABEL ",
    "ONBUILD ",
    "HEALTHCHECK ",
    "SHELL ",
    "CMD ",
    "AS ",
    "--mount=",
    "--from=",
    "\\",
    "`",
    "<<EOF",
    "<<-EOF",
    "<<'EOF'",
    "EOF",
    "\tEOF",
    '"',
    "'",
    "[",
    "]",
    '["a"]',
    ",",
    "=",
    "${",
    "}",
    "$X",
    ":-",
    "\n",
    "\r\n",
    "\n\n",
    "#",
    "# escape=`\n",
    "# syntax=x\n",
    " ",
    "\t",
    "\ufeff",
    "x",
]

SNIPPETS = [
    "FROM alpine AS build\nRUN <<EOF\necho hi\nEOF\nCOPY --from=build /a /b\n",
    "# escape=`\nFROM a\nRUN b `\n  c\n",
    'ARG V=1\nFROM img:${V:-2}\nENV A=1 B="2 3"\nCMD ["x", "y"]\n',
    "FROM a\nRUN a \\\n# c\n\n  b\nONBUILD RUN <<-X\n\tbody\n\tX\n",
]


@st.composite
def dockerfile_like_text(draw: st.DrawFn) -> str:
    pieces = st.sampled_from(FRAGMENTS) | st.text(max_size=4)
    if draw(st.booleans()):
        return "".join(draw(st.lists(pieces, max_size=60)))
    text = draw(st.sampled_from(SNIPPETS))
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + draw(pieces) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 5)) :]
    return text


def all_spans(dockerfile: Dockerfile) -> list[Span]:
    spans = [problem.span for problem in dockerfile.problems]
    spans += [stage.base_span for stage in dockerfile.stages]
    for instruction in dockerfile.instructions:
        spans += [instruction.span, instruction.keyword_span]
        spans += [flag.span for flag in instruction.flags] + [word.span for word in instruction.words]
        spans += [heredoc.span for heredoc in instruction.heredocs]
        spans += [span for _, _, span in key_values(instruction)]
    return spans


@settings(max_examples=300, deadline=None)
@given(dockerfile_like_text())
def test_any_text_parses_and_every_span_is_inside_it(text: str) -> None:
    dockerfile = parse_dockerfile(text)
    line_count = text.count("\n") + 1
    for span in all_spans(dockerfile):
        assert 1 <= span.line <= span.end_line <= line_count, span
        assert span.column >= 1 and span.end_column >= 1, span
        assert span.line < span.end_line or span.column <= span.end_column, span
    assert all(1 <= line <= line_count for line, _ in dockerfile.comments)
    for instruction in dockerfile.instructions:
        assert -1 <= instruction.stage < max(len(dockerfile.stages), 1)


# The shared corpus


def test_corpus_dockerfiles_parse() -> None:
    if not CORPUS_DOCKERFILES.is_dir():
        pytest.skip(f"the Dockerfile corpus is not at {CORPUS_DOCKERFILES}")
    files = sorted(path for path in CORPUS_DOCKERFILES.rglob("*") if path.is_file())
    assert files, f"no files under {CORPUS_DOCKERFILES}"
    escape_directive = re.compile(r"^[ \t]*#[ \t]*escape[ \t]*=", re.IGNORECASE | re.MULTILINE)
    unexpected = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        dockerfile = parse_dockerfile(text, str(path))
        if dockerfile.problems and ("<<" in text or escape_directive.search(text)):
            unexpected.append(f"{path.relative_to(CORPUS_DOCKERFILES)}: {dockerfile.problems[0]}")
    assert unexpected == []
