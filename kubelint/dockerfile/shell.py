"""Read the shell commands a RUN instruction runs, with where each one is written.

This is a reader for lint rules, not a shell: it splits a script into simple commands on `&&`,
`||`, `;`, `|`, `&`, newlines and `( ... )`, honours quotes and backslashes, and leaves expansions
(`$VAR`, `$(...)`, backquotes, `<(...)`) as written inside the words. It reads into the script of
`sh -c "..."` (in either form of RUN) and into BuildKit heredocs that a shell runs (`RUN <<EOF`,
`RUN bash <<EOF`). It never raises and reads every character a bounded number of times.

Positions are 1-based. A command's span is the span of its first word (after wrappers such as
`sudo` or `env` and variable assignments); inside a quoted `sh -c` script, positions are exact as
long as the script holds no escape sequence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from posixpath import basename

from kubelint.dockerfile.parser import Heredoc, Instruction
from kubelint.findings import Span

__all__ = [
    "SHELLS",
    "ShellCommand",
    "is_shell",
    "pipelines",
    "reads_script_from_stdin",
    "run_commands",
]

SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"})
_INTERPRETER = re.compile(r"(?:python[0-9.]*|perl|ruby|node|nodejs|php[0-9.]*)")
# Options by which an interpreter runs code given on the command line rather than from stdin.
_INLINE_CODE_OPTIONS = frozenset({"-c", "-e", "-E", "-m", "-r", "-p", "--eval", "--print"})

# Words that run the command after them: (options that take a value, whether NAME=value may follow).
_WRAPPERS: dict[str, tuple[frozenset[str], bool]] = {
    "sudo": (frozenset({"-u", "-g", "-p", "-C", "-U", "-r", "-t", "-D", "-R", "-T", "-h", "--user", "--group"}), True),
    "env": (frozenset({"-u", "-C", "--unset", "--chdir"}), True),
    "exec": (frozenset({"-a"}), False),
    "command": (frozenset(), False),
    "time": (frozenset({"-f", "-o", "--format", "--output"}), False),
    "nice": (frozenset({"-n", "--adjustment"}), False),
}
_RESERVED_WORDS = frozenset({"!", "{", "}", "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "esac"})
# A command starting with these is a loop or case header, not something that runs.
_COMPOUND_HEADERS = frozenset({"for", "case", "select", "function"})
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=")
_SHELL_OPTIONS_WITH_VALUE = frozenset({"-o", "+o", "-O", "+O"})

_REDIRECT = re.compile(r"[0-9]*(?:&>>|&>|<<<|<<-|<<|>>|>&|<&|>\||<>|>|<)")
_OPERATOR = re.compile(r"&&|\|\||;;|\|&|[;|&()]")
# Most of a script is blanks, plain words and && or ;, read in one match; the rest goes the slow way.
_FAST_TOKEN = re.compile(
    r"[ \t\r\f\v]+|(&&|\|\||;;|\|&|;|\||&(?!>)|[()])"
    r"|([^ \t\r\f\v\n'\"\\$`;&|()<>#0-9][^ \t\r\f\v\n'\"\\$`;&|()<>]*)(?=[ \t\r\f\v\n;&|()<>]|$)"
)
_PLAIN = {
    True: re.compile(r"[^ \t\r\f\v\n'\"\\$`;&|()<>]+"),
    False: re.compile(r"[^ \t\r\f\v\n'\"$;&|()<>]+"),
}
_DOUBLE_QUOTED_PLAIN = {True: re.compile(r'[^"\\$`]+'), False: re.compile(r'[^"$]+')}
_MAX_DEPTH = 4
_CACHE_SIZE = 4096
_CACHE: dict[int, tuple[Instruction, list[list[ShellCommand]]]] = {}

Locate = Callable[[int], tuple[int, int]]


@dataclass(slots=True)
class ShellCommand:
    """One simple command: its argv without wrappers, and the span of each word.

    ``redirects`` holds (operator, target) pairs such as (">", "/tmp/out") or ("<<", "EOF").
    """

    words: list[str]
    span: Span
    word_spans: list[Span] = field(default_factory=list)
    redirects: list[tuple[str, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The command's basename: "apt-get" for both apt-get and /usr/bin/apt-get."""
        return basename(self.words[0]) if self.words else ""


def run_commands(instruction: Instruction) -> list[ShellCommand]:
    """Every simple command of a RUN (or ONBUILD RUN), in order; [] for any other instruction."""
    return [command for pipeline in pipelines(instruction) for command in pipeline]


