"""Read a Dockerfile the way BuildKit's Dockerfile frontend does, keeping the position of every part.

The parser never raises: whatever BuildKit would refuse to build becomes a SyntaxProblem and parsing
goes on with the next line. Lines and columns are 1-based; a tab is one column and a leading UTF-8 BOM
is not counted. Lines end at "\\n" only (a trailing "\\r" is dropped), as in BuildKit.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from kubelint.findings import Span

__all__ = [
    "KNOWN_INSTRUCTIONS",
    "Dockerfile",
    "Flag",
    "Heredoc",
    "Instruction",
    "Stage",
    "SyntaxProblem",
    "Word",
    "expand_variables",
    "key_values",
    "parse_dockerfile",
    "stage_by_name",
]

KNOWN_INSTRUCTIONS = frozenset(
    {
        "FROM",
        "RUN",
        "CMD",
        "LABEL",
        "MAINTAINER",
        "EXPOSE",
        "ENV",
        "ADD",
        "COPY",
        "ENTRYPOINT",
        "VOLUME",
        "USER",
        "WORKDIR",
        "ARG",
        "ONBUILD",
        "STOPSIGNAL",
        "HEALTHCHECK",
        "SHELL",
    }
)
DIRECTIVE_NAMES = frozenset({"syntax", "escape", "check"})
ESCAPE_CHARACTERS = ("\\", "`")

_HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})
_JSON_INSTRUCTIONS = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"})
_NEED_AN_ARGUMENT = frozenset(
    {"ENV", "LABEL", "ARG", "EXPOSE", "VOLUME", "USER", "WORKDIR", "STOPSIGNAL", "MAINTAINER", "ONBUILD"}
)
_FORBIDDEN_TRIGGERS = frozenset({"ONBUILD", "FROM", "MAINTAINER"})

_BLANKS = " \t\v\f\r"
_BLANK_RUN = re.compile(r"[ \t\v\f\r]*")
_NON_BLANK_RUN = re.compile(r"[^ \t\v\f\r]*")
_NON_BLANK_WORD = re.compile(r"[^ \t\v\f\r]+")
_DIRECTIVE = re.compile(r"#[ \t\v\f\r]*([A-Za-z][A-Za-z0-9]*)[ \t\v\f\r]*=(.*)")
_STAGE_NAME = re.compile(r"[a-z][a-z0-9_.-]*")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACED_NAME = re.compile(r"[A-Za-z0-9_]*")
_DIGITS = re.compile(r"[0-9]*")
_OPERATORS = (":-", ":+", ":?", ":=", "-", "+", "?", "=")
_MAX_NESTING = 16
_MESSAGE_TEXT_LIMIT = 40


@dataclass(slots=True)
class Word:
    """One argument: a shell-form word as written (quotes kept) or a decoded JSON-form element."""

    value: str
    span: Span


@dataclass(slots=True)
class Flag:
    """A leading --name[=value] option; the value has its quotes removed, as BuildKit does."""

    name: str
    value: str | None
    span: Span


@dataclass(slots=True)
class Heredoc:
    delimiter: str
    content: str
    strip_tabs: bool
    quoted: bool
    span: Span


@dataclass(slots=True)
class Instruction:
    keyword: str
    span: Span
    keyword_span: Span
    flags: list[Flag]
    arguments: str
    words: list[Word]
    json_form: bool
    heredocs: list[Heredoc]
    stage: int = -1
    escape: str = "\\"

    def line_range(self) -> range:
        return range(self.span.line, self.span.end_line + 1)

    def flag(self, name: str) -> Flag | None:
        return next((flag for flag in self.flags if flag.name == name), None)


@dataclass(slots=True)
class Stage:
    index: int
    name: str | None
    base: str
    base_expanded: str
    base_span: Span
    from_instruction: Instruction
    instructions: list[Instruction]
    platform: str | None


@dataclass(slots=True)
class SyntaxProblem:
    message: str
    span: Span


@dataclass(slots=True)
class Dockerfile:
    path: str
    text: str
    directives: dict[str, str]
    escape: str
    instructions: list[Instruction]
    stages: list[Stage]
    global_args: dict[str, str | None]
    problems: list[SyntaxProblem]
    comments: list[tuple[int, str]]


def parse_dockerfile(text: str, path: str = "Dockerfile") -> Dockerfile:
    reader = _Reader(text)
    instructions = reader.read_instructions()
    dockerfile = Dockerfile(
        path=path,
        text=text,
        directives=reader.directives,
        escape=reader.escape,
        instructions=instructions,
        stages=[],
        global_args={},
        problems=reader.problems,
        comments=reader.comments,
    )
    for instruction in instructions:
        dockerfile.problems.extend(_instruction_problems(instruction))
    _build_stages(dockerfile)
    dockerfile.problems.sort(key=lambda problem: (problem.span.line, problem.span.column))
    return dockerfile


def stage_by_name(dockerfile: Dockerfile, name_or_index: str) -> Stage | None:
    """The stage a --from=... or FROM refers to: its AS name (any case) first, then its index."""
    wanted = name_or_index.lower()
    for stage in dockerfile.stages:
        if stage.name == wanted:
            return stage
    if name_or_index.isascii() and name_or_index.isdigit() and len(name_or_index) < 10:
        index = int(name_or_index)
        if index < len(dockerfile.stages):
            return dockerfile.stages[index]
    return None


def key_values(instruction: Instruction) -> list[tuple[str, str | None, Span]]:
    """(name, value, span of the name) of an ENV, ARG or LABEL; quotes are removed from values.

    The escape character before "$" is kept, so expand_variables() still treats "\\$X" literally.
    A value is None for "ARG NAME" without a default and for a legacy "ENV NAME" missing its value.
    """
    if instruction.keyword == "ARG":
        return [_arg_pair(word, instruction.escape) for word in instruction.words]
    if instruction.keyword not in ("ENV", "LABEL") or not instruction.words:
        return []
    if "=" not in instruction.words[0].value:
        return [_legacy_pair(instruction)]
    return [_assignment_pair(word, instruction.escape) for word in instruction.words if "=" in word.value]


def expand_variables(text: str, variables: dict[str, str | None], *, escape: str = "\\") -> str:
    """Substitute $VAR, ${VAR} and ${VAR:-default}-style forms; unknown or unset variables become "".

    A None value means declared without a value (unset). Quotes are left alone; an escape character
    before "$" makes it a literal "$". ${VAR#...}, ${VAR%...} and ${VAR/...} keep VAR's value unchanged.
    """
    return _expand(text, variables, escape if len(escape) == 1 else "\\", 0)


# Reading lines into instructions


def _span_factory() -> Callable[[int, int, int, int], Span]:
    """Build Spans through their slots: frozen dataclass __init__ costs more than the parsing."""
    names = ("line", "column", "end_line", "end_column")
    try:
        set_line, set_column, set_end_line, set_end_column = [getattr(Span, name).__set__ for name in names]
    except AttributeError:
        return Span
    new = object.__new__

    def make_span(line: int, column: int, end_line: int, end_column: int) -> Span:
        span = new(Span)
        set_line(span, line)
        set_column(span, column)
        set_end_line(span, end_line)
        set_end_column(span, end_column)
        return span

    return make_span


_make_span = _span_factory()


@dataclass(slots=True)
class _LogicalLine:
    """An instruction's physical lines joined as BuildKit joins them, remembering where each piece lies."""

    pieces: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    origins: list[tuple[int, int]] = field(default_factory=list)
    length: int = 0
    last_line: int = 0

    def append(self, piece: str, line: int, column: int) -> None:
        self.last_line = line
        if not piece:
            return
        self.pieces.append(piece)
        self.starts.append(self.length)
        self.origins.append((line, column))
        self.length += len(piece)

    def text(self) -> str:
        return "".join(self.pieces)

    def span(self, start: int, end: int) -> Span:
        if end > start:
            return self.spans([(start, end)])[0]
        first = bisect_right(self.starts, start) - 1
        line, column = self.origins[first]
        column += start - self.starts[first]
        return _make_span(line, column, line, column)

    def spans(self, bounds: list[tuple[int, int]]) -> list[Span]:
        """The spans of non-empty offset ranges; one call for a whole instruction's words keeps this cheap."""
        starts, origins = self.starts, self.origins
        if len(starts) == 1:
            line, column = origins[0]
            return [_make_span(line, column + start, line, column + end) for start, end in bounds]
        spans = []
        for start, end in bounds:
            first = bisect_right(starts, start) - 1
            last = bisect_right(starts, end - 1, first) - 1
            line, column = origins[first]
            end_line, end_column = origins[last]
            first_column = column + start - starts[first]
            spans.append(_make_span(line, first_column, end_line, end_column + end - starts[last]))
        return spans


@dataclass(slots=True)
class _HeredocMarker:
    offset: int
    delimiter: str
    strip_tabs: bool
    quoted: bool


class _Reader:
    def __init__(self, text: str) -> None:
        lines = text.removeprefix("\ufeff").split("\n")
        if len(lines) > 1 and not lines[-1]:
            lines.pop()
        self.lines = [line.rstrip("\r") for line in lines]
        self.next_line = 0
        self.escape = "\\"
        self.directives: dict[str, str] = {}
        self.problems: list[SyntaxProblem] = []
        self.comments: list[tuple[int, str]] = []

    def read_instructions(self) -> list[Instruction]:
        self._read_directives()
        instructions = []
        while self.next_line < len(self.lines):
            instruction = self._read_instruction()
            if instruction is not None:
                instructions.append(instruction)
        return instructions

    def _line_span(self, index: int) -> Span:
        return Span(index + 1, 1, index + 1, len(self.lines[index]) + 1)

    def _read_directives(self) -> None:
        for index, line in enumerate(self.lines):
            match = _DIRECTIVE.match(line.lstrip(_BLANKS))
            value = match.group(2).strip(_BLANKS) if match else ""
            name = match.group(1).lower() if match else ""
            if name not in DIRECTIVE_NAMES or not value:
                return
            if name in self.directives:
                self._problem(f"only one '{name}' parser directive can be used: delete this line", index)
                continue
            self.directives[name] = value
            if name == "escape":
                self._set_escape(value, index)

    def _set_escape(self, value: str, index: int) -> None:
        if value in ESCAPE_CHARACTERS:
            self.escape = value
        else:
            message = f"invalid escape directive '{_shorten(value)}': use '# escape=\\' or '# escape=`'"
            self._problem(message, index)

    def _problem(self, message: str, index: int) -> None:
        self.problems.append(SyntaxProblem(message, self._line_span(index)))

    def _take_line(self) -> tuple[int, str]:
        index = self.next_line
        self.next_line += 1
        return index, self.lines[index]

    def _record_comment(self, index: int, content: str) -> None:
        self.comments.append((index + 1, content[1:].strip(_BLANKS)))

    def _read_instruction(self) -> Instruction | None:
        index, line = self._take_line()
        content = line.lstrip(_BLANKS)
        if not content:
            return None
        if content[0] == "#":
            self._record_comment(index, content)
            return None
        indent = len(line) - len(content)
        logical = _LogicalLine()
        if self._join(logical, content, index, indent):
            self._read_continuation_lines(logical)
        return self._instruction_from(logical, index, indent)

    def _read_continuation_lines(self, logical: _LogicalLine) -> None:
        # Comment lines and blank lines inside a continuation are skipped without ending it.
        while self.next_line < len(self.lines):
            index, line = self._take_line()
            content = line.lstrip(_BLANKS)
            if not content:
                continue
            if content[0] == "#":
                self._record_comment(index, content)
            elif not self._join(logical, line, index, 0):
                return

    def _join(self, logical: _LogicalLine, text: str, index: int, indent: int) -> bool:
        """Append a line's text without its continuation mark; tell whether the instruction goes on."""
        trimmed = text.rstrip(" \t")
        continued = trimmed.endswith(self.escape)
        logical.append(trimmed[:-1] if continued else text, index + 1, indent + 1)
        return continued

    def _instruction_from(self, logical: _LogicalLine, first_index: int, indent: int) -> Instruction | None:
        text = logical.text()
        start = _skip_blanks(text, 0)
        if start == len(text):
            return None
        keyword_end = _run_end(_NON_BLANK_RUN, text, start)
        flags, arguments_start = _extract_flags(text, keyword_end, logical)
        arguments_end = len(text.rstrip(_BLANKS))
        arguments_start = min(arguments_start, arguments_end)
        keyword = text[start:keyword_end].upper()
        words, json_form = self._words(keyword, text, arguments_start, arguments_end, logical)
        keyword_span = logical.span(start, keyword_end)
        instruction = Instruction(
            keyword=keyword,
            span=keyword_span,  # widened below, once the heredoc bodies are read
            keyword_span=keyword_span,
            flags=flags,
            arguments=text[arguments_start:arguments_end],
            words=words,
            json_form=json_form,
            heredocs=[],
            escape=self.escape,
        )
        if _may_hold_heredocs(instruction):
            instruction.heredocs = self._read_heredocs(instruction)
        end_line = max([logical.last_line, *(heredoc.span.end_line for heredoc in instruction.heredocs)])
        instruction.span = Span(first_index + 1, indent + 1, end_line, len(self.lines[end_line - 1]) + 1)
        return instruction

    def _words(
        self,
        keyword: str,
        text: str,
        start: int,
        end: int,
        logical: _LogicalLine,
    ) -> tuple[list[Word], bool]:
        if keyword in _JSON_INSTRUCTIONS:
            elements = self._json_words(text, start, end, logical)
            if elements is not None:
                return elements, True
        words = _shell_words(text, start, end, self.escape, logical)
        if keyword == "HEALTHCHECK" and words and words[0].value.upper() == "CMD":
            command_start = _skip_blanks(text, start + len(words[0].value))
            elements = self._json_words(text, command_start, end, logical)
            if elements is not None:
                return [words[0], *elements], True
        return words, False

    def _json_words(self, text: str, start: int, end: int, logical: _LogicalLine) -> list[Word] | None:
        elements = _json_array(text[start:end])
        if elements is None:
            return None
        if not all(isinstance(element, str) for element in elements):
            message = 'a JSON array argument must hold only strings: write e.g. ["sh", "-c", "exit 0"]'
            self.problems.append(SyntaxProblem(message, logical.span(start, end)))
            return None
        tokens = _JSON_STRING.finditer(text, start, end)
        return [
            Word(str(element), logical.span(token.start(), token.end()))
            for element, token in zip(elements, tokens, strict=False)
        ]

    def _read_heredocs(self, instruction: Instruction) -> list[Heredoc]:
        heredocs = []
        for word in instruction.words:
            marker = _heredoc_marker(word.value)
            if marker is not None:
                heredocs.append(self._read_heredoc(marker, word))
        return heredocs

    def _read_heredoc(self, marker: _HeredocMarker, word: Word) -> Heredoc:
        first = self.next_line
        terminator = self._find_terminator(marker)
        body = self.lines[first : len(self.lines) if terminator is None else terminator]
        if marker.strip_tabs:
            body = [line.lstrip("\t") for line in body]
        where = word.span
        marker_span = Span(where.line, where.column + marker.offset, where.end_line, where.end_column)
        if terminator is not None:
            span = Span(first + 1, 1, terminator + 1, len(self.lines[terminator]) + 1)
        else:
            span = Span(first + 1, 1, len(self.lines), len(self.lines[-1]) + 1) if body else marker_span
            self.problems.append(SyntaxProblem(_unterminated_heredoc_message(marker), marker_span))
        content = "".join(f"{line}\n" for line in body)
        return Heredoc(marker.delimiter, content, marker.strip_tabs, marker.quoted, span)

    def _find_terminator(self, marker: _HeredocMarker) -> int | None:
        while self.next_line < len(self.lines):
            index, line = self._take_line()
            candidate = line.lstrip("\t") if marker.strip_tabs else line
            if candidate == marker.delimiter:
                return index
        return None


def _run_end(pattern: re.Pattern[str], text: str, position: int, end: int | None = None) -> int:
    match = pattern.match(text, position, len(text) if end is None else end)
    return match.end() if match else position


def _skip_blanks(text: str, position: int) -> int:
    return _run_end(_BLANK_RUN, text, position)


def _extract_flags(text: str, position: int, logical: _LogicalLine) -> tuple[list[Flag], int]:
    bounds, arguments_start = _flag_bounds(text, position)
    flags = []
    for (start, end), span in zip(bounds, logical.spans(bounds), strict=True):
        name, equals, value = _unquote(text[start + 2 : end], "\\", keep_escaped_dollar=False).partition("=")
        flags.append(Flag(name, value if equals else None, span))
    return flags, arguments_start


def _flag_bounds(text: str, position: int) -> tuple[list[tuple[int, int]], int]:
    """Where the leading --flags lie, and where the arguments after them start; a lone "--" ends them."""
    bounds: list[tuple[int, int]] = []
    while True:
        start = _skip_blanks(text, position)
        if not text.startswith("--", start):
            return bounds, start
        # BuildKit reads flags with "\" as escape whatever the escape directive says.
        end = _word_end(text, start, len(text), "\\")
        if end - start == 2:
            return bounds, _skip_blanks(text, end)
        bounds.append((start, end))
        position = end


def _word_patterns(escape: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    escaped = re.escape(escape)
    return re.compile(rf"[^ \t\v\f\r\"'{escaped}]*"), re.compile(rf'[^"{escaped}]*')


_WORD_RUNS = {escape: _word_patterns(escape) for escape in ESCAPE_CHARACTERS}
_QUOTE_OR_ESCAPE = {escape: re.compile(f"[\"'{re.escape(escape)}]") for escape in ESCAPE_CHARACTERS}


def _word_end(text: str, position: int, end: int, escape: str) -> int:
    """Where the word starting at position ends: quotes group blanks, the escape character protects one."""
    unquoted_run, double_quoted_run = _WORD_RUNS[escape]
    quote = ""
    while position < end:
        if quote == "'":
            close = text.find("'", position, end)
            if close < 0:
                return end
            position, quote = close + 1, ""
            continue
        run = double_quoted_run if quote else unquoted_run
        position = _run_end(run, text, position, end)
        if position >= end:
            return end
        character = text[position]
        if character == escape:
            position += 2
        elif quote:
            position, quote = position + 1, ""
        elif character in _BLANKS:
            return position
        else:
            position, quote = position + 1, character
    return min(position, end)


def _shell_words(text: str, start: int, end: int, escape: str, logical: _LogicalLine) -> list[Word]:
    bounds = _word_bounds(text, start, end, escape)
    return [Word(text[a:b], span) for (a, b), span in zip(bounds, logical.spans(bounds), strict=True)]


def _word_bounds(text: str, start: int, end: int, escape: str) -> list[tuple[int, int]]:
    # Most words hold no quote or escape: take them whole and scan only the others character by character.
    bounds = []
    needs_scan = _QUOTE_OR_ESCAPE[escape].search
    find_word = _NON_BLANK_WORD.search
    position = start
    while match := find_word(text, position, end):
        word_start, word_end = match.span()
        if needs_scan(text, word_start, word_end):
            word_end = _word_end(text, word_start, end, escape)
        bounds.append((word_start, word_end))
        position = word_end
    return bounds


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _json_array(text: str) -> list[object] | None:
    if not text.startswith("["):
        return None
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, list) else None


def _is_json_form(text: str) -> bool:
    elements = _json_array(text)
    return elements is not None and all(isinstance(element, str) for element in elements)


def _may_hold_heredocs(instruction: Instruction) -> bool:
    if instruction.json_form or "<<" not in instruction.arguments:
        return False
    if instruction.keyword in _HEREDOC_INSTRUCTIONS:
        return True
    words = instruction.words
    if instruction.keyword != "ONBUILD" or words[0].value.upper() not in _HEREDOC_INSTRUCTIONS:
        return False
    # ONBUILD RUN <<EOF takes a heredoc unless the inner instruction is in JSON form.
    trigger = instruction.arguments[len(words[0].value) :]
    _, trigger_arguments = _flag_bounds(trigger, 0)
    return not _is_json_form(trigger[trigger_arguments:].rstrip(_BLANKS))


def _heredoc_marker(word: str) -> _HeredocMarker | None:
    offset = _run_end(_DIGITS, word, 0)
    if not word.startswith("<<", offset):
        return None
    rest = word[offset + 2 :]
    strip_tabs = rest.startswith("-")
    rest = rest[1:] if strip_tabs else rest
    if not rest or "<" in rest:
        return None
    delimiter = _unquote(rest, "\\", keep_escaped_dollar=False)
    if not delimiter:
        return None
    quoted = _count_quotes(delimiter) != _count_quotes(rest)
    return _HeredocMarker(offset, delimiter, strip_tabs, quoted)


def _count_quotes(text: str) -> int:
    return text.count('"') + text.count("'")


def _unterminated_heredoc_message(marker: _HeredocMarker) -> str:
    delimiter = _shorten(marker.delimiter)
    where = "alone on a line (leading tabs allowed with <<-)" if marker.strip_tabs else "alone on a line"
    return f"unterminated heredoc: nothing closes it before the end of the file; add {delimiter} {where}"


def _unquote(text: str, escape: str, *, keep_escaped_dollar: bool) -> str:
    """Remove shell quotes and escapes without expanding anything."""
    out: list[str] = []
    quote = ""
    position = 0
    while position < len(text):
        character = text[position]
        following = text[position + 1 : position + 2]
        if quote == "'":
            quote = "" if character == "'" else quote
            out.append(character if quote else "")
        elif character == escape and _is_escaping(following, quote, escape):
            out.append(character + following if keep_escaped_dollar and following == "$" else following)
            position += 1
        elif (character == '"' and quote) or (character in "'\"" and not quote):
            quote = "" if quote else character
        else:
            out.append(character)
        position += 1
    return "".join(out)


def _is_escaping(following: str, quote: str, escape: str) -> bool:
    """Inside double quotes the escape character only protects '"', '$' and itself, as in BuildKit."""
    if not quote or not following:
        return True
    return following in ('"', "$", escape)


def _shorten(text: str) -> str:
    return text if len(text) <= _MESSAGE_TEXT_LIMIT else text[: _MESSAGE_TEXT_LIMIT - 3] + "..."


# ENV, ARG and LABEL pairs


def _name_span(word: Word, name: str) -> Span:
    return Span(word.span.line, word.span.column, word.span.line, word.span.column + len(name))


def _arg_pair(word: Word, escape: str) -> tuple[str, str | None, Span]:
    name, equals, value = word.value.partition("=")
    return name, _unquote(value, escape, keep_escaped_dollar=True) if equals else None, _name_span(word, name)


def _assignment_pair(word: Word, escape: str) -> tuple[str, str | None, Span]:
    name, _, value = word.value.partition("=")
    unquoted_name = _unquote(name, escape, keep_escaped_dollar=True)
    return unquoted_name, _unquote(value, escape, keep_escaped_dollar=True), _name_span(word, name)


def _legacy_pair(instruction: Instruction) -> tuple[str, str | None, Span]:
    first = instruction.words[0]
    value = instruction.arguments[len(first.value) :].strip(_BLANKS)
    unquoted = _unquote(value, instruction.escape, keep_escaped_dollar=True) if value else None
    return first.value, unquoted, _name_span(first, first.value)


# Problems BuildKit reports for a single instruction


def _instruction_problems(instruction: Instruction) -> list[SyntaxProblem]:
    if instruction.keyword not in KNOWN_INSTRUCTIONS:
        return [SyntaxProblem(_unknown_instruction_message(instruction), instruction.keyword_span)]
    if not instruction.arguments and instruction.keyword in _NEED_AN_ARGUMENT:
        message = f"{instruction.keyword} requires at least one argument: complete the line or delete it"
        return [SyntaxProblem(message, instruction.keyword_span)]
    check = _ARGUMENT_CHECKS.get(instruction.keyword)
    return check(instruction) if check else []


def _unknown_instruction_message(instruction: Instruction) -> str:
    keyword = _shorten(instruction.keyword)
    suggestion = _closest_instruction(keyword)
    if suggestion:
        return f"unknown instruction: {keyword}; did you mean {suggestion}?"
    return (
        f"unknown instruction: {keyword}; start the line with a Dockerfile instruction such as RUN or COPY, "
        f"or end the previous line with {instruction.escape} if this line continues it"
    )


def _closest_instruction(keyword: str) -> str | None:
    return next((known for known in sorted(KNOWN_INSTRUCTIONS) if _one_edit_apart(keyword, known)), None)


def _one_edit_apart(typed: str, known: str) -> bool:
    """One character added, dropped, replaced, or two neighbours swapped: the typos worth a suggestion."""
    if abs(len(typed) - len(known)) > 1 or typed == known:
        return False
    pairs = enumerate(zip(typed, known, strict=False))
    same = next((i for i, (a, b) in pairs if a != b), min(len(typed), len(known)))
    if len(typed) != len(known):
        longer, shorter = (typed, known) if len(typed) > len(known) else (known, typed)
        return longer[same + 1 :] == shorter[same:]
    swapped = typed[same : same + 2] == known[same : same + 2][::-1]
    return typed[same + 1 :] == known[same + 1 :] or (swapped and typed[same + 2 :] == known[same + 2 :])


def _key_value_problems(instruction: Instruction) -> list[SyntaxProblem]:
    keyword, words = instruction.keyword, instruction.words
    if "=" not in words[0].value:
        if len(words) > 1:
            return []
        message = f"{keyword} {_shorten(words[0].value)} has no value: write {keyword} name=value"
        return [SyntaxProblem(message, words[0].span)]
    problems = []
    for word in words:
        if "=" not in word.value:
            message = f"{keyword}: '{_shorten(word.value)}' has no '=': write every item as name=value"
            problems.append(SyntaxProblem(message, word.span))
        elif word.value.startswith("="):
            message = f"{keyword} names can't be blank: put a name before '='"
            problems.append(SyntaxProblem(message, word.span))
    return problems


def _arg_problems(instruction: Instruction) -> list[SyntaxProblem]:
    return [
        SyntaxProblem("ARG names can't be blank: put a name before '='", word.span)
        for word in instruction.words
        if word.value.startswith("=")
    ]


def _copy_problems(instruction: Instruction) -> list[SyntaxProblem]:
    if len(instruction.words) >= 2:
        return []
    keyword = instruction.keyword
    message = f"{keyword} needs a source and a destination: {keyword} <src>... <dest>"
    return [SyntaxProblem(message, instruction.keyword_span)]


def _shell_problems(instruction: Instruction) -> list[SyntaxProblem]:
    if instruction.json_form:
        return []
    message = 'SHELL takes a JSON array: write e.g. SHELL ["/bin/bash", "-o", "pipefail", "-c"]'
    return [SyntaxProblem(message, instruction.keyword_span)]


def _onbuild_problems(instruction: Instruction) -> list[SyntaxProblem]:
    trigger = instruction.words[0]
    name = trigger.value.upper()
    if name not in _FORBIDDEN_TRIGGERS:
        return []
    message = f"{name} isn't allowed as an ONBUILD trigger: remove it from this ONBUILD"
    return [SyntaxProblem(message, trigger.span)]


def _healthcheck_problems(instruction: Instruction) -> list[SyntaxProblem]:
    words = instruction.words
    kind = words[0].value.upper() if words else ""
    if kind == "CMD" and len(words) > 1:
        return []
    if kind == "NONE" and len(words) == 1:
        return []
    if kind == "NONE":
        return [SyntaxProblem("HEALTHCHECK NONE takes no arguments: remove what follows NONE", words[1].span)]
    span = words[0].span if words else instruction.keyword_span
    message = "HEALTHCHECK needs CMD <command> or NONE: e.g. HEALTHCHECK CMD curl -f localhost"
    return [SyntaxProblem(message, span)]


_ARGUMENT_CHECKS: dict[str, Callable[[Instruction], list[SyntaxProblem]]] = {
    "ENV": _key_value_problems,
    "LABEL": _key_value_problems,
    "ARG": _arg_problems,
    "COPY": _copy_problems,
    "ADD": _copy_problems,
    "SHELL": _shell_problems,
    "ONBUILD": _onbuild_problems,
    "HEALTHCHECK": _healthcheck_problems,
}


# Stages


def _build_stages(dockerfile: Dockerfile) -> None:
    meta_args: dict[str, str | None] = {}
    current: Stage | None = None
    for instruction in dockerfile.instructions:
        if instruction.keyword == "FROM":
            current = _start_stage(dockerfile, instruction, meta_args)
            dockerfile.stages.append(current)
        elif current is None:
            _add_global_instruction(dockerfile, instruction, meta_args)
        if current is not None:
            instruction.stage = current.index
            current.instructions.append(instruction)
    if not dockerfile.stages:
        span = dockerfile.instructions[0].keyword_span if dockerfile.instructions else Span.point(1)
        dockerfile.problems.append(
            SyntaxProblem("no FROM instruction: start the first build stage with FROM <image>", span)
        )


def _add_global_instruction(
    dockerfile: Dockerfile,
    instruction: Instruction,
    meta_args: dict[str, str | None],
) -> None:
    if instruction.keyword == "ARG":
        for name, value, _ in key_values(instruction):
            dockerfile.global_args[name] = value
            expanded = None if value is None else expand_variables(value, meta_args, escape=dockerfile.escape)
            meta_args[name] = expanded
    elif instruction.keyword in KNOWN_INSTRUCTIONS:
        message = f"{instruction.keyword} before the first FROM, where only ARG may be: move it below a FROM"
        dockerfile.problems.append(SyntaxProblem(message, instruction.keyword_span))


def _start_stage(dockerfile: Dockerfile, instruction: Instruction, meta_args: dict[str, str | None]) -> Stage:
    words = instruction.words
    base = words[0].value if words else ""
    name = _stage_name(dockerfile, instruction)
    platform = instruction.flag("platform")
    return Stage(
        index=len(dockerfile.stages),
        name=name,
        base=base,
        base_expanded=expand_variables(base, meta_args, escape=dockerfile.escape),
        base_span=words[0].span if words else instruction.keyword_span,
        from_instruction=instruction,
        instructions=[],
        platform=platform.value if platform else None,
    )


def _stage_name(dockerfile: Dockerfile, instruction: Instruction) -> str | None:
    words = instruction.words
    if len(words) == 3 and words[1].value.lower() == "as":
        name = words[2].value.lower()
        _check_stage_name(dockerfile, name, words[2].span)
        return name
    if len(words) != 1:
        message = "FROM takes an image and an optional stage name: FROM [--platform=...] <image> [AS <name>]"
        dockerfile.problems.append(SyntaxProblem(message, instruction.keyword_span))
    return None


def _check_stage_name(dockerfile: Dockerfile, name: str, span: Span) -> None:
    if not _STAGE_NAME.fullmatch(name):
        message = (
            f"invalid stage name '{_shorten(name)}': "
            "start it with a letter and use only letters, digits, '-', '_' and '.'"
        )
        dockerfile.problems.append(SyntaxProblem(message, span))
    elif any(stage.name == name for stage in dockerfile.stages):
        message = f"duplicate stage name '{name}': rename one of the stages"
        dockerfile.problems.append(SyntaxProblem(message, span))


# Variable expansion


def _special_pattern(escape: str) -> re.Pattern[str]:
    return re.compile(f"[$]|{re.escape(escape)}")


def _brace_token_pattern(escape: str) -> re.Pattern[str]:
    return re.compile(rf"\$\{{|\}}|{re.escape(escape)}.?", re.DOTALL)


_SPECIALS: dict[str, re.Pattern[str]] = {}
_BRACE_TOKENS: dict[str, re.Pattern[str]] = {}


def _patterns_for(escape: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    if escape not in _SPECIALS:
        _SPECIALS[escape] = _special_pattern(escape)
        _BRACE_TOKENS[escape] = _brace_token_pattern(escape)
    return _SPECIALS[escape], _BRACE_TOKENS[escape]


def _expand(text: str, variables: dict[str, str | None], escape: str, depth: int) -> str:
    specials, _ = _patterns_for(escape)
    out: list[str] = []
    position = 0
    while position < len(text):
        match = specials.search(text, position)
        special = match.start() if match else len(text)
        out.append(text[position:special])
        if special >= len(text):
            break
        if text[special] == "$":
            value, position = _substitute(text, special, variables, escape, depth)
            out.append(value)
        elif text.startswith("$", special + 1):
            out.append("$")
            position = special + 2
        else:
            # Keep the pair so an escaped escape character can't protect a following "$".
            out.append(text[special : special + 2])
            position = special + 2
    return "".join(out)


def _substitute(
    text: str,
    dollar: int,
    variables: dict[str, str | None],
    escape: str,
    depth: int,
) -> tuple[str, int]:
    if text.startswith("{", dollar + 1):
        return _substitute_braced(text, dollar, variables, escape, depth)
    name_end = _plain_name_end(text, dollar + 1)
    if name_end == dollar + 1:
        return "$", dollar + 1
    return variables.get(text[dollar + 1 : name_end]) or "", name_end


def _plain_name_end(text: str, start: int) -> int:
    if text[start : start + 1].isdigit() and text[start].isascii():
        return start + 1
    match = _VARIABLE_NAME.match(text, start)
    return match.end() if match else start


def _substitute_braced(
    text: str, dollar: int, variables: dict[str, str | None], escape: str, depth: int
) -> tuple[str, int]:
    name_start = dollar + 2
    name_end = _run_end(_BRACED_NAME, text, name_start)
    name = text[name_start:name_end]
    if not name:
        return "$", dollar + 1
    if text.startswith("}", name_end):
        return variables.get(name) or "", name_end + 1
    close = _matching_brace(text, name_end, escape)
    if close < 0:
        # Unclosed: BuildKit fails; keeping the rest as is also avoids rescanning it for every "${".
        return text[dollar:], len(text)
    operator, word = _split_operator(text[name_end:close])

    def expand_word() -> str:
        return _expand(word, variables, escape, depth + 1) if depth < _MAX_NESTING else word

    return _apply_operator(variables.get(name), operator, expand_word), close + 1


def _matching_brace(text: str, start: int, escape: str) -> int:
    _, brace_tokens = _patterns_for(escape)
    depth = 1
    for token in brace_tokens.finditer(text, start):
        if token.group() == "${":
            depth += 1
        elif token.group() == "}":
            depth -= 1
            if depth == 0:
                return token.start()
    return -1


def _split_operator(modifier: str) -> tuple[str, str]:
    for operator in _OPERATORS:
        if modifier.startswith(operator):
            return operator, modifier[len(operator) :]
    return "", modifier


def _apply_operator(value: str | None, operator: str, expand_word: Callable[[], str]) -> str:
    if operator in (":-", ":="):
        return value or expand_word()
    if operator in ("-", "="):
        return expand_word() if value is None else value
    if operator == ":+":
        return expand_word() if value else ""
    if operator == "+":
        return "" if value is None else expand_word()
    return value or ""
