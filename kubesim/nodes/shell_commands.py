"""The commands of kubesim's container shell (shell.py), one small function each, as busybox prints and exits.

Each command is `async def command(sh, args, io) -> status`: `sh` is the running shell (its variables, working
directory, the container's filesystem and context), `args` the words after the command name, `io` its stdin
(`Input`), stdout and stderr. Paths are the container's (container_fs.py); errors use busybox's wording, such as
"ls: /nope: No such file or directory" (status 1) or "touch: /etc/secret/x: Read-only file system".

`tar` is what `kubectl cp` needs: `tar cf - PATH` (names without their leading "/", as kubectl expects),
`tar -xmf - [-C DIR]` and `tar --no-same-permissions --no-same-owner -xmf -`, and `tail -c+N` for `cp --retries`.
"""

from __future__ import annotations

import asyncio
import io as bytes_io
import math
import posixpath
import re
import tarfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kubesim.nodes.container_fs import MAX_VOLUME_BYTES, NO_SPACE, FsError, Node

if TYPE_CHECKING:
    from kubesim.nodes.shell import Shell

SHELL_NAMES = frozenset(("sh", "ash", "bash", "dash", "zsh"))
# the shell's own commands: no program of that name exists to be run without a shell
BUILTINS = frozenset(("cd", "exit", "export", "unset", "read", "eval", "set", ".", "source", "exec", "shift"))
MAX_INPUT = MAX_VOLUME_BYTES + 1024 * 1024  # what a command reads of its stdin at most
KERNEL = "6.8.0-kubesim"
BUSYBOX = "BusyBox v1.36.1 (2024-06-10 07:11:47 UTC) multi-call binary."


class ExitShell(Exception):
    """`exit N`: the shell ends with that status."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class Input:
    """A command's stdin: the client's (line by line from a terminal, where end-of-file is only Ctrl-D on an empty
    line) or bytes from a pipe or a file."""

    def __init__(self, read: Callable[[], Awaitable[bytes | None]], terminal: bool = False) -> None:
        self._read, self.is_terminal = read, terminal
        self._buffer = b""
        self._ended = False

    @staticmethod
    def of(data: bytes) -> Input:
        chunks = [data]

        async def read() -> bytes | None:
            return chunks.pop() if chunks else None

        return Input(read)

    async def _more(self) -> bool:
        if self._ended:
            return False
        chunk = await self._read()
        if chunk is None:
            self._ended = not self.is_terminal  # a terminal's next read goes on after Ctrl-D
            return False
        if len(self._buffer) < MAX_INPUT:
            self._buffer += chunk
        return True

    async def read_all(self) -> bytes:
        while await self._more():
            pass
        data, self._buffer = self._buffer, b""
        return data

    async def readline(self) -> bytes | None:
        """The next line with its newline; the last one may have none; None at end-of-file."""
        while b"\n" not in self._buffer:
            if not await self._more():
                data, self._buffer = self._buffer, b""
                return data or None
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line + b"\n"


@dataclass
class Streams:
    stdin: Input
    out: Callable[[bytes], None]
    err: Callable[[bytes], None]


class PipeBuffer:
    """What a command writes into a pipe, for the next command to read (bounded like a full disk)."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._size = 0

    def write(self, data: bytes) -> None:
        if self._size + len(data) <= MAX_INPUT:
            self._chunks.append(data)
            self._size += len(data)

    def data(self) -> bytes:
        return b"".join(self._chunks)


def pipe_buffer() -> PipeBuffer:
    return PipeBuffer()


Command = Callable[["Shell", list[str], Streams], Awaitable[int]]
COMMANDS: dict[str, Command] = {}


def command(*names: str) -> Callable[[Command], Command]:
    def register(function: Command) -> Command:
        for name in names:
            COMMANDS[name] = function
        return function

    return register


def _flags(args: list[str], known: str, with_value: str = "") -> tuple[set[str], dict[str, str], list[str]]:
    """Short options (bundled: -rf), options taking a value (-n 5, -n5), and the operands after them."""
    flags: set[str] = set()
    values: dict[str, str] = {}
    rest = list(args)
    while rest and rest[0].startswith("-") and len(rest[0]) > 1 and rest[0] != "--":
        word = rest.pop(0)
        if word[1:].isdigit() and "n" in with_value:  # head -5
            values["n"] = word[1:]
            continue
        for index, letter in enumerate(word[1:], 1):
            if letter in with_value:
                values[letter] = word[index + 1 :] or (rest.pop(0) if rest else "")
                break
            if letter in known:
                flags.add(letter)
    if rest and rest[0] == "--":
        rest.pop(0)
    return flags, values, rest


def _fail(io: Streams, message: str) -> int:
    io.err(f"{message}\n".encode())
    return 1


async def _inputs(sh: Shell, name: str, paths: list[str], io: Streams) -> tuple[list[tuple[str, bytes]], int]:
    """The contents of the files a command reads (stdin for none or "-"), and 1 if one could not be read."""
    contents, status = [], 0
    for path in paths or ["-"]:
        if path == "-":
            contents.append((path, await io.stdin.read_all()))
            continue
        try:
            contents.append((path, b"" if path == "/dev/null" else sh.fs.read(sh.path(path))))
        except FsError as error:
            reason = "read error: Is a directory" if error.reason == "Is a directory" else None
            status = _fail(io, f"{name}: {reason}" if reason else f"{name}: can't open '{path}': {error.reason}")
    return contents, status


# -- output and text --------------------------------------------------------------------------------------------