def pipelines(instruction: Instruction) -> list[list[ShellCommand]]:
    """The RUN's commands grouped by `|`: a command that is not piped is a pipeline of one.

    Every rule reads the same RUNs, so the commands are kept for the instructions seen last: treat
    the ShellCommands as read-only.
    """
    cached = _CACHE.get(id(instruction))
    if cached is None or cached[0] is not instruction:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        cached = _CACHE[id(instruction)] = (instruction, _read_pipelines(instruction))
    return [list(pipeline) for pipeline in cached[1]]


def _read_pipelines(instruction: Instruction) -> list[list[ShellCommand]]:
    text = instruction.arguments
    if instruction.keyword == "RUN" and instruction.json_form:
        return _json_form_pipelines(instruction)
    if instruction.keyword == "ONBUILD" and instruction.words and instruction.words[0].value.upper() == "RUN":
        # Blank the trigger's keyword out rather than cut it, so that offsets still match the words' spans.
        keyword_length = len(instruction.words[0].value)
        text = " " * keyword_length + text[keyword_length:]
    elif instruction.keyword != "RUN":
        return []
    backslash = instruction.escape == "\\"
    heredocs = {heredoc.delimiter: heredoc for heredoc in instruction.heredocs}
    return _Script(text, _argument_locator(instruction), backslash, heredocs, 0).pipelines()


def is_shell(word: str) -> bool:
    return basename(word) in SHELLS


def reads_script_from_stdin(words: list[str]) -> bool:
    """Whether a shell or script interpreter (python, perl, node, ...) runs what it reads on stdin."""
    if not words:
        return False
    name = basename(words[0])
    if name in SHELLS:
        return _shell_reads_stdin(words)
    if not _INTERPRETER.fullmatch(name):
        return False
    for word in words[1:]:
        if word.split("=")[0] in _INLINE_CODE_OPTIONS:
            return False
        if word == "-" or not word.startswith("-"):
            return word == "-"
    return True


def _shell_reads_stdin(words: list[str]) -> bool:
    options, operand = _shell_options(words)
    if _has_command_option(options):
        return False
    return operand >= len(words) or words[operand] == "-" or "-s" in options


def _has_command_option(options: list[str]) -> bool:
    """Whether a shell's options hold -c, alone or in a cluster such as -ec or -lc."""
    return any(option.startswith("-") and not option.startswith("--") and "c" in option[1:] for option in options)


def _shell_options(words: list[str]) -> tuple[list[str], int]:
    """A shell's options and the index of its first operand (the script file, or -c's script)."""
    options: list[str] = []
    index = 1
    while index < len(words):
        word = words[index]
        if word == "--":
            return options, index + 1
        if word in _SHELL_OPTIONS_WITH_VALUE:
            index += 2
            continue
        if len(word) < 2 or word[0] not in "-+":
            break
        options.append(word)
        index += 1
    return options, index


def _inline_script_index(words: list[str]) -> int | None:
    """Where the script of `sh -c SCRIPT` is in words, if words run a shell that way."""
    if not words or basename(words[0]) not in SHELLS:
        return None
    options, operand = _shell_options(words)
    return operand if _has_command_option(options) and operand < len(words) else None


def _skip_prefixes(words: list[str]) -> int:
    """The index of the word a command line actually runs, past assignments, wrappers and `if`-like words."""
    index = 0
    while index < len(words):
        word = words[index]
        if word in _RESERVED_WORDS or _ASSIGNMENT.match(word):
            index += 1
            continue
        wrapper = _WRAPPERS.get(basename(word))
        following = words[index + 1] if index + 1 < len(words) else ""
        # `command -v tool` asks where a tool is: it runs nothing.
        if wrapper is None or (word == "command" and following.startswith(("-v", "-V"))):
            return index
        index = _skip_wrapper_options(words, index + 1, *wrapper)
    return index


def _skip_wrapper_options(words: list[str], index: int, with_value: frozenset[str], assignments: bool) -> int:
    while index < len(words):
        word = words[index]
        if word == "--":
            return index + 1
        if word.startswith("-") and word != "-":
            index += 2 if word in with_value else 1
        elif assignments and _ASSIGNMENT.match(word):
            index += 1
        else:
            return index
    return index


# Where things are


