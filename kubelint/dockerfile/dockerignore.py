""".dockerignore files, read and matched as BuildKit does, and a bounded walk of a build context.

Patterns follow Go's filepath.Match (`*`, `?`, `[...]` classes with `^` for negation, `\\` escaping the
next character) plus `**`, which matches any number of folders, zero included. A `!` line re-includes
what earlier lines excluded; the last pattern that matches a path decides. A pattern that matches a
folder excludes everything below it. Lines starting with `#` are comments; a leading `/` is dropped,
since every pattern is relative to the context's root anyway.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum

__all__ = [
    "DockerIgnore",
    "IgnorePattern",
    "context_files",
    "find_ignore_file",
    "read_patterns",
]

MAX_ENTRIES = 20_000
MAX_DEPTH = 12
SKIPPED_FOLDERS = frozenset({".git"})


class _Kind(Enum):
    EXACT = "exact"
    PREFIX = "prefix"
    SUFFIX = "suffix"
    REGEX = "regex"


@dataclass(frozen=True, slots=True)
class IgnorePattern:
    """One cleaned pattern; `exception` for a `!` line. An invalid pattern never matches."""

    text: str
    exception: bool
    kind: _Kind
    regex: re.Pattern[str] | None

    def matches(self, path: str) -> bool:
        if self.kind is _Kind.EXACT:
            return path == self.text
        if self.kind is _Kind.PREFIX:
            return path.startswith(self.text[:-2])
        if self.kind is _Kind.SUFFIX:
            # BuildKit's shortcut for a leading "**" followed by plain characters: a plain suffix test.
            suffix = self.text[2:]
            return path.endswith(suffix) or (suffix.startswith("/") and path == suffix[1:])
        return self.regex is not None and self.regex.fullmatch(path) is not None


@dataclass(slots=True)
class DockerIgnore:
    patterns: list[IgnorePattern] = field(default_factory=list)

    @classmethod
    def from_text(cls, text: str) -> DockerIgnore:
        return cls([compile_pattern(line) for line in read_patterns(text)])

    @property
    def has_exceptions(self) -> bool:
        return any(pattern.exception for pattern in self.patterns)

    def excludes(self, path: str) -> bool:
        """Whether the context path (relative, "/"-separated) is left out of the build context."""
        path = _go_clean(path)
        if path == ".":
            return False
        parents = _parent_prefixes(path)
        excluded = False
        for pattern in self.patterns:
            # Only a pattern that could change the verdict is worth matching.
            if pattern.exception != excluded:
                continue
            if pattern.matches(path) or any(pattern.matches(parent) for parent in parents):
                excluded = not pattern.exception
        return excluded


def read_patterns(text: str) -> list[str]:
    """The patterns of a .dockerignore file, cleaned; exceptions keep their leading "!"."""
    patterns = []
    for line in text.removeprefix("\ufeff").splitlines():
        if line.startswith("#"):
            continue
        pattern = line.strip()
        if not pattern:
            continue
        exception = pattern.startswith("!")
        if exception:
            pattern = pattern[1:].strip()
        if pattern:
            pattern = _go_clean(pattern)
            if len(pattern) > 1 and pattern.startswith("/"):
                pattern = pattern[1:]
        patterns.append("!" + pattern if exception else pattern)
    return patterns


def compile_pattern(line: str) -> IgnorePattern:
    exception = line.startswith("!")
    text = _go_clean(line[1:] if exception else line)
    try:
        kind, regex = _translate(text)
    except ValueError:
        return IgnorePattern(text, exception, _Kind.REGEX, None)
    return IgnorePattern(text, exception, kind, regex)


def find_ignore_file(dockerfile_path: str) -> str | None:
    """The ignore file BuildKit uses: `<Dockerfile name>.dockerignore` next to it first, then `.dockerignore`."""
    folder, name = os.path.split(dockerfile_path)
    for candidate in (f"{name}.dockerignore", ".dockerignore"):
        path = os.path.join(folder, candidate)
        if os.path.isfile(path):
            return path
    return None


def context_files(folder: str, ignore: DockerIgnore) -> Iterator[str]:
    """The files of a build context that .dockerignore lets through, as relative "/"-separated paths.

    The walk is bounded (MAX_ENTRIES entries, MAX_DEPTH levels) so that a context holding a whole home
    folder costs little; symbolic links are not followed. An excluded folder is skipped unless a `!`
    pattern might bring back something inside it.
    """
    budget = [MAX_ENTRIES]
    yield from _walk(folder, "", 0, ignore, budget)


def _walk(folder: str, relative: str, depth: int, ignore: DockerIgnore, budget: list[int]) -> Iterator[str]:
    try:
        with os.scandir(os.path.join(folder, relative) if relative else folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        if budget[0] <= 0:
            return
        budget[0] -= 1
        path = f"{relative}/{entry.name}" if relative else entry.name
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
        except OSError:
            continue
        if is_folder:
            if entry.name in SKIPPED_FOLDERS or depth + 1 >= MAX_DEPTH:
                continue
            if ignore.excludes(path) and not ignore.has_exceptions:
                continue
            yield from _walk(folder, path, depth + 1, ignore, budget)
        elif not ignore.excludes(path):
            yield path


def _go_clean(path: str) -> str:
    """Go's filepath.Clean on "/"-separated paths, which unlike posixpath keeps no leading "//"."""
    cleaned = posixpath.normpath(path) if path else "."
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def _parent_prefixes(path: str) -> list[str]:
    """The folders above a path, "a/b/c" giving "a" and "a/b": a pattern matching one excludes the file."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[: index + 1]) for index in range(len(parts))]


def _translate(pattern: str) -> tuple[_Kind, re.Pattern[str] | None]:
    """The matching strategy of a cleaned pattern, chosen as BuildKit's pattern matcher chooses it.

    Plain patterns compare as strings, "prefix/**" as a prefix, "**suffix" (nothing special after it)
    as a suffix; everything else becomes a regular expression matched against the whole path.
    Raises ValueError on a malformed character class.
    """
    kind = _Kind.EXACT
    regex: list[str] = []
    position = 0
    while position < len(pattern):
        at_start = position == 0
        character = pattern[position]
        position += 1
        if character == "*" and pattern.startswith("*", position):
            position += 2 if pattern.startswith("/", position + 1) else 1
            if position < len(pattern):
                regex.append("(?:.*/)?")
                kind = _Kind.REGEX
            elif kind is _Kind.EXACT:
                kind = _Kind.PREFIX
            else:
                regex.append(".*")
                kind = _Kind.REGEX
            if at_start:
                kind = _Kind.SUFFIX
        elif character in "*?":
            regex.append("[^/]*" if character == "*" else "[^/]")
            kind = _Kind.REGEX
        elif character == "\\" and position < len(pattern):
            regex.append(re.escape(pattern[position]))
            position += 1
            kind = _Kind.REGEX
        elif character == "[":
            class_regex, position = _character_class(pattern, position)
            regex.append(class_regex)
            kind = _Kind.REGEX
        elif character == "]":
            raise ValueError("unmatched ]")
        else:
            regex.append(re.escape(character))
    return kind, re.compile("".join(regex)) if kind is _Kind.REGEX else None


def _character_class(pattern: str, position: int) -> tuple[str, int]:
    """A filepath.Match class starting after "[": "^" negates, "a-z" ranges, "\\" escapes one character."""
    negated = pattern.startswith("^", position)
    if negated:
        position += 1
    items: list[str] = []
    while True:
        if position >= len(pattern):
            raise ValueError("unterminated character class")
        if pattern[position] == "]" and items:
            return ("[^" if negated else "[") + "".join(items) + "]", position + 1
        low, position = _class_character(pattern, position)
        if pattern.startswith("-", position):
            high, position = _class_character(pattern, position + 1)
            if high < low:
                raise ValueError("inverted range")
            items.append(f"{re.escape(low)}-{re.escape(high)}")
        else:
            items.append(re.escape(low))


def _class_character(pattern: str, position: int) -> tuple[str, int]:
    if position >= len(pattern):
        raise ValueError("unterminated character class")
    character = pattern[position]
    if character == "\\":
        if position + 1 >= len(pattern):
            raise ValueError("unterminated escape")
        return pattern[position + 1], position + 2
    if character in "-]":
        raise ValueError(f"unexpected {character} in a character class")
    return character, position + 1
