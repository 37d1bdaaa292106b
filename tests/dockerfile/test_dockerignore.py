""".dockerignore reading and matching as BuildKit does it, and the bounded walk of a build context."""

import os
from pathlib import Path

import pytest

from kubelint.dockerfile import dockerignore
from kubelint.dockerfile.dockerignore import DockerIgnore, context_files, find_ignore_file, read_patterns


def excluded(patterns: str, *paths: str) -> list[bool]:
    ignore = DockerIgnore.from_text(patterns)
    return [ignore.excludes(path) for path in paths]


# Reading the file


def test_lines_are_trimmed_cleaned_and_made_relative() -> None:
    text = "\ufeff# a comment\n\n  node_modules  \n/build/\n./docs/../site\n!  /keep.txt\n //abs\n"
    assert read_patterns(text) == ["node_modules", "build", "site", "!keep.txt", "abs"]


def test_only_a_hash_in_the_first_column_starts_a_comment() -> None:
    assert read_patterns("#secret\n #hash-file\n") == ["#hash-file"]
    assert excluded(" #hash-file", "#hash-file") == [True]


def test_a_lone_exclamation_mark_matches_nothing() -> None:
    assert excluded("*\n!", "app.py") == [True]


# Matching


def test_a_star_stays_in_its_folder_and_a_double_star_crosses_folders() -> None:
    assert excluded("*.md", "README.md", "docs/guide.md") == [True, False]
    assert excluded("**/*.md", "README.md", "docs/guide.md", "a/b/c.md", "a/b/c.mdx") == [True, True, True, False]
    assert excluded("docs/*/draft.txt", "docs/v1/draft.txt", "docs/v1/old/draft.txt") == [True, False]


def test_double_star_prefix_and_suffix_forms() -> None:
    assert excluded("docs/**", "docs/a", "docs/a/b", "docs", "docsite/a") == [True, True, False, False]
    assert excluded("**/.env", ".env", "app/.env", "app/.envrc", "x.env") == [True, True, False, False]
    # BuildKit matches a leading "**" followed by plain characters as a bare suffix.
    assert excluded("**.pem", "key.pem", "certs/deep/server.pem", "pem") == [True, True, False]
    assert excluded("**", "anything/at/all") == [True]


def test_question_mark_classes_and_escapes() -> None:
    assert excluded("file?.txt", "file1.txt", "file10.txt", "file/.txt") == [True, False, False]
    assert excluded("log[0-9].txt", "log3.txt", "logx.txt") == [True, False]
    assert excluded("log[^0-9].txt", "log3.txt", "logx.txt") == [False, True]
    assert excluded(r"literal\*.txt", "literal*.txt", "literalx.txt") == [True, False]
    assert excluded("a+b(c).txt", "a+b(c).txt", "aab(c).txt") == [True, False]


def test_malformed_patterns_never_match_and_never_raise() -> None:
    assert excluded("[\n[z-a]\n[]\nfoo]\nlog[a-]", "[", "a", "foo]", "loga") == [False, False, False, False]


def test_a_folder_pattern_excludes_everything_below_it() -> None:
    assert excluded("deploy", "deploy", "deploy/id_rsa", "deploy/keys/id_rsa", "deployment.yaml") == [
        True,
        True,
        True,
        False,
    ]
    assert excluded("*/secrets", "app/secrets/db.txt", "secrets/db.txt") == [True, False]


def test_the_last_matching_pattern_decides() -> None:
    assert excluded("*.md\n!README.md", "README.md", "CHANGES.md") == [False, True]
    assert excluded("!README.md\n*.md", "README.md") == [True]
    assert excluded("deploy\n!deploy/public.pem", "deploy/public.pem", "deploy/id_rsa") == [False, True]
    assert excluded("**/.env*\n!.env.example", ".env", ".env.example", "app/.env.example") == [True, False, True]


def test_paths_are_cleaned_before_matching() -> None:
    assert excluded("secrets", "./secrets/db.txt", "secrets/") == [True, True]
    assert excluded("*", ".") == [False]


# Finding the ignore file


def test_the_dockerfile_specific_ignore_file_wins(tmp_path: Path) -> None:
    dockerfile = tmp_path / "api.Dockerfile"
    dockerfile.write_text("FROM scratch\n")
    assert find_ignore_file(str(dockerfile)) is None
    (tmp_path / ".dockerignore").write_text("*\n")
    assert find_ignore_file(str(dockerfile)) == str(tmp_path / ".dockerignore")
    (tmp_path / "api.Dockerfile.dockerignore").write_text(".env\n")
    assert find_ignore_file(str(dockerfile)) == str(tmp_path / "api.Dockerfile.dockerignore")


# Walking the context


def make_tree(root: Path, *files: str) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("test fixture\n")


def test_the_walk_lists_files_the_ignore_file_lets_through(tmp_path: Path) -> None:
    make_tree(tmp_path, "app.py", ".env", "node_modules/x/key.pem", ".git/config", "src/main.py", "src/a.log")
    ignore = DockerIgnore.from_text("node_modules\n**/*.log")
    assert sorted(context_files(str(tmp_path), ignore)) == [".env", "app.py", "src/main.py"]


def test_an_exception_brings_back_a_file_inside_an_excluded_folder(tmp_path: Path) -> None:
    make_tree(tmp_path, "deploy/id_rsa", "deploy/README.md")
    ignore = DockerIgnore.from_text("deploy\n!deploy/README.md")
    assert list(context_files(str(tmp_path), ignore)) == ["deploy/README.md"]


def test_the_walk_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_tree(tmp_path, *(f"f{index:02}.txt" for index in range(30)), "a/b/c/d/deep.txt")
    monkeypatch.setattr(dockerignore, "MAX_ENTRIES", 10)
    assert len(list(context_files(str(tmp_path), DockerIgnore()))) <= 10
    monkeypatch.setattr(dockerignore, "MAX_ENTRIES", 1000)
    monkeypatch.setattr(dockerignore, "MAX_DEPTH", 3)
    assert "a/b/c/d/deep.txt" not in list(context_files(str(tmp_path), DockerIgnore()))


def test_symbolic_links_are_listed_but_not_followed(tmp_path: Path) -> None:
    # BuildKit sends a link as a link: what it points to outside the context stays out.
    make_tree(tmp_path, "outside/id_rsa", "context/app.py")
    os.symlink(tmp_path / "outside", tmp_path / "context" / "linked")
    assert list(context_files(str(tmp_path / "context"), DockerIgnore())) == ["app.py", "linked"]


def test_a_missing_folder_has_no_files(tmp_path: Path) -> None:
    assert list(context_files(str(tmp_path / "missing"), DockerIgnore())) == []