def _argument_locator(instruction: Instruction) -> Locate:
    """Map offsets in a shell-form instruction's arguments to lines and columns through its words' spans."""
    arguments = instruction.arguments
    starts: list[int] = []
    spans: list[Span] = []
    ends: list[int] = []
    position = 0
    for word in instruction.words:
        found = arguments.find(word.value, position)
        if found < 0:
            break
        starts.append(found)
        spans.append(word.span)
        position = found + len(word.value)
        ends.append(position)
    fallback = instruction.keyword_span

    def locate(offset: int) -> tuple[int, int]:
        index = bisect_right(starts, offset) - 1
        if index < 0:
            return fallback.line, fallback.column
        span = spans[index]
        if span.line == span.end_line:
            return span.line, span.column + offset - starts[index]
        # A word broken by a line continuation: its last piece starts a line of its own.
        from_end = ends[index] - offset
        if span.end_column - from_end >= 1:
            return span.end_line, span.end_column - from_end
        return span.line, span.column + offset - starts[index]

    return locate


def _text_locator(text: str, line: int, column: int) -> Locate:
    line_starts = [0]
    line_starts.extend(match.end() for match in re.finditer("\n", text))

    def locate(offset: int) -> tuple[int, int]:
        index = bisect_right(line_starts, offset) - 1
        start_column = column if index == 0 else 1
        return line + index, start_column + offset - line_starts[index]

    return locate


def _nested_locator(outer: Locate, start: int, end: int) -> Locate:
    """Offsets in a script that sits at [start, end) of an outer text; a quote before it is skipped."""
    last = max(start, end - 1)
    return lambda offset: outer(min(start + offset, last))


def _json_string_locator(span: Span) -> Locate:
    """Offsets in a decoded JSON string, mapped past its opening quote; escapes such as \\n shift them."""
    last = max(span.column + 1, span.end_column - 2)
    return lambda offset: (span.line, min(span.column + 1 + offset, last))


def _heredoc_locator(heredoc: Heredoc) -> Locate:
    return _text_locator(heredoc.content, heredoc.span.line, 1)


def _json_form_pipelines(instruction: Instruction) -> list[list[ShellCommand]]:
    values = [word.value for word in instruction.words]
    first = _skip_prefixes(values)
    argv = instruction.words[first:]
    if not argv:
        return []
    script_index = _inline_script_index(values[first:])
    if script_index is not None:
        script = argv[script_index]
        return _Script(script.value, _json_string_locator(script.span), True, {}, 1).pipelines()
    command = ShellCommand([word.value for word in argv], argv[0].span, [word.span for word in argv])
    return [[command]]


# Reading a script


@dataclass(slots=True)
class _Token:
    kind: str  # "word", "operator" or "redirect"
    text: str  # a word without its quotes, or the operator as written
    start: int
    end: int


@dataclass(slots=True)
class _RawCommand:
    words: list[_Token] = field(default_factory=list)
    redirects: list[tuple[str, _Token]] = field(default_factory=list)