_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "a": "\a", "b": "\b", "r": "\r", "v": "\v", "f": "\f", "e": "\x1b"}


def _unescaped(text: str) -> tuple[str, bool]:
    """echo -e's and printf's backslash escapes; True when \\c asked to stop there."""
    out, index = [], 0
    while index < len(text):
        char = text[index]
        if char != "\\" or index + 1 >= len(text):
            out.append(char)
            index += 1
            continue
        following = text[index + 1]
        if following == "c":
            return "".join(out), True
        if following == "0":
            digits = re.match(r"[0-7]{0,3}", text[index + 2 :])
            octal = digits.group(0) if digits else ""
            out.append(chr(int(octal or "0", 8)))
            index += 2 + len(octal)
            continue
        out.append(_ESCAPES.get(following, "\\" + following))
        index += 2
    return "".join(out), False


@command("echo")
async def echo(sh: Shell, args: list[str], io: Streams) -> int:
    newline, escapes = True, False
    while args and re.fullmatch(r"-[neE]+", args[0]):
        newline = newline and "n" not in args[0]
        escapes = "e" in args[0] or (escapes and "E" not in args[0])
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text, stop = _unescaped(text)
        newline = newline and not stop
    io.out((text + ("\n" if newline else "")).encode())
    return 0


_PRINTF_SPECS = re.compile(r"%([-+ #0]*\d{0,4}(?:\.\d{1,4})?)([sdibxXoc%])")  # bounded widths


@command("printf")
async def printf(sh: Shell, args: list[str], io: Streams) -> int:
    if not args:
        return _fail(io, "printf: usage: printf FORMAT [ARG]...")
    form, values = _unescaped(args[0])[0], list(args[1:])
    status = 0

    def convert(match: re.Match[str]) -> str:
        nonlocal status
        flags, kind = match.groups()
        if kind == "%":
            return "%"
        value = values.pop(0) if values else ""
        if kind in "dixXo":
            try:
                number = int(value or "0", 0)
            except ValueError:
                status = _fail(io, f"printf: invalid number '{value}'")
                number = 0
            return f"%{flags}{'d' if kind == 'i' else kind}" % number
        if kind == "b":
            return _unescaped(value)[0]
        return value[:1] if kind == "c" else f"%{flags}s" % value

    while True:
        before = len(values)
        io.out(_PRINTF_SPECS.sub(convert, form).encode())
        if not values or len(values) == before:
            return status


@command("cat")
async def cat(sh: Shell, args: list[str], io: Streams) -> int:
    _, _, paths = _flags(args, "uAetvn")
    contents, status = await _inputs(sh, "cat", paths, io)
    for _, data in contents:
        io.out(data)
    return status


@command("head", "tail")
async def head_or_tail(sh: Shell, args: list[str], io: Streams) -> int:
    name = "head" if sh.command_name == "head" else "tail"
    return await _slice(sh, name, args, io)


