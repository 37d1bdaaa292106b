"""The RUN reader: simple commands, their positions, nested scripts, and robustness on any input."""

from hypothesis import given, settings
from hypothesis import strategies as st

from kubelint.dockerfile.parser import Instruction, parse_dockerfile
from kubelint.dockerfile.shell import ShellCommand, pipelines, reads_script_from_stdin, run_commands


def instructions(text: str) -> list[Instruction]:
    return parse_dockerfile(text).instructions


def commands(text: str) -> list[ShellCommand]:
    return [command for instruction in instructions(text) for command in run_commands(instruction)]


def argvs(text: str) -> list[list[str]]:
    return [command.words for command in commands(text)]


def positions(text: str) -> list[tuple[str, int, int]]:
    return [(command.words[0], command.span.line, command.span.column) for command in commands(text)]


# Splitting into simple commands


def test_commands_are_split_on_every_list_operator() -> None:
    text = "FROM alpine\nRUN a 1 && b 2 || c 3; d 4 & e 5 | f 6 |& g 7\n"
    assert argvs(text) == [["a", "1"], ["b", "2"], ["c", "3"], ["d", "4"], ["e", "5"], ["f", "6"], ["g", "7"]]


def test_operators_need_no_blanks_around_them() -> None:
    assert argvs("FROM alpine\nRUN make&&make install;echo done\n") == [["make"], ["make", "install"], ["echo", "done"]]


def test_quotes_and_escapes_group_words_and_are_removed() -> None:
    text = """FROM alpine\nRUN echo 'a && b' "c; d" e\\ f "say \\"hi\\"" && touch x\n"""
    assert argvs(text) == [["echo", "a && b", "c; d", "e f", 'say "hi"'], ["touch", "x"]]


def test_subshells_and_groups_open_new_commands() -> None:
    text = "FROM alpine\nRUN (cd /src && make) || { echo failed; exit 1; }\n"
    assert argvs(text) == [["cd", "/src"], ["make"], ["echo", "failed"], ["exit", "1"]]


def test_control_words_are_not_commands() -> None:
    text = (
        "FROM alpine\n"
        "RUN if [ -f x ]; then rm x; else touch x; fi; "
        "for f in a b; do echo $f; done; "
        'case "$arch" in amd64) suffix=x64 ;; arm64) echo arm ;; esac; '
        "while read line; do echo $line; done < list\n"
    )
    assert argvs(text) == [
        ["[", "-f", "x", "]"],
        ["rm", "x"],
        ["touch", "x"],
        ["echo", "$f"],
        ["echo", "arm"],
        ["read", "line"],
        ["echo", "$line"],
    ]


def test_wrappers_and_assignments_are_removed_from_the_front() -> None:
    text = (
        "FROM debian\n"
        "RUN DEBIAN_FRONTEND=noninteractive sudo -E -u root env -i PATH=/bin nice -n 5 time apt-get update"
        " && exec gosu app server && command rm -f x && command -v curl\n"
    )
    assert argvs(text) == [
        ["apt-get", "update"],
        ["gosu", "app", "server"],
        ["rm", "-f", "x"],
        ["command", "-v", "curl"],
    ]


def test_an_assignment_alone_is_no_command() -> None:
    assert argvs("FROM alpine\nRUN VERSION=1.2.3 && echo $VERSION\n") == [["echo", "$VERSION"]]


def test_expansions_stay_inside_their_word() -> None:
    text = "FROM alpine\nRUN wget \"$(cat url | tr -d ' ')\" && bash <(curl -s https://x) && echo ${A:-a b} `id -u`\n"
    assert argvs(text) == [
        ["wget", "$(cat url | tr -d ' ')"],
        ["bash", "<(curl -s https://x)"],
        ["echo", "${A:-a b}", "`id -u`"],
    ]


def test_redirections_are_kept_apart_from_the_words() -> None:
    [command] = commands("FROM alpine\nRUN curl -s https://x 2>&1 >/tmp/out </dev/null\n")
    assert command.words == ["curl", "-s", "https://x"]
    assert command.redirects == [(">&", "1"), (">", "/tmp/out"), ("<", "/dev/null")]


def test_a_comment_ends_the_script_line() -> None:
    assert argvs("FROM alpine\nRUN echo a # && rm -rf /\n") == [["echo", "a"]]


def test_pipelines_group_piped_commands() -> None:
    [run] = [i for i in instructions("FROM alpine\nRUN a | b && c | d | e; f\n") if i.keyword == "RUN"]
    assert [[command.words[0] for command in pipeline] for pipeline in pipelines(run)] == [
        ["a", "b"],
        ["c", "d", "e"],
        ["f"],
    ]


def test_only_run_instructions_have_commands() -> None:
    assert [run_commands(i) for i in instructions("FROM alpine\nCMD echo hi\nENV A=b\n")] == [[], [], []]


def test_onbuild_run_is_read_like_run() -> None:
    assert positions("FROM alpine\nONBUILD RUN make && make install\n") == [("make", 2, 13), ("make", 2, 21)]


# Positions


def test_positions_follow_continuation_lines_and_skip_comment_lines() -> None:
    text = (
        "FROM debian\n"
        "RUN apt-get update \\\n"
        "    # the lists must be fresh\n"
        "    && DEBIAN_FRONTEND=noninteractive apt-get install -y curl \\\n"
        "\n"
        "    && rm -rf /var/lib/apt/lists/*\n"
    )
    assert positions(text) == [("apt-get", 2, 5), ("apt-get", 4, 39), ("rm", 6, 8)]