class _Script:
    def __init__(self, text: str, locate: Locate, backslash: bool, heredocs: dict[str, Heredoc], depth: int) -> None:
        self.text = text
        self.locate = locate
        self.backslash = backslash
        self.heredocs = heredocs
        self.depth = depth

    def pipelines(self) -> list[list[ShellCommand]]:
        result: list[list[ShellCommand]] = []
        pipeline: list[_RawCommand] = []
        command = _RawCommand()
        redirect: str | None = None
        open_parentheses = 0
        for token in _Tokenizer(self.text, self.backslash).tokens():
            if token.kind == "word":
                if redirect is None:
                    command.words.append(token)
                else:
                    command.redirects.append((redirect, token))
                    redirect = None
                continue
            if token.kind == "redirect":
                redirect = token.text.lstrip("0123456789")
                continue
            redirect = None
            if token.text in ("|", "|&"):
                pipeline.append(command)
                command = _RawCommand()
                continue
            if token.text == "(":
                # Words before "(" name a function being defined; a subshell only opens a command.
                command.words.clear()
                open_parentheses += 1
            elif token.text == ")":
                if open_parentheses == 0:
                    command.words.clear()  # a case pattern such as "amd64)"
                open_parentheses = max(0, open_parentheses - 1)
            pipeline.append(command)
            result.extend(self._finish(pipeline))
            pipeline, command = [], _RawCommand()
        pipeline.append(command)
        result.extend(self._finish(pipeline))
        return result

    def _finish(self, raw_pipeline: list[_RawCommand]) -> list[list[ShellCommand]]:
        argvs = [self._argv(raw) for raw in raw_pipeline]
        if len(raw_pipeline) == 1:
            nested = self._nested_script(raw_pipeline[0], argvs[0])
            if nested is not None:
                return nested
        commands = [self._command(raw, argv) for raw, argv in zip(raw_pipeline, argvs, strict=True) if argv]
        return [commands] if commands else []

    def _argv(self, raw: _RawCommand) -> list[_Token]:
        values = [token.text for token in raw.words]
        first = _skip_prefixes(values)
        if first < len(values) and values[first] in _COMPOUND_HEADERS:
            return []
        return raw.words[first:]

    def _span(self, token: _Token) -> Span:
        line, column = self.locate(token.start)
        end_line, end_column = self.locate(max(token.start, token.end - 1))
        return Span(line, column, end_line, end_column + 1)

    def _command(self, raw: _RawCommand, argv: list[_Token]) -> ShellCommand:
        spans = [self._span(token) for token in argv]
        redirects = [(operator, target.text) for operator, target in raw.redirects]
        return ShellCommand([token.text for token in argv], spans[0], spans, redirects)

    def _nested_script(self, raw: _RawCommand, argv: list[_Token]) -> list[list[ShellCommand]] | None:
        """The pipelines of the script a command runs: `sh -c SCRIPT`, or a heredoc fed to a shell."""
        if self.depth >= _MAX_DEPTH:
            return None
        values = [token.text for token in argv]
        script_index = _inline_script_index(values)
        if script_index is not None:
            script = argv[script_index]
            quoted = self.text[script.start : script.start + 1] in ("'", '"')
            locate = _nested_locator(self.locate, script.start + quoted, script.end)
            return _Script(script.text, locate, self.backslash, {}, self.depth + 1).pipelines()
        heredoc = self._heredoc_script(raw, values)
        if heredoc is None:
            return None
        return _Script(heredoc.content, _heredoc_locator(heredoc), self.backslash, {}, self.depth + 1).pipelines()

    def _heredoc_script(self, raw: _RawCommand, argv: list[str]) -> Heredoc | None:
        fed = next(
            (self.heredocs.get(target.text) for operator, target in raw.redirects if operator in ("<<", "<<-")),
            None,
        )
        if fed is None:
            return None
        if not argv:
            return fed if _shebang_is_a_shell(fed.content) else None
        return fed if is_shell(argv[0]) and reads_script_from_stdin(argv) else None


def _shebang_is_a_shell(script: str) -> bool:
    """BuildKit runs a heredoc that starts with #! with that interpreter, and any other with the shell."""
    if not script.startswith("#!"):
        return True
    words = script[2 : script.find("\n") if "\n" in script else len(script)].split()
    if words and basename(words[0]) == "env":
        words = [word for word in words[1:] if not word.startswith("-")]
    return bool(words) and is_shell(words[0])