def _lines_of(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


async def _slice(sh: Shell, name: str, args: list[str], io: Streams) -> int:
    _, values, paths = _flags(args, "fqv", "nc")
    count_text = values.get("n", values.get("c", "10"))
    from_start = count_text.startswith("+")
    try:
        count = int(count_text.lstrip("+-"))
    except ValueError:
        return _fail(io, f"{name}: invalid number '{count_text}'")
    contents, status = await _inputs(sh, name, paths, io)
    for index, (path, data) in enumerate(contents):
        if len(contents) > 1:
            io.out(("\n" if index else "").encode() + f"==> {path} <==\n".encode())
        units: list[bytes] | bytes = data if "c" in values else _lines_of(data)
        if name == "head":
            chosen = units[:count]
        elif from_start:
            chosen = units[max(count - 1, 0) :]
        else:
            chosen = units[-count:] if count else units[:0]
        io.out(chosen if isinstance(chosen, bytes) else b"".join(chosen))
    return status


@command("wc")
async def wc(sh: Shell, args: list[str], io: Streams) -> int:
    flags, _, paths = _flags(args, "lwcm")
    flags = flags or {"l", "w", "c"}
    contents, status = await _inputs(sh, "wc", paths, io)
    for path, data in contents:
        counts = {
            "l": data.count(b"\n"),
            "w": len(data.split()),
            "c": len(data),
            "m": len(data.decode(errors="replace")),
        }
        numbers = [counts[letter] for letter in "lwmc" if letter in flags]
        text = str(numbers[0]) if len(numbers) == 1 else " ".join(f"{number:>7}" for number in numbers)
        io.out(f"{text}{'' if path == '-' else ' ' + path}\n".encode())
    return status


_BRE_SWAPS = {"\\(": "(", "\\)": ")", "\\|": "|", "\\{": "{", "\\}": "}", "\\+": "+", "\\?": "?"}


def _pattern(text: str, extended: bool, fixed: bool, ignore_case: bool) -> re.Pattern[str]:
    if fixed:
        source = re.escape(text)
    elif extended:
        source = text
    else:  # a basic regular expression: \( \) \| \{ \} \+ \? are the operators, bare ones are literal
        source = re.sub(r"\\[()|{}+?]|[()|{}+?]", lambda m: _BRE_SWAPS.get(m.group(0), "\\" + m.group(0)), text)
    return re.compile(source, re.IGNORECASE if ignore_case else 0)


@command("grep", "egrep", "fgrep")
async def grep(sh: Shell, args: list[str], io: Streams) -> int:
    flags, values, rest = _flags(args, "ivcqnlEFwxhsHr", "e")
    if "e" in values:
        pattern_text = values["e"]
    elif rest:
        pattern_text = rest.pop(0)
    else:
        return _fail(io, "grep: usage: grep [-ivcqnlEF] PATTERN [FILE]...") + 1
    try:
        pattern = _pattern(pattern_text, "E" in flags, "F" in flags, "i" in flags)
    except re.error:
        return _fail(io, f"grep: bad regex '{pattern_text}'") + 1
    contents, status = await _inputs(sh, "grep", rest, io)
    found = False
    for path, data in contents:
        count = 0
        for number, line in enumerate(data.decode(errors="replace").splitlines(), 1):
            match = pattern.fullmatch(line) if "x" in flags else pattern.search(line)
            if bool(match) == ("v" in flags):
                continue
            count += 1
            if "q" in flags or "c" in flags or "l" in flags:
                continue
            prefix = f"{path}:" if len(contents) > 1 and "h" not in flags else ""
            prefix += f"{number}:" if "n" in flags else ""
            io.out(f"{prefix}{line}\n".encode())
        found = found or count > 0
        if "c" in flags:
            io.out(f"{path + ':' if len(contents) > 1 else ''}{count}\n".encode())
        if "l" in flags and count:
            io.out(f"{path}\n".encode())
    if status:
        return 2
    return 0 if found else 1


@command("sort")
async def sort(sh: Shell, args: list[str], io: Streams) -> int:
    flags, _, paths = _flags(args, "rnu")
    contents, status = await _inputs(sh, "sort", paths, io)
    lines = [line for _, data in contents for line in data.decode(errors="replace").splitlines()]
    if "u" in flags:
        lines = list(dict.fromkeys(lines))

    def number(line: str) -> float:
        match = re.match(r"\s*-?\d+(\.\d+)?", line)
        return float(match.group(0)) if match else 0.0

    if "n" in flags:
        lines.sort(key=number, reverse="r" in flags)
    else:
        lines.sort(reverse="r" in flags)
    io.out("".join(line + "\n" for line in lines).encode())
    return status


@command("uniq")
async def uniq(sh: Shell, args: list[str], io: Streams) -> int:
    flags, _, paths = _flags(args, "cdu")
    contents, status = await _inputs(sh, "uniq", paths[:1], io)
    runs: list[tuple[str, int]] = []
    for line in (line for _, data in contents for line in data.decode(errors="replace").splitlines()):
        if runs and runs[-1][0] == line:
            runs[-1] = (line, runs[-1][1] + 1)
        else:
            runs.append((line, 1))
    for line, count in runs:
        if ("d" in flags and count < 2) or ("u" in flags and count > 1):
            continue
        io.out((f"{count:>7} {line}\n" if "c" in flags else f"{line}\n").encode())
    return status


@command("seq")
async def seq(sh: Shell, args: list[str], io: Streams) -> int:
    bad = next((arg for arg in args if not re.fullmatch(r"-?\d+", arg)), None)
    if bad is not None:
        return _fail(io, f"seq: invalid number '{bad}'")
    numbers = [int(arg) for arg in args]
    if len(numbers) == 1:
        numbers = [1, 1, numbers[0]]
    elif len(numbers) == 2:
        numbers = [numbers[0], 1, numbers[1]]
    if len(numbers) != 3 or numbers[1] == 0:
        return _fail(io, "seq: usage: seq [FIRST [INC]] LAST")
    first, step, last = numbers
    values = range(first, last + (1 if step > 0 else -1), step)
    io.out("".join(f"{value}\n" for value in values[:100_000]).encode())
    return 0


@command("basename")
async def basename(sh: Shell, args: list[str], io: Streams) -> int:
    if not args:
        return _fail(io, "basename: usage: basename FILE [SUFFIX]")
    name = posixpath.basename(args[0].rstrip("/")) or "/"
    if len(args) > 1 and name.endswith(args[1]) and name != args[1]:
        name = name[: -len(args[1])]
    io.out(f"{name}\n".encode())
    return 0


@command("dirname")
async def dirname(sh: Shell, args: list[str], io: Streams) -> int:
    if not args:
        return _fail(io, "dirname: usage: dirname FILENAME")
    io.out(f"{posixpath.dirname(args[0].rstrip('/')) or '.'}\n".encode())
    return 0


# -- files ------------------------------------------------------------------------------------------------------


def _mode_text(node: Node) -> str:
    letters = "d" if node.is_dir else "-"
    for shift in (6, 3, 0):
        bits = (node.mode >> shift) & 7
        letters += ("r" if bits & 4 else "-") + ("w" if bits & 2 else "-") + ("x" if bits & 1 else "-")
    if node.mode & 0o1000:
        letters = letters[:-1] + ("t" if letters[-1] == "x" else "T")
    return letters


def _long_line(name: str, node: Node) -> str:
    size = 4096 if node.is_dir else len(node.data)
    moment = time.gmtime(node.mtime)
    recent = abs(time.time() - node.mtime) < 182 * 86400
    when = time.strftime("%b %e %H:%M" if recent else "%b %e  %Y", moment)
    links = 2 if node.is_dir else 1
    return f"{_mode_text(node)} {links:>4} {'root':<8} {'root':<8} {size:>9} {when} {name}"


def _columns(names: list[str], width: int) -> str:
    """Names in columns down then across, as ls prints them to a terminal."""
    if not names:
        return ""
    column_width = max(len(name) for name in names) + 2
    per_row = max(1, width // column_width)
    rows = math.ceil(len(names) / per_row)
    lines = []
    for row in range(rows):
        cells = [names[index] for index in range(row, len(names), rows)]
        lines.append("".join(cell.ljust(column_width) for cell in cells[:-1]) + cells[-1])
    return "\n".join(lines) + "\n"


@command("ls")
async def ls(sh: Shell, args: list[str], io: Streams) -> int:
    flags, _, paths = _flags(args, "laA1dhFr")
    status = 0
    files: list[tuple[str, Node]] = []
    directories: list[str] = []
    for path in paths or ["."]:
        node = _existing_node(sh, path)
        if node is None:
            status = _fail(io, f"ls: {path}: No such file or directory")
        elif node.is_dir and "d" not in flags:
            directories.append(path)
        else:
            files.append((path, node))
    columns = sh.io.tty and io.out == sh.io.write_out and "1" not in flags
    _print_entries(sh, files, flags, io, columns)
    for index, directory in enumerate(directories):
        if len(paths) > 1:
            io.out(("\n" if files or index else "").encode() + f"{directory}:\n".encode())
        absolute = sh.path(directory)
        names = sh.fs.listdir(absolute)
        if "a" in flags:
            names = [".", "..", *names]
        elif "A" not in flags:
            names = [name for name in names if not name.startswith(".")]
        entries = [(name, sh.fs.node(sh.path(posixpath.join(absolute, name))) or Node(True)) for name in names]
        if "l" in flags:
            io.out(f"total {sum(math.ceil(len(node.data) / 4096) * 4 for _, node in entries)}\n".encode())
        _print_entries(sh, entries, flags, io, columns)
    return status


def _existing_node(sh: Shell, path: str) -> Node | None:
    try:
        return next(sh.fs.walk(sh.path(path)))[1]
    except FsError:
        return None


def _print_entries(sh: Shell, entries: list[tuple[str, Node]], flags: set[str], io: Streams, columns: bool) -> None:
    if "r" in flags:
        entries = entries[::-1]
    if "l" in flags:
        io.out("".join(_long_line(name, node) + "\n" for name, node in entries).encode())
        return
    names = [name + ("/" if "F" in flags and node.is_dir else "") for name, node in entries]
    if columns:
        size = sh.io.size()
        io.out(_columns(names, size[1] if size else 80).encode())
    else:
        io.out("".join(name + "\n" for name in names).encode())


@command("mkdir")
async def mkdir(sh: Shell, args: list[str], io: Streams) -> int:
    flags, _, paths = _flags(args, "pv", "m")
    if not paths:
        return _fail(io, "mkdir: usage: mkdir [-p] DIRECTORY...")
    status = 0
    for path in paths:
        try:
            sh.fs.mkdir(sh.path(path), parents="p" in flags)
        except FsError as error:
            status = _fail(io, f"mkdir: can't create directory '{path}': {error.reason}")
    return status


@command("rmdir")
async def rmdir(sh: Shell, args: list[str], io: Streams) -> int:
    status = 0
    for path in _flags(args, "p")[2]:
        try:
            sh.fs.rmdir(sh.path(path))
        except FsError as error:
            status = _fail(io, f"rmdir: '{path}': {error.reason}")
    return status


@command("touch")
async def touch(sh: Shell, args: list[str], io: Streams) -> int:
    _, _, paths = _flags(args, "acm", "dtr")
    if not paths:
        return _fail(io, "touch: usage: touch [-c] FILE...")
    status = 0
    for path in paths:
        try:
            sh.fs.touch(sh.path(path))
        except FsError as error:
            status = _fail(io, f"touch: {path}: {error.reason}")
    return status


@command("rm")
async def rm(sh: Shell, args: list[str], io: Streams) -> int:
    flags, _, paths = _flags(args, "rRfiv")
    status = 0
    for path in paths:
        node = _existing_node(sh, path)
        if node is None:
            if "f" not in flags:
                status = _fail(io, f"rm: can't remove '{path}': No such file or directory")
            continue
        if node.is_dir and not flags & {"r", "R"}:
            status = _fail(io, f"rm: '{path}' is a directory")
            continue
        try:
            sh.fs.remove(sh.path(path), recursive=True)
        except FsError as error:
            status = _fail(io, f"rm: can't remove '{error.path}': {error.reason}")
    return status


def _copy(sh: Shell, source: str, target: str) -> None:
    """Copy a file or a tree (the caller checked that directories may be copied)."""
    for path, node in list(sh.fs.walk(source)):
        destination = target + path[len(source) :]
        if node.is_dir:
            sh.fs.mkdir(destination, parents=True)
        else:
            sh.fs.write(destination, node.data)


async def _copy_or_move(sh: Shell, name: str, args: list[str], io: Streams) -> int:
    flags, _, paths = _flags(args, "rRapfdvniT")
    if len(paths) < 2:
        return _fail(io, f"{name}: usage: {name} SOURCE... DEST")
    *sources, target = paths
    into = sh.fs.is_dir(sh.path(target))
    if len(sources) > 1 and not into:
        return _fail(io, f"{name}: '{target}' is not a directory")
    status = 0
    for source in sources:
        node = _existing_node(sh, source)
        if node is None:
            verb = "stat" if name == "cp" else "rename"
            status = _fail(io, f"{name}: can't {verb} '{source}': No such file or directory")
            continue
        if node.is_dir and name == "cp" and not flags & {"r", "R", "a"}:
            status = _fail(io, f"cp: omitting directory '{source}'")
            continue
        absolute = sh.path(source)
        destination = sh.path(posixpath.join(target, posixpath.basename(absolute)) if into else target)
        if destination == absolute or destination.startswith(absolute + "/"):
            status = _fail(io, f"{name}: can't copy a directory into itself")
            continue
        try:
            _copy(sh, absolute, destination)
            if name == "mv":
                sh.fs.remove(absolute, recursive=True)
        except FsError as error:
            status = _fail(io, f"{name}: can't create '{error.path}': {error.reason}")
    return status


@command("cp")
async def cp(sh: Shell, args: list[str], io: Streams) -> int:
    return await _copy_or_move(sh, "cp", args, io)


@command("mv")
async def mv(sh: Shell, args: list[str], io: Streams) -> int:
    return await _copy_or_move(sh, "mv", args, io)


# -- the shell's own commands -----------------------------------------------------------------------------------


@command("cd")
async def cd(sh: Shell, args: list[str], io: Streams) -> int:
    target = args[0] if args else sh.variables.get("HOME", "/")
    if target == "-":
        target = sh.variables.get("OLDPWD", sh.cwd)
    path = sh.path(target)
    if not sh.fs.is_dir(path):
        reason = "Not a directory" if sh.fs.is_file(path) else "No such file or directory"
        if sh.name == "bash":
            return _fail(io, f"bash: cd: {target}: {reason}")
        _fail(io, f"{sh.name}: cd: can't cd to {target}: {reason}")
        return 2
    sh.variables["OLDPWD"], sh.cwd = sh.cwd, path
    sh.variables["PWD"] = path
    return 0


@command("pwd")
async def pwd(sh: Shell, args: list[str], io: Streams) -> int:
    io.out(f"{sh.cwd}\n".encode())
    return 0


@command("export")
async def export(sh: Shell, args: list[str], io: Streams) -> int:
    names = [arg for arg in args if arg != "-p"]
    if not names:
        for name in sorted(sh.exported):
            if name in sh.variables:
                io.out(f"export {name}='{sh.variables[name]}'\n".encode())
        return 0
    for word in names:
        name, equals, value = word.partition("=")
        if equals:
            sh.variables[name] = value
        sh.exported.add(name)
    return 0


@command("unset")
async def unset(sh: Shell, args: list[str], io: Streams) -> int:
    for name in (arg for arg in args if not arg.startswith("-")):
        sh.variables.pop(name, None)
        sh.exported.discard(name)
    return 0


@command("set")
async def set_(sh: Shell, args: list[str], io: Streams) -> int:
    if not args:
        io.out("".join(f"{name}='{value}'\n" for name, value in sorted(sh.variables.items())).encode())
    elif args[0] == "--":
        sh.args = args[1:]
    return 0  # options such as -e and -x are accepted and have no effect


@command("shift")
async def shift(sh: Shell, args: list[str], io: Streams) -> int:
    count = int(args[0]) if args and args[0].isdigit() else 1
    if count > len(sh.args):
        return 1
    sh.args = sh.args[count:]
    return 0


@command("read")
async def read(sh: Shell, args: list[str], io: Streams) -> int:
    _, values, names = _flags(args, "rs", "pt")
    if "p" in values:
        io.err(values["p"].encode())
    line = await io.stdin.readline()
    if line is None:
        return 1
    words = line.decode(errors="replace").rstrip("\n").split(None, max(len(names) - 1, 0)) if names else []
    for index, name in enumerate(names or ["REPLY"]):
        sh.variables[name] = words[index] if index < len(words) else ""
    return 0


@command("exit")
async def exit_(sh: Shell, args: list[str], io: Streams) -> int:
    if args and not re.fullmatch(r"-?\d+", args[0]):
        _fail(io, f"{sh.name}: exit: Illegal number: {args[0]}")
        raise ExitShell(2)
    raise ExitShell(int(args[0]) % 256 if args else sh.status)


@command("eval")
async def eval_(sh: Shell, args: list[str], io: Streams) -> int:
    from kubesim.nodes.shell import ShellSyntaxError, parse  # the evaluator runs the parsed text itself

    try:
        tree = parse(" ".join(args))
    except ShellSyntaxError as error:
        return _fail(io, f"{sh.name}: {error}") + 1
    return await sh.execute(tree, io)


@command(".", "source")
async def source(sh: Shell, args: list[str], io: Streams) -> int:
    from kubesim.nodes.shell import ShellSyntaxError, parse

    if not args:
        return _fail(io, f"{sh.name}: .: filename argument required") + 1
    try:
        tree = parse(sh.fs.read(sh.path(args[0])).decode(errors="replace"))
    except FsError as error:
        return _fail(io, f"{sh.name}: .: can't open '{args[0]}': {error.reason}") + 1
    except ShellSyntaxError as error:
        return _fail(io, f"{sh.name}: {error}") + 1
    return await sh.execute(tree, io)


@command("exec")
async def exec_(sh: Shell, args: list[str], io: Streams) -> int:
    if not args:
        return 0
    raise ExitShell(await sh.call(args, io))


@command("sh", "ash", "bash", "dash", "zsh")
async def shell(sh: Shell, args: list[str], io: Streams) -> int:
    """A shell: `-c SCRIPT [NAME [ARGS...]]`, a script file, or commands read from stdin."""
    name = sh.command_name or "sh"
    command_line = " ".join([name, *args])
    flags, values, rest = _flags(args, "eixlsuvo", "c")
    if "c" in values:
        child = sh.child(rest[0] if rest else name, rest[1:], command_line)
        return await child.run_script(values["c"], io)
    if rest and "s" not in flags:
        try:
            script = sh.fs.read(sh.path(rest[0])).decode(errors="replace")
        except FsError as error:
            return _fail(io, f"{name}: can't open '{rest[0]}': {error.reason}") + 1
        return await sh.child(rest[0], rest[1:], command_line).run_script(script, io)
    return await sh.child(name, rest, command_line).interact(io)


# -- the system -------------------------------------------------------------------------------------------------


@command("true", ":")
async def true(sh: Shell, args: list[str], io: Streams) -> int:
    return 0


@command("false")
async def false(sh: Shell, args: list[str], io: Streams) -> int:
    return 1


@command("env", "printenv")
async def env(sh: Shell, args: list[str], io: Streams) -> int:
    environment = sh.environment()
    if sh.command_name == "printenv":
        if not args:
            io.out("".join(f"{name}={value}\n" for name, value in environment.items()).encode())
            return 0
        for name in args:
            if name in environment:
                io.out(f"{environment[name]}\n".encode())
        return 0 if all(name in environment for name in args) else 1
    flags, _, rest = _flags(args, "i0")
    if "i" in flags:
        environment = {}
    while rest and "=" in rest[0] and not rest[0].startswith("="):
        name, _, value = rest.pop(0).partition("=")
        environment[name] = value
    if not rest:
        io.out("".join(f"{name}={value}\n" for name, value in environment.items()).encode())
        return 0
    child = sh.child(sh.name, sh.args)
    child.variables, child.exported = dict(environment), set(environment)
    return await child.call(rest, io)


@command("hostname")
async def hostname(sh: Shell, args: list[str], io: Streams) -> int:
    io.out(f"{sh.context.hostname}\n".encode())
    return 0


@command("date")
async def date(sh: Shell, args: list[str], io: Streams) -> int:
    formats = [arg[1:] for arg in args if arg.startswith("+")]
    io.out(f"{time.strftime(formats[0] if formats else '%a %b %e %H:%M:%S UTC %Y', time.gmtime())}\n".encode())
    return 0


@command("sleep")
async def sleep(sh: Shell, args: list[str], io: Streams) -> int:
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    total = 0.0
    for arg in args or [""]:
        if arg in ("inf", "infinity"):
            await asyncio.Event().wait()  # until the exec is cancelled
        match = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)([smhd]?)", arg)
        if match is None:
            return _fail(io, f"sleep: invalid number '{arg}'")
        total += float(match.group(1)) * units.get(match.group(2) or "s", 1)
    await asyncio.sleep(total)
    return 0


@command("id")
async def id_(sh: Shell, args: list[str], io: Streams) -> int:
    flags, _, _ = _flags(args, "ugnr")
    user = sh.context.user
    if "u" in flags or "g" in flags:
        number = user.uid if "u" in flags else user.gid
        io.out(f"{_account(number) if 'n' in flags else number}\n".encode())
    else:
        groups = ",".join(_with_name(group) for group in user.groups)
        io.out(f"uid={_with_name(user.uid)} gid={_with_name(user.gid)} groups={groups}\n".encode())
    return 0


def _account(number: int) -> str:
    """The name /etc/passwd gives a uid or gid: only root's is known, as in an image that adds no users."""
    return "root" if number == 0 else str(number)


def _with_name(number: int) -> str:
    return f"{number}(root)" if number == 0 else str(number)


@command("whoami")
async def whoami(sh: Shell, args: list[str], io: Streams) -> int:
    uid = sh.context.user.uid
    if uid != 0:
        return _fail(io, f"whoami: unknown uid {uid}")
    io.out(b"root\n")
    return 0


@command("uname")
async def uname(sh: Shell, args: list[str], io: Streams) -> int:
    flags, _, _ = _flags(args, "asnrvmpio")
    parts = {"s": "Linux", "n": sh.context.hostname, "r": KERNEL, "v": "#1 SMP PREEMPT_DYNAMIC", "m": "x86_64"}
    chosen = "snrvm" if "a" in flags else "".join(letter for letter in "snrvm" if letter in flags) or "s"
    words = [parts[letter] for letter in chosen] + (["GNU/Linux"] if "a" in flags or "o" in flags else [])
    io.out((" ".join(words) + "\n").encode())
    return 0


@command("ps")
async def ps(sh: Shell, args: list[str], io: Streams) -> int:
    rows = [(1, " ".join(sh.context.main_argv) or "/pause")]
    chain = []
    shell_: Shell | None = sh
    while shell_ is not None:
        if shell_.command_line:
            chain.append((shell_.pid, shell_.command_line))
        shell_ = shell_.parent
    rows += [*chain[::-1], (sh.pid + 1, " ".join(["ps", *args]))]
    lines = ["PID   USER     TIME  COMMAND", *(f"{pid:>5} {'root':<8} {'0:00':>5} {line}" for pid, line in rows)]
    io.out(("\n".join(lines) + "\n").encode())
    return 0


@command("kill")
async def kill(sh: Shell, args: list[str], io: Streams) -> int:
    return 0  # signals to other processes are not modelled


@command("stty")
async def stty(sh: Shell, args: list[str], io: Streams) -> int:
    size = sh.io.size() if sh.io.tty else None
    if not sh.io.tty:
        return _fail(io, "stty: standard input: Not a tty")
    if args[:1] == ["size"]:
        rows, cols = size or (24, 80)
        io.out(f"{rows} {cols}\n".encode())
    return 0


@command("clear")
async def clear(sh: Shell, args: list[str], io: Streams) -> int:
    io.out(b"\x1b[H\x1b[J")
    return 0


@command("which")
async def which(sh: Shell, args: list[str], io: Streams) -> int:
    status = 0
    for name in args:
        known = (name in COMMANDS and name not in BUILTINS and name not in SHELL_NAMES) or name in sh.context.shells
        if known:
            io.out(f"/bin/{name}\n".encode())
        else:
            status = 1
    return status


# -- the network ------------------------------------------------------------------------------------------------


def _progress(tool: str, line: str) -> bool:
    """Whether a line a network tool printed goes to stderr (its progress and its errors)."""
    if tool == "wget":
        return line.startswith(("Connecting to ", "saving to ", "wget: ", "'")) or line.endswith("saved")
    return tool == "curl" and line.startswith("curl: (")


@command("nslookup", "wget", "curl")
async def network_tool(sh: Shell, args: list[str], io: Streams) -> int:
    name = sh.command_name or "wget"
    tools = sh.context.tools
    if tools is None:
        return _fail(io, f"{name}: network is unreachable")
    status, lines = tools(name, args)
    for line in lines:
        (io.err if _progress(name, line) else io.out)(f"{line}\n".encode())
    saved = next((line[len("saving to '") : -1] for line in lines if line.startswith("saving to '")), None)
    if name == "wget" and status == 0 and saved is not None:
        url = [arg for arg in args if not arg.startswith("-")][-1]
        body_status, body = tools("wget", ["-q", "-O", "-", url])
        try:
            sh.fs.write(sh.path(_wget_target(args) or saved), "".join(f"{line}\n" for line in body).encode())
        except FsError as error:
            return _fail(io, f"wget: can't open '{saved}': {error.reason}")
        return body_status
    return status


def _wget_target(args: list[str]) -> str | None:
    """The file of wget's -O FILE (or -OFILE), when it is not stdout."""
    for index, arg in enumerate(args):
        if arg.startswith("-") and not arg.startswith("--") and "O" in arg:
            value = arg[arg.index("O") + 1 :] or (args[index + 1] if index + 1 < len(args) else "")
            return None if value == "-" else value
    return None


# -- test -------------------------------------------------------------------------------------------------------


@command("test", "[")
async def test(sh: Shell, args: list[str], io: Streams) -> int:
    name = sh.command_name or "test"
    if name == "[":
        if not args or args[-1] != "]":
            return _fail(io, f"{sh.name}: [: missing ]") + 1
        args = args[:-1]
    try:
        return 0 if _test(sh, args) else 1
    except ValueError as error:
        return _fail(io, f"{sh.name}: {name}: {error}") + 1


def _test(sh: Shell, args: list[str]) -> bool:
    if "-o" in args:
        index = args.index("-o")
        return _test(sh, args[:index]) or _test(sh, args[index + 1 :])
    if "-a" in args[1:]:
        index = args.index("-a", 1)
        return _test(sh, args[:index]) and _test(sh, args[index + 1 :])
    if args and args[0] == "!":
        return not _test(sh, args[1:])
    if not args:
        return False
    if len(args) == 1:
        return args[0] != ""
    if len(args) == 2:
        return _unary(sh, args[0], args[1])
    if len(args) == 3:
        return _binary(args[0], args[1], args[2])
    raise ValueError("too many arguments")


def _unary(sh: Shell, test: str, operand: str) -> bool:
    if test == "-z":
        return operand == ""
    if test == "-n":
        return operand != ""
    node = _existing_node(sh, operand) if operand else None
    checks = {
        "-e": node is not None,
        "-f": node is not None and not node.is_dir,
        "-d": node is not None and node.is_dir,
        "-s": node is not None and not node.is_dir and len(node.data) > 0,
        "-r": node is not None,
        "-w": node is not None and not sh.fs.read_only(sh.path(operand)),
        "-x": node is not None and bool(node.mode & 0o111),
        "-L": False,
        "-h": False,
    }
    if test not in checks:
        raise ValueError(f"{test}: unary operator expected")
    return checks[test]


def _binary(left: str, test: str, right: str) -> bool:
    if test in ("=", "=="):
        return left == right
    if test == "!=":
        return left != right
    numeric = {"-eq": int.__eq__, "-ne": int.__ne__, "-lt": int.__lt__, "-le": int.__le__, "-gt": int.__gt__}
    numeric["-ge"] = int.__ge__
    if test not in numeric:
        raise ValueError(f"{test}: binary operator expected")
    try:
        return bool(numeric[test](int(left), int(right)))
    except ValueError:
        raise ValueError("bad number") from None


# -- tar --------------------------------------------------------------------------------------------------------


@dataclass
class _TarOptions:
    mode: str = ""  # c, x or t
    archive: str = "-"
    directory: str = ""
    verbose: bool = False
    gzip: bool = False
    to_stdout: bool = False
    members: tuple[str, ...] = ()


def _tar_options(args: list[str]) -> _TarOptions | str:
    """tar's options in any of their spellings (cf, -xmf, --file=-, -C DIR); a message when they are wrong."""
    options = _TarOptions()
    words = list(args)
    if words and not words[0].startswith("-"):
        words[0] = "-" + words[0]  # the old style: tar cf - PATH
    members = []
    while words:
        word = words.pop(0)
        if word.startswith("--"):
            name, _, value = word[2:].partition("=")
            if name in ("file", "directory"):
                value = value or (words.pop(0) if words else "")
                setattr(options, "archive" if name == "file" else "directory", value)
            elif name in ("create", "extract", "list"):
                options.mode = name[0] if name != "list" else "t"
            elif name in ("verbose", "gzip", "to-stdout"):
                setattr(options, name.replace("-", "_") if name != "gzip" else "gzip", True)
            elif name not in ("no-same-permissions", "no-same-owner", "same-owner", "one-file-system", "touch"):
                return f"tar: unrecognized option '{word}'"
        elif word.startswith("-") and len(word) > 1:
            letters = word[1:]
            for index, letter in enumerate(letters):
                if letter in "fC":
                    value = letters[index + 1 :] or (words.pop(0) if words else "")
                    setattr(options, "archive" if letter == "f" else "directory", value)
                    break
                if letter in "cxt":
                    options.mode = letter
                elif letter == "v":
                    options.verbose = True
                elif letter == "z":
                    options.gzip = True
                elif letter == "O":
                    options.to_stdout = True
                elif letter not in "mopkhj":
                    return f"tar: invalid option -- '{letter}'"
        else:
            members.append(word)
    options.members = tuple(members)
    if not options.mode:
        return "tar: must specify one of -c, -x, -t"
    return options


@command("tar")
async def tar(sh: Shell, args: list[str], io: Streams) -> int:
    options = _tar_options(args)
    if isinstance(options, str):
        return _fail(io, options)
    base = sh.path(options.directory) if options.directory else sh.cwd
    if options.directory and not sh.fs.is_dir(base):
        return _fail(io, f"tar: can't change directory to '{options.directory}': No such file or directory")
    if options.mode == "c":
        return _tar_create(sh, options, base, io)
    if options.archive == "-":
        data = await io.stdin.read_all()
    else:
        try:
            data = sh.fs.read(sh.path(options.archive))
        except FsError as error:
            return _fail(io, f"tar: can't open '{options.archive}': {error.reason}")
    if not data:
        return _fail(io, "tar: short read")
    try:
        with tarfile.open(fileobj=bytes_io.BytesIO(data), mode="r:*") as archive:
            members = archive.getmembers()
            if options.mode == "t":
                for member in members:
                    name = member.name + ("/" if member.isdir() else "")
                    io.out(f"{_listing(member, name) if options.verbose else name}\n".encode())
                return 0
            return _tar_extract(sh, archive, members, options, base, io)
    except (tarfile.TarError, EOFError, OSError):
        return _fail(io, "tar: invalid tar magic")


def _listing(member: tarfile.TarInfo, name: str) -> str:
    kind = "d" if member.isdir() else "-"
    bits = "".join(
        ("r" if member.mode & (4 << shift) else "-")
        + ("w" if member.mode & (2 << shift) else "-")
        + ("x" if member.mode & (1 << shift) else "-")
        for shift in (6, 3, 0)
    )
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(member.mtime))
    return f"{kind}{bits} {member.uname or 'root'}/{member.gname or 'root'} {member.size:>9} {when} {name}"