def test_word_spans_cover_each_word() -> None:
    [command] = commands("FROM alpine\nRUN cp 'a b' /c\n")
    assert [(span.column, span.end_column) for span in command.word_spans] == [(5, 7), (8, 13), (14, 16)]


def test_windows_escape_leaves_backslashes_alone() -> None:
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN copy C:\\a\\b.txt C:\\c && `\n"
    text += "    dir C:\\c\n"
    assert positions(text) == [("copy", 3, 5), ("dir", 4, 5)]
    assert argvs(text)[0] == ["copy", "C:\\a\\b.txt", "C:\\c"]


# Nested scripts


def test_json_form_is_one_command() -> None:
    [command] = commands('FROM alpine\nRUN ["apk", "add", "--no-cache", "git"]\n')
    assert command.words == ["apk", "add", "--no-cache", "git"]
    assert (command.span.line, command.span.column) == (2, 6)


def test_json_form_shell_script_is_read() -> None:
    text = 'FROM alpine\nRUN ["/bin/sh", "-ec", "apk update && apk add git"]\n'
    assert positions(text) == [("apk", 2, 25), ("apk", 2, 39)]


def test_shell_form_sh_c_script_is_read() -> None:
    text = "FROM alpine\nRUN sudo bash -o pipefail -c 'curl -fsSL https://x | tar -xz' && echo ok\n"
    assert positions(text) == [("curl", 2, 31), ("tar", 2, 54), ("echo", 2, 66)]


def test_heredoc_run_is_a_script_with_its_own_lines() -> None:
    text = "FROM debian\nRUN <<EOF\nset -eux\napt-get update\n  apt-get install -y git\nEOF\nRUN echo after\n"
    assert positions(text) == [("set", 3, 1), ("apt-get", 4, 1), ("apt-get", 5, 3), ("echo", 7, 5)]


def test_heredoc_fed_to_a_shell_is_a_script() -> None:
    text = "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt bash -e <<'EOT'\napt-get update\nEOT\n"
    assert positions(text) == [("apt-get", 3, 1)]


def test_heredoc_for_another_program_is_data() -> None:
    text = "FROM debian\nRUN python3 <<EOF\nimport os\nEOF\nRUN cat <<EOF > /etc/app.conf\nrm -rf /\nEOF\n"
    assert argvs(text) == [["python3"], ["cat"]]


def test_heredoc_with_a_foreign_shebang_is_not_shell() -> None:
    text = "FROM python:3.12-slim\nRUN <<EOF\n#!/usr/bin/env python3\nprint('hi')\nEOF\n"
    assert argvs(text) == []
    text = "FROM debian\nRUN <<EOF\n#!/usr/bin/env bash\necho hi\nEOF\n"
    assert argvs(text) == [["echo", "hi"]]


def test_a_heredoc_inside_a_heredoc_script_is_data() -> None:
    text = "FROM debian\nRUN <<EOF\ncat > /etc/motd <<-'MOTD'\n\trm -rf /\n\tMOTD\necho done\nEOF\n"
    assert argvs(text) == [["cat"], ["echo", "done"]]


# Who reads a script from stdin


def test_reads_script_from_stdin() -> None:
    assert reads_script_from_stdin(["sh"])
    assert reads_script_from_stdin(["bash", "-s", "--", "--version", "1.2"])
    assert reads_script_from_stdin(["bash", "-"])
    assert reads_script_from_stdin(["python3"])
    assert reads_script_from_stdin(["python3.12", "-"])
    assert not reads_script_from_stdin(["sh", "-c", "cat > x"])
    assert not reads_script_from_stdin(["bash", "install.sh"])
    assert not reads_script_from_stdin(["python3", "-c", "import json"])
    assert not reads_script_from_stdin(["python3", "tool.py"])
    assert not reads_script_from_stdin(["tar", "-xz"])
    assert not reads_script_from_stdin([])


# Robustness


def test_unfinished_input_is_read_without_error() -> None:
    for run in (
        'RUN echo "open',
        "RUN echo 'open",
        "RUN echo $(open",
        "RUN (((",
        "RUN )))",
        "RUN a &&",
        "RUN \\",
        "RUN",
    ):
        for instruction in instructions(f"FROM alpine\n{run}\n"):
            run_commands(instruction)
    for instruction in instructions("FROM alpine\nRUN <<EOF\necho never closed\n"):
        run_commands(instruction)


def test_pathological_input_is_read_to_the_end() -> None:
    # A reader that backtracks on these never finishes; pytest-timeout stops it.
    expected = {"$(": 1, "${": 1, '"': 1, "'": 1, "(": 0, "<<X\n": 0, "a&&": 20_000, "sh -c ": 1, "`": 1, "\\": 1}
    for piece, count in expected.items():
        text = "FROM alpine\nRUN " + piece * 20_000 + "\n"
        found = instructions(text)
        assert [instruction.keyword for instruction in found] == ["FROM", "RUN"], piece
        assert len(run_commands(found[1])) == count, piece
    assert {tuple(command.words) for command in commands("FROM alpine\nRUN " + "a&&" * 20_000 + "\n")} == {("a",)}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab $(){}|&;<>'\"\\`#=-\n\tc")), max_size=80))
def test_any_run_text_is_read_without_error(body: str) -> None:
    for instruction in instructions(f"FROM alpine\nRUN {body}\n"):
        for command in run_commands(instruction):
            assert command.words
            assert command.span.line >= 1 and command.span.column >= 1