class _Tokenizer:
    def __init__(self, text: str, backslash: bool) -> None:
        self.text = text
        self.backslash = backslash
        self.plain = _PLAIN[backslash]
        self.double_quoted_plain = _DOUBLE_QUOTED_PLAIN[backslash]

    def tokens(self) -> list[_Token]:
        text, length = self.text, len(self.text)
        tokens: list[_Token] = []
        pending_heredocs: list[tuple[str, bool]] = []
        position = 0
        fast = _FAST_TOKEN.match
        while position < length:
            match = fast(text, position)
            if match is not None:
                operator, word = match.group(1, 2)
                if operator:
                    tokens.append(_Token("operator", operator, position, match.end()))
                elif word:
                    self._add_word(tokens, word, position, match.end(), pending_heredocs)
                position = match.end()
                continue
            character = text[position]
            if self.backslash and text.startswith("\\\n", position):
                position += 2
            elif character == "\n":
                tokens.append(_Token("operator", "\n", position, position + 1))
                position = self._skip_heredoc_bodies(position + 1, pending_heredocs)
                pending_heredocs.clear()
            elif character == "#":
                newline = text.find("\n", position)
                position = length if newline < 0 else newline
            else:
                position = self._token(position, tokens, pending_heredocs)
        return tokens

    def _token(self, position: int, tokens: list[_Token], pending_heredocs: list[tuple[str, bool]]) -> int:
        text = self.text
        if not text.startswith(("<(", ">("), position):
            match = _REDIRECT.match(text, position) or _OPERATOR.match(text, position)
            if match:
                kind = "operator" if match.re is _OPERATOR else "redirect"
                tokens.append(_Token(kind, match.group(), position, match.end()))
                return match.end()
        end, value = self._word(position)
        if end == position:  # a lone character no rule above takes, such as an unmatched quote at the end
            end, value = position + 1, text[position]
        self._add_word(tokens, value, position, end, pending_heredocs)
        return end

    @staticmethod
    def _add_word(
        tokens: list[_Token], value: str, start: int, end: int, pending_heredocs: list[tuple[str, bool]]
    ) -> None:
        operator = tokens[-1].text.lstrip("0123456789") if tokens and tokens[-1].kind == "redirect" else ""
        if operator in ("<<", "<<-"):
            pending_heredocs.append((value, operator == "<<-"))
        tokens.append(_Token("word", value, start, end))

    def _skip_heredoc_bodies(self, position: int, heredocs: list[tuple[str, bool]]) -> int:
        text = self.text
        for delimiter, strip_tabs in heredocs:
            while position < len(text):
                newline = text.find("\n", position)
                line_end = len(text) if newline < 0 else newline
                line = text[position:line_end]
                position = line_end + 1
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    break
        return min(position, len(text))

    def _word(self, position: int) -> tuple[int, str]:
        text, length = self.text, len(self.text)
        parts: list[str] = []
        if text.startswith(("<(", ">("), position):
            end = self._group_end(position + 1, "(", ")")
            parts.append(text[position:end])
            position = end
        while position < length:
            match = self.plain.match(text, position)
            if match:
                parts.append(match.group())
                position = match.end()
                continue
            character = text[position]
            if character == "'":
                position = self._single_quoted(position + 1, parts)
            elif character == '"':
                position = self._double_quoted(position + 1, parts)
            elif character == "\\" and self.backslash:
                following = text[position + 1 : position + 2]
                parts.append("" if following == "\n" else following)
                position += 2
            elif character == "$" or (character == "`" and self.backslash):
                position = self._expansion(position, parts)
            else:
                break
        return min(position, length), "".join(parts)

    def _single_quoted(self, position: int, parts: list[str]) -> int:
        close = self.text.find("'", position)
        close = len(self.text) if close < 0 else close
        parts.append(self.text[position:close])
        return close + 1

    def _double_quoted(self, position: int, parts: list[str]) -> int:
        text, length = self.text, len(self.text)
        while position < length:
            match = self.double_quoted_plain.match(text, position)
            if match:
                parts.append(match.group())
                position = match.end()
                continue
            character = text[position]
            if character == '"':
                return position + 1
            if character == "\\":
                following = text[position + 1 : position + 2]
                if following == "\n":
                    position += 2
                elif following in ('"', "\\", "$", "`"):
                    parts.append(following)
                    position += 2
                else:
                    parts.append("\\")
                    position += 1
            else:
                position = self._expansion(position, parts)
        return length

    def _expansion(self, position: int, parts: list[str]) -> int:
        """Keep $(...), ${...}, $'...' and `...` as written: rules look into them, the reader does not."""
        text = self.text
        following = text[position + 1 : position + 2]
        if text[position] == "`":
            end = self._backquote_end(position + 1)
        elif following == "(":
            end = self._group_end(position + 1, "(", ")")
        elif following == "{":
            end = self._group_end(position + 1, "{", "}")
        elif following == "'":
            return self._single_quoted(position + 2, parts)
        else:
            end = position + 1
        parts.append(text[position:end])
        return end

    def _backquote_end(self, position: int) -> int:
        text = self.text
        while position < len(text):
            character = text[position]
            if character == "`":
                return position + 1
            position += 2 if character == "\\" else 1
        return len(text)

    def _group_end(self, position: int, opening: str, closing: str) -> int:
        """Just past the bracket that closes the one at position; quotes inside are skipped whole."""
        text, length = self.text, len(self.text)
        depth = 0
        while position < length:
            character = text[position]
            if character == opening:
                depth += 1
            elif character == closing:
                depth -= 1
                if depth == 0:
                    return position + 1
            elif character == "'":
                close = text.find("'", position + 1)
                position = length if close < 0 else close
            elif character == '"':
                position = self._double_quote_end(position + 1) - 1
            elif character == "\\" and self.backslash:
                position += 1
            position += 1
        return length

    def _double_quote_end(self, position: int) -> int:
        text = self.text
        while position < len(text):
            character = text[position]
            if character == '"':
                return position + 1
            position += 2 if character == "\\" and self.backslash else 1
        return len(text)