def _tar_create(sh: Shell, options: _TarOptions, base: str, io: Streams) -> int:
    if not options.members:
        return _fail(io, "tar: empty archive")
    buffer = bytes_io.BytesIO()
    status, warned = 0, False
    with tarfile.open(fileobj=buffer, mode="w:gz" if options.gzip else "w", format=tarfile.GNU_FORMAT) as archive:
        for member in options.members:
            source = sh.fs.absolute(member, base)
            try:
                entries = list(sh.fs.walk(source))
            except FsError as error:
                status = _fail(io, f"tar: {member}: {error.reason}")
                continue
            if member.startswith("/") and not warned:
                io.err(b"tar: removing leading '/' from member names\n")
                warned = True
            name = posixpath.normpath(member).lstrip("/") or "."
            for path, node in entries:
                entry = name + path[len(source) :] if path != source else name
                _add(archive, entry, node)
                if options.verbose:
                    (io.err if options.archive == "-" else io.out)(f"{entry}{'/' if node.is_dir else ''}\n".encode())
    data = buffer.getvalue()
    if options.archive == "-":
        io.out(data)
    else:
        try:
            sh.fs.write(sh.path(options.archive), data)
        except FsError as error:
            return _fail(io, f"tar: can't open '{options.archive}': {error.reason}")
    return status


def _add(archive: tarfile.TarFile, name: str, node: Node) -> None:
    info = tarfile.TarInfo(name)
    info.mode, info.mtime, info.uname, info.gname = node.mode & 0o7777, int(node.mtime), "root", "root"
    if node.is_dir:
        info.type = tarfile.DIRTYPE
        archive.addfile(info)
    else:
        info.size = len(node.data)
        archive.addfile(info, bytes_io.BytesIO(node.data))


def _tar_extract(
    sh: Shell, archive: tarfile.TarFile, members: list[tarfile.TarInfo], options: _TarOptions, base: str, io: Streams
) -> int:
    for member in members:
        name = "/".join(part for part in member.name.split("/") if part not in ("", ".", ".."))
        if options.verbose and not options.to_stdout:
            io.out(f"{member.name}{'/' if member.isdir() else ''}\n".encode())
        if not name or not (member.isdir() or member.isfile()):
            continue  # links and devices are not modelled
        target = sh.fs.absolute(name, base)
        try:
            if member.isdir():
                sh.fs.mkdir(target, parents=True)
                continue
            if member.size > MAX_VOLUME_BYTES:  # checked before reading: a compressed archive may say anything
                raise FsError(target, NO_SPACE)
            content = archive.extractfile(member)
            data = content.read() if content is not None else b""
            if options.to_stdout:
                io.out(data)
                continue
            sh.fs.mkdir(posixpath.dirname(target), parents=True)
            sh.fs.write(target, data)
        except FsError as error:
            return _fail(io, f"tar: can't open '{name}': {error.reason}")
        except (tarfile.TarError, EOFError, OSError):
            return _fail(io, "tar: short read")
    return 0
