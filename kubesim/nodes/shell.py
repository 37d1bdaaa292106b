"""The shell that `kubectl exec` runs in a simulated container: an instant busybox-flavoured `sh`, `ash` and `bash`.

`run_command(argv, context, io)` runs one exec request's command line in a container and returns its exit
status. The container (`ShellContext`, made by `exec_context`) brings its environment (container_fs.py's
`container_env`), its filesystem (`ContainerFilesystem`), its hostname and namespace, the network as its programs
reach it (network.py's `Network.tool`: `nslookup`, `wget`, `curl`), its main process's command line (for `ps`) and
which shells its image carries (images.py). `io` is the client's end of the exec (`ExecIO`): stdin as it arrives,
stdout, stderr, whether it is a terminal and the terminal's latest size.

As a container runtime does, the command line runs as it is, with no shell in between: `env` prints the
environment, `sh -c 'exit 3'` runs the script and exits 3, `ash` with no script reads commands from stdin (with a
prompt such as `/ # ` on a terminal) until `exit` or end-of-file. A program the image does not have (any at all in
a distroless image, `bash` in busybox) raises `NotFoundInPath`, which the exec handler reports as the runtime
does; inside a shell, it is `sh: NAME: not found` and status 127.

The language is a useful subset of POSIX sh: words with single and double quotes and backslashes, `$VAR`,
`${VAR}`, `${VAR:-default}`, `$?`, `$#`, `$1`..., `$(command)`, `` `command` ``, `$((arithmetic))`, `~`, globs
(`/config/*`), assignments (`X=1`, `X=1 command`), pipes, `;`, `&&`, `||`, `!`, `&` (run in place: there are no
background jobs), redirections (`<`, `>`, `>>`, `2>&1`, `>&2`, `2>/dev/null`), `if`/`elif`/`else`, `for`, `while`
and `until`, `{ ...; }` and `( ... )`. Every command is instant except `sleep`, which waits real seconds, and
reading stdin; each loop iteration yields to the event loop, so a runaway loop can be cancelled (the client
leaving, Ctrl-C), and stops by itself after `MAX_ITERATIONS`. The commands are in shell_commands.py.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import fnmatch
import itertools
import operator
import posixpath
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from kubesim.nodes.container_fs import (
    NO_ENTRY,
    PROGRAM_MAGIC,
    ContainerFilesystem,
    Filesystems,
    FsError,
    container_env,
    expand_references,
    hostname,
)
from kubesim.nodes.images import ImagePullError, InvalidImageName, resolve
from kubesim.nodes.processes import Process, Tools
from kubesim.nodes.shell_commands import BUILTINS, COMMANDS, SHELL_NAMES, ExitShell, Input, Streams, pipe_buffer
from kubesim.store.store import Store

Obj = dict[str, Any]
INTERRUPTED = 130  # 128 + SIGINT: the status of a command stopped with Ctrl-C
MAX_ITERATIONS = 100_000  # per loop: a script that loops for longer is stopped
MAX_DEPTH = 50  # nested shells and command substitutions
KEYWORDS = frozenset(("if", "then", "elif", "else", "fi", "for", "in", "do", "done", "while", "until", "{", "}", "!"))
_ENDINGS = frozenset(("then", "elif", "else", "fi", "do", "done", "}"))
_OPERATORS = ("&&", "||", ";;", ">>", ">&", "<&", ";", "&", "|", "<", ">", "(", ")", "\n")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
T = TypeVar("T")
_PIDS = itertools.count(7)  # PID 1 is the container's main process


class NotFoundInPath(Exception):
    """The program an exec request names is not in the container: the runtime's "executable file not found"."""

    def __init__(self, name: str) -> None:
        super().__init__(f'exec: "{name}": executable file not found in $PATH')
        self.name = name


class ExecIO(Protocol):
    """The client's end of an exec: stdin (None at end-of-file), stdout and stderr, and its terminal if any."""

    tty: bool

    async def read(self) -> bytes | None: ...

    def write_out(self, data: bytes) -> None: ...

    def write_err(self, data: bytes) -> None: ...

    def size(self) -> tuple[int, int] | None: ...

    @property
    def interrupted(self) -> asyncio.Event:
        """Set by Ctrl-C on the terminal; whoever stops the running command for it clears it."""
        ...


@dataclass(frozen=True)
class User:
    uid: int
    gid: int
    groups: tuple[int, ...]


ROOT = User(0, 0, (0,))


@dataclass
class ShellContext:
    """What a command run in a container works with."""

    env: dict[str, str]
    filesystem: ContainerFilesystem
    hostname: str
    namespace: str
    tools: Tools | None = None  # the network: (nslookup|wget|curl, args) -> (status, lines)
    shells: frozenset[str] = frozenset(("sh", "ash"))  # the image's shells; none: no utilities at all
    main_argv: tuple[str, ...] = ()  # PID 1
    working_dir: str = "/"
    user: User = ROOT


def user_of(pod: Obj, container: Obj) -> User:
    """Who the container's processes run as: runAsUser and runAsGroup (the container's over the pod's), with
    fsGroup and supplementalGroups as further groups."""
    pod_context = (pod.get("spec") or {}).get("securityContext") or {}
    own = container.get("securityContext") or {}
    uid = int(own.get("runAsUser", pod_context.get("runAsUser", 0)) or 0)
    gid = int(own.get("runAsGroup", pod_context.get("runAsGroup", 0)) or 0)
    extra = [pod_context.get("fsGroup"), *(pod_context.get("supplementalGroups") or [])]
    return User(uid, gid, tuple(sorted({gid, *(int(group) for group in extra if group is not None)})))


def exec_context(
    store: Store,
    filesystems: Filesystems,
    tools: Tools | None,
    pod: Obj,
    container: Obj,
    container_id: str,
    elapsed: float = 0.0,
) -> ShellContext:
    """The context of a command run by `kubectl exec` in a running container of a pod, `elapsed` simulated
    seconds after it started: the files its main process's script made by then are there (processes.py)."""
    filesystem = filesystems.of(store, pod, container, container_id)
    try:
        image = resolve(str(container.get("image") or "")).image
        process = Process.of(container, image)
        shells, argv = image.shells, process.argv
        filesystem.replay(process.script.files, elapsed)
    except (InvalidImageName, ImagePullError):
        shells, argv = frozenset(), ()
    env = {**container_env(store, pod, container)}
    argv = tuple(expand_references(argv, env))
    env.setdefault("HOME", "/root")  # the runtime sets it from the user's entry in /etc/passwd
    return ShellContext(
        env,
        filesystem,
        hostname(pod),
        pod["metadata"].get("namespace") or "default",
        tools,
        shells,
        tuple(argv),
        str(container.get("workingDir") or "/"),
        user_of(pod, container),
    )


async def run_command(argv: list[str], context: ShellContext, io: ExecIO) -> int:
    """Run an exec request's command line in the container; its exit status. Raises NotFoundInPath."""
    if not argv or not context.shells or not _exists(argv[0], context):
        raise NotFoundInPath(argv[0] if argv else "")
    env = dict(context.env)
    if io.tty:
        env.setdefault("TERM", "xterm")  # what the runtime adds for a terminal
    shell = Shell(context, io, env, cwd=_working_dir(context))
    streams = Streams(Input(io.read, terminal=io.tty), io.write_out, io.write_err)
    try:
        if reads_commands(argv):  # an interactive shell stops each command on Ctrl-C, and goes on
            return await shell.call(list(argv), streams)
        return await interruptible(io, shell.call(list(argv), streams))
    except ExitShell as exit_:
        return exit_.status
    except Interrupted:
        return INTERRUPTED


class Interrupted(Exception):
    """Ctrl-C stopped the command."""


async def interruptible(io: ExecIO, work: Coroutine[Any, Any, T]) -> T:
    """The result of `work`; raises Interrupted when Ctrl-C comes first (the work is then cancelled)."""
    task = asyncio.ensure_future(work)
    interrupt = asyncio.ensure_future(io.interrupted.wait())
    try:
        await asyncio.wait({task, interrupt}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            return task.result()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        io.interrupted.clear()
        raise Interrupted
    finally:
        interrupt.cancel()
        if not task.done():
            task.cancel()


def reads_commands(argv: list[str]) -> bool:
    """Whether the command line is a shell that reads its commands from stdin (no -c, no script file)."""
    return posixpath.basename(argv[0]) in SHELL_NAMES and all(arg.startswith("-") and arg != "-c" for arg in argv[1:])


def _exists(program: str, context: ShellContext) -> bool:
    name = posixpath.basename(program)
    if name in SHELL_NAMES:
        return name in context.shells
    path = ContainerFilesystem.absolute(program, _working_dir(context))
    return (name in COMMANDS and name not in BUILTINS) or ("/" in program and context.filesystem.is_file(path))


def _working_dir(context: ShellContext) -> str:
    path = ContainerFilesystem.absolute(context.working_dir)
    return path if context.filesystem.is_dir(path) else "/"


# -- words and tokens -------------------------------------------------------------------------------------------

LITERAL, BARE, DOUBLE = "literal", "bare", "double"  # quoted text, unquoted text, text in double quotes


@dataclass(frozen=True)
class Word:
    """A word as written: parts that are expanded (or not) according to their quoting."""

    parts: tuple[tuple[str, str], ...]

    @property
    def plain(self) -> str | None:
        """The word when it is plain unquoted text (a keyword, a name), else None."""
        if len(self.parts) == 1 and self.parts[0][0] == BARE:
            return self.parts[0][1]
        return None


@dataclass(frozen=True)
class Operator:
    text: str
    fd: int | None = None  # 2 in `2>&1`


Token = Word | Operator


class ShellSyntaxError(Exception):
    """sh's "syntax error: ..."."""


class Incomplete(ShellSyntaxError):
    """The text ends in the middle of a command (an open quote, `if` without `fi`): more lines may finish it."""


def tokenize(text: str) -> list[Token]:
    """Split a script into words and operators, keeping each word's quoting for expansion."""
    tokens: list[Token] = []
    parts: list[tuple[str, str]] = []
    started = False
    index = 0

    def add(kind: str, piece: str) -> None:
        nonlocal started
        started = True
        if parts and parts[-1][0] == kind and kind != LITERAL:
            parts[-1] = (kind, parts[-1][1] + piece)
        else:
            parts.append((kind, piece))

    def end_word() -> None:
        nonlocal started
        if started:
            tokens.append(Word(tuple(parts)))
        parts.clear()
        started = False

    while index < len(text):
        char = text[index]
        if char in " \t":
            end_word()
            index += 1
        elif char == "#" and not started:
            while index < len(text) and text[index] != "\n":
                index += 1
        elif char == "\\":
            if text[index + 1 : index + 2] == "\n":  # a line continuation
                index += 2
                continue
            add(LITERAL, text[index + 1 : index + 2])
            index += 2
        elif char == "'":
            close = text.find("'", index + 1)
            if close < 0:
                raise Incomplete("unterminated quoted string")
            add(LITERAL, text[index + 1 : close])
            index = close + 1
        elif char == '"':
            index = _double_quoted(text, index + 1, add)
        elif char == "$" or char == "`":
            end = _expansion_end(text, index)
            add(BARE, text[index:end])
            index = end
        elif (operator_ := _operator_at(text, index)) is not None:
            fd = None
            if operator_ in ("<", ">", ">>", ">&", "<&") and len(parts) == 1 and _is_fd(parts[0]):
                fd = int(parts[0][1])
                parts.clear()
                started = False
            end_word()
            tokens.append(Operator(operator_, fd))
            index += len(operator_)
        else:
            add(BARE, char)
            index += 1
    end_word()
    return tokens


def _is_fd(part: tuple[str, str]) -> bool:
    return part[0] == BARE and part[1].isdigit()


def _operator_at(text: str, index: int) -> str | None:
    for candidate in _OPERATORS:
        if text.startswith(candidate, index):
            return candidate
    return None


def _double_quoted(text: str, index: int, add: Callable[[str, str], None]) -> int:
    """Scan a double-quoted string from after its opening quote; returns the index after its closing quote."""
    add(DOUBLE, "")
    while index < len(text):
        char = text[index]
        if char == '"':
            return index + 1
        if char == "\\" and text[index + 1 : index + 2] in ('"', "\\", "$", "`", "\n"):
            escaped = text[index + 1]
            if escaped != "\n":
                add(LITERAL, escaped)
                add(DOUBLE, "")
            index += 2
        elif char in "$`":
            end = _expansion_end(text, index)
            add(DOUBLE, text[index:end])
            index = end
        else:
            add(DOUBLE, char)
            index += 1
    raise Incomplete("unterminated quoted string")


def _expansion_end(text: str, index: int) -> int:
    """The end of the `$...` or backquoted expansion starting at index (nested parentheses and quotes kept)."""
    if text[index] == "`":
        close = text.find("`", index + 1)
        if close < 0:
            raise Incomplete("unterminated backquote")
        return close + 1
    following = text[index + 1 : index + 2]
    if following == "{":
        close = text.find("}", index + 2)
        if close < 0:
            raise Incomplete("missing }")
        return close + 1
    if following == "(":
        depth, position, quote = 0, index + 1, ""
        while position < len(text):
            char = text[position]
            if quote:
                quote = "" if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    return position + 1
            position += 1
        raise Incomplete("missing )")
    match = _NAME.match(text, index + 1)
    if match:
        return match.end()
    return index + 2 if following and following in "?$#!@*-0123456789" else index + 1


# -- the tree -----------------------------------------------------------------------------------------------------


@dataclass
class Redirect:
    fd: int
    operator: str
    target: Word


@dataclass
class Simple:
    assignments: list[tuple[str, Word]] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class Sequence:
    items: list[Any]  # AndOr nodes


@dataclass
class AndOr:
    first: Any
    rest: list[tuple[str, Any]]  # ("&&" | "||", Pipeline)


@dataclass
class Pipeline:
    commands: list[Any]
    negated: bool = False


@dataclass
class If:
    branches: list[tuple[Sequence, Sequence]]
    otherwise: Sequence | None


@dataclass
class For:
    name: str
    items: list[Word] | None  # None: "$@"
    body: Sequence


@dataclass
class While:
    condition: Sequence
    body: Sequence
    until: bool


@dataclass
class Group:
    body: Sequence
    subshell: bool


@dataclass
class Redirected:
    command: Any  # a compound command
    redirects: list[Redirect]


class Parser:
    """A recursive-descent parser of the token list into the tree above."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens, self.position = tokens, 0

    def parse(self) -> Sequence:
        sequence = self.sequence()
        if self.position < len(self.tokens):
            raise ShellSyntaxError(f"syntax error: unexpected {_describe(self.tokens[self.position])}")
        return sequence

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def keyword(self) -> str | None:
        token = self.peek()
        return token.plain if isinstance(token, Word) and token.plain in KEYWORDS else None

    def operator(self) -> str | None:
        token = self.peek()
        return token.text if isinstance(token, Operator) else None

    def expect(self, keyword: str) -> None:
        self.skip_newlines()
        if self.keyword() != keyword:
            token = self.peek()
            if token is None:
                raise Incomplete(f'syntax error: unexpected end of file (expecting "{keyword}")')
            raise ShellSyntaxError(f'syntax error: unexpected {_describe(token)} (expecting "{keyword}")')
        self.position += 1

    def skip_newlines(self) -> None:
        while self.operator() == "\n":
            self.position += 1

    def sequence(self) -> Sequence:
        items: list[AndOr] = []
        while True:
            while self.operator() in (";", "&", "\n"):
                self.position += 1
            if self.peek() is None or self.keyword() in _ENDINGS or self.operator() == ")":
                return Sequence(items)
            items.append(self.and_or())
            token = self.peek()
            separated = token is None or self.operator() in (";", "&", "\n", ")") or self.keyword() in _ENDINGS
            if not separated:
                raise ShellSyntaxError(f"syntax error: unexpected {_describe(token)}")  # type: ignore[arg-type]

    def and_or(self) -> AndOr:
        first = self.pipeline()
        rest = []
        while self.operator() in ("&&", "||"):
            joiner = self.operator() or ""
            self.position += 1
            self.skip_newlines()
            rest.append((joiner, self.pipeline()))
        return AndOr(first, rest)

    def pipeline(self) -> Pipeline:
        negated = self.keyword() == "!"
        if negated:
            self.position += 1
        commands = [self.command()]
        while self.operator() == "|":
            self.position += 1
            self.skip_newlines()
            commands.append(self.command())
        return Pipeline(commands, negated)

    def command(self) -> Any:
        keyword = self.keyword()
        compound: Any = None
        if keyword == "if":
            compound = self.if_clause()
        elif keyword == "for":
            compound = self.for_clause()
        elif keyword in ("while", "until"):
            self.position += 1
            condition = self.sequence()
            self.expect("do")
            body = self.sequence()
            self.expect("done")
            compound = While(condition, body, keyword == "until")
        elif keyword == "{":
            self.position += 1
            body = self.sequence()
            self.expect("}")
            compound = Group(body, subshell=False)
        elif self.operator() == "(":
            self.position += 1
            body = self.sequence()
            if self.operator() != ")":
                raise Incomplete("syntax error: missing )")
            self.position += 1
            compound = Group(body, subshell=True)
        if compound is None:
            return self.simple()
        redirects = self.redirects()
        return Redirected(compound, redirects) if redirects else compound

    def if_clause(self) -> If:
        self.position += 1
        branches = []
        condition = self.sequence()
        self.expect("then")
        branches.append((condition, self.sequence()))
        otherwise = None
        while self.keyword() == "elif":
            self.position += 1
            condition = self.sequence()
            self.expect("then")
            branches.append((condition, self.sequence()))
        if self.keyword() == "else":
            self.position += 1
            otherwise = self.sequence()
        self.expect("fi")
        return If(branches, otherwise)

    def for_clause(self) -> For:
        self.position += 1
        token = self.peek()
        name = token.plain if isinstance(token, Word) else None
        if name is None or not _NAME.fullmatch(name):
            raise (Incomplete if token is None else ShellSyntaxError)("syntax error: bad for loop variable")
        self.position += 1
        items: list[Word] | None = None
        self.skip_newlines()
        if self.keyword() == "in":
            self.position += 1
            items = []
            while isinstance(self.peek(), Word) and self.keyword() != "do":
                items.append(self.tokens[self.position])  # type: ignore[arg-type]
                self.position += 1
        while self.operator() in (";", "\n"):
            self.position += 1
        self.expect("do")
        body = self.sequence()
        self.expect("done")
        return For(name, items, body)

    def redirects(self) -> list[Redirect]:
        redirects = []
        while self.operator() in ("<", ">", ">>", ">&", "<&"):
            redirects.append(self.redirect())
        return redirects

    def redirect(self) -> Redirect:
        token = self.tokens[self.position]
        assert isinstance(token, Operator)
        self.position += 1
        target = self.peek()
        if not isinstance(target, Word):
            if target is None:
                raise Incomplete("syntax error: unexpected newline")
            raise ShellSyntaxError(f"syntax error: unexpected {_describe(target)}")
        self.position += 1
        default_fd = 0 if token.text in ("<", "<&") else 1
        return Redirect(default_fd if token.fd is None else token.fd, token.text, target)

    def simple(self) -> Simple:
        command = Simple()
        while True:
            token = self.peek()
            if isinstance(token, Word):
                assignment = _assignment(token) if not command.words else None
                if assignment is not None:
                    command.assignments.append(assignment)
                else:
                    command.words.append(token)
                self.position += 1
            elif isinstance(token, Operator) and token.text in ("<", ">", ">>", ">&", "<&"):
                command.redirects.append(self.redirect())
            else:
                break
        if not (command.words or command.assignments or command.redirects):
            if token is None:
                raise Incomplete("syntax error: unexpected end of file")
            raise ShellSyntaxError(f"syntax error: unexpected {_describe(token)}")
        return command


def _assignment(word: Word) -> tuple[str, Word] | None:
    """NAME=value as an assignment: the name, and the value as a word."""
    kind, first = word.parts[0]
    name, equals, rest = first.partition("=")
    if kind != BARE or not equals or not _NAME.fullmatch(name):
        return None
    parts = ((BARE, rest), *word.parts[1:]) if rest else word.parts[1:]
    return name, Word(tuple(parts) or ((LITERAL, ""),))


def _describe(token: Token) -> str:
    if isinstance(token, Operator):
        return "newline" if token.text == "\n" else f'"{token.text}"'
    return f'"{token.plain if token.plain is not None else "word"}"'


def parse(text: str) -> Sequence:
    try:
        return Parser(tokenize(text)).parse()
    except RecursionError:
        raise ShellSyntaxError("syntax error: nested too deeply") from None


# -- running it -------------------------------------------------------------------------------------------------


class Shell:
    """One shell process: its variables (the exported ones are its children's environment), its working
    directory and last status, over the container's context."""

    def __init__(
        self,
        context: ShellContext,
        io: ExecIO,
        env: dict[str, str],
        cwd: str = "/",
        name: str = "sh",
        args: list[str] | None = None,
        depth: int = 0,
    ) -> None:
        self.context, self.io, self.fs = context, io, context.filesystem
        self.variables = dict(env)
        self.exported = set(env)
        self.cwd, self.name, self.args, self.depth = cwd, name, list(args or []), depth
        self.status = 0
        self.pid = next(_PIDS)
        self.scoped: dict[str, str] = {}  # the assignments before the command being run (X=1 command)
        self.command_name = ""  # the name the running command was called by (grep or egrep, head or tail)
        self.parent: Shell | None = None
        self.command_line = ""  # for a shell started as a command: how, as ps shows it

    # -- the pieces commands use --

    def path(self, path: str) -> str:
        return self.fs.absolute(path, self.cwd)

    def environment(self) -> dict[str, str]:
        """The environment a command started now gets."""
        exported = {name: value for name, value in self.variables.items() if name in self.exported}
        return {**exported, **self.scoped}

    def child(self, name: str, args: list[str], command_line: str = "") -> Shell:
        """A shell started from this one: it inherits the environment and the working directory."""
        if self.depth >= MAX_DEPTH:
            raise ExitShell(2)
        child = Shell(self.context, self.io, self.environment(), self.cwd, name, args, self.depth + 1)
        child.parent, child.command_line = self, command_line
        return child

    # -- scripts --

    async def run_script(self, text: str, streams: Streams) -> int:
        """Run a whole script (sh -c, a file, eval); `exit` in it ends it."""
        try:
            tree = parse(text)
        except ShellSyntaxError as error:
            streams.err(f"{self.name}: {error}\n".encode())
            return 2
        try:
            return await self.execute(tree, streams)
        except ExitShell as exit_:
            return exit_.status
        except ShellSyntaxError as error:  # a bad expansion ends a script
            streams.err(f"{self.name}: {error}\n".encode())
            return 2

    async def interact(self, streams: Streams) -> int:
        """Read commands from stdin, line by line, running each as soon as it is complete (with a prompt on a
        terminal), until `exit` or end-of-file."""
        pending = ""
        while True:
            if self.io.tty and streams.stdin.is_terminal:
                streams.out(self._prompt(continued=bool(pending)).encode())
            try:
                line = await interruptible(self.io, streams.stdin.readline())
            except Interrupted:
                pending = ""  # Ctrl-C at the prompt drops the line and prompts again
                continue
            if line is None:
                return self.status
            pending += line.decode(errors="replace")
            try:
                tree = parse(pending)
            except Incomplete:
                continue
            except ShellSyntaxError as error:
                streams.err(f"{self.name}: {error}\n".encode())
                self.status, pending = 2, ""
                continue
            pending = ""
            try:
                await interruptible(self.io, self.execute(tree, streams))
            except Interrupted:
                self.status = INTERRUPTED
            except ExitShell as exit_:
                return exit_.status
            except ShellSyntaxError as error:
                streams.err(f"{self.name}: {error}\n".encode())
                self.status = 2

    def _prompt(self, continued: bool) -> str:
        if continued:
            return "> "
        home = self.variables.get("HOME", "/root")
        where = "~" + self.cwd[len(home) :] if self.cwd == home or self.cwd.startswith(home + "/") else self.cwd
        if self.name == "bash":
            return f"root@{self.context.hostname}:{where}# "
        return f"{where} # "

    # -- the tree --

    async def execute(self, node: Any, streams: Streams) -> int:
        if isinstance(node, Sequence):
            for item in node.items:
                await self.execute(item, streams)
            return self.status
        if isinstance(node, AndOr):
            await self.execute(node.first, streams)
            for joiner, pipeline in node.rest:
                if (joiner == "&&") == (self.status == 0):
                    await self.execute(pipeline, streams)
            return self.status
        if isinstance(node, Pipeline):
            status = await self._pipeline(node.commands, streams)
            self.status = (0 if status else 1) if node.negated else status
            return self.status
        if isinstance(node, Redirected):
            redirected = await self._redirected(node.redirects, streams)
            if redirected is not None:
                self.status = await self.execute(node.command, redirected)
            return self.status
        if isinstance(node, Simple):
            self.status = await self._simple(node, streams)
            return self.status
        self.status = await self._compound(node, streams)
        return self.status

    async def _compound(self, node: Any, streams: Streams) -> int:
        if isinstance(node, If):
            for condition, body in node.branches:
                if await self.execute(condition, streams) == 0:
                    return await self.execute(body, streams)
            return await self.execute(node.otherwise, streams) if node.otherwise is not None else 0
        if isinstance(node, For):
            items = self.args if node.items is None else [f for word in node.items for f in await self.expand(word)]
            self.status = 0
            for item in items[:MAX_ITERATIONS]:
                await asyncio.sleep(0)
                self.variables[node.name] = item
                await self.execute(node.body, streams)
            return self.status
        if isinstance(node, While):
            return await self._loop(node, streams)
        if isinstance(node, Group) and node.subshell:
            child = Shell(self.context, self.io, {}, self.cwd, self.name, self.args, self.depth + 1)
            child.variables, child.exported = dict(self.variables), set(self.exported)
            try:
                return await child.execute(node.body, streams)
            except ExitShell as exit_:
                return exit_.status
        assert isinstance(node, Group)
        return await self.execute(node.body, streams)

    async def _loop(self, node: While, streams: Streams) -> int:
        status = 0
        for _ in range(MAX_ITERATIONS):
            await asyncio.sleep(0)  # a loop never holds the event loop
            if (await self.execute(node.condition, streams) == 0) == node.until:
                self.status = status
                return status
            status = await self.execute(node.body, streams)
        streams.err(f"{self.name}: loop stopped after {MAX_ITERATIONS} iterations\n".encode())
        return 1

    async def _pipeline(self, commands: list[Any], streams: Streams) -> int:
        """Run each command of a pipe in turn, the output of one the input of the next (commands are instant,
        so nothing is lost by not running them side by side)."""
        stdin = streams.stdin
        status = 0
        for index, command in enumerate(commands):
            last = index == len(commands) - 1
            captured = pipe_buffer()
            stage = Streams(stdin, streams.out if last else captured.write, streams.err)
            status = await self.execute(command, stage)
            stdin = Input.of(captured.data())
        return status

    async def _simple(self, command: Simple, streams: Streams) -> int:
        argv = [field_ for word in command.words for field_ in await self.expand(word)]
        values = [(name, "".join(await self.expand(value, split=False))) for name, value in command.assignments]
        redirected = await self._redirected(command.redirects, streams)
        if redirected is None:
            return 1
        if not argv:
            self.variables.update(values)
            return 0
        self.scoped = dict(values)
        try:
            return await self.call(argv, redirected)
        finally:
            self.scoped = {}

    async def call(self, argv: list[str], streams: Streams) -> int:
        """Run one command with its arguments (a command of the table, a shell, or a script file)."""
        await asyncio.sleep(0)
        name = posixpath.basename(argv[0])
        if name in SHELL_NAMES and name not in self.context.shells:
            return self._not_found(argv[0], streams)
        command = COMMANDS.get(name)
        if command is not None:
            self.command_name = name
            return await command(self, argv[1:], streams)
        if "/" in argv[0] and self.fs.is_file(self.path(argv[0])):
            content = self.fs.read(self.path(argv[0]))
            if content.startswith(PROGRAM_MAGIC):  # an image's own binary, such as /kuard: not modelled here
                streams.err(f"{argv[0]}: kubesim does not run this program from a shell\n".encode())
                return 126
            return await self.child(self.name, argv[1:]).run_script(content.decode(errors="replace"), streams)
        return self._not_found(argv[0], streams)

    def _not_found(self, program: str, streams: Streams) -> int:
        if self.name == "bash":
            streams.err(f"bash: {program}: command not found\n".encode())
        else:
            streams.err(f"{self.name}: {program}: not found\n".encode())
        return 127

    async def _redirected(self, redirects: list[Redirect], streams: Streams) -> Streams | None:
        """The streams with the redirections applied, left to right; None (after saying why) when one fails."""
        outputs: dict[int, Callable[[bytes], None]] = {1: streams.out, 2: streams.err}
        stdin = streams.stdin
        for redirect in redirects:
            target = "".join(await self.expand(redirect.target, split=False))
            if redirect.operator in (">&", "<&"):
                if target == "-" or not target.isdigit():
                    continue
                if redirect.operator == ">&" and int(target) in outputs:
                    outputs[redirect.fd] = outputs[int(target)]
                continue
            path = self.path(target)
            try:
                if redirect.operator == "<":
                    stdin = Input.of(b"" if path == "/dev/null" else self.fs.read(path))
                else:
                    outputs[redirect.fd] = self._file_writer(path, append=redirect.operator == ">>")
            except FsError as error:
                verb = "open" if redirect.operator == "<" else "create"
                reason = "nonexistent directory" if verb == "create" and error.reason == NO_ENTRY else error.reason
                streams.err(f"{self.name}: can't {verb} {target}: {reason}\n".encode())
                return None
        return Streams(stdin, outputs.get(1, streams.out), outputs.get(2, streams.err))

    def _file_writer(self, path: str, append: bool) -> Callable[[bytes], None]:
        if path == "/dev/null":
            return lambda data: None
        self.fs.write(path, b"", append=append)

        def write(data: bytes) -> None:
            with contextlib.suppress(FsError):  # as on a full disk: the rest of the output is lost
                self.fs.write(path, data, append=True)

        return write

    # -- expansion --

    async def expand(self, word: Word, split: bool = True) -> list[str]:
        """The fields a word expands to: variables, command substitutions, arithmetic, then field splitting
        and globbing of what was not quoted."""
        fields = _Fields()
        for kind, text in word.parts:
            if kind == LITERAL:
                fields.add(text, quoted=True)
                continue
            if kind == BARE and text.startswith("~") and fields.empty and (len(text) == 1 or text[1] == "/"):
                fields.add(self.variables.get("HOME", "/root"), quoted=True)
                text = text[1:]
            for piece, expanded in await self._expand_text(text):
                if kind == DOUBLE:
                    fields.add(piece, quoted=True)
                elif expanded and split:
                    fields.add_split(piece)
                else:
                    fields.add(piece, quoted=False)
        results = []
        for text, pattern, has_glob in fields.finish():
            matches = self._glob(pattern) if has_glob and split else []
            results.extend(matches or [text])
        return results

    async def _expand_text(self, text: str) -> list[tuple[str, bool]]:
        """Pieces of text: (literal, False) and (what an expansion gave, True)."""
        pieces: list[tuple[str, bool]] = []
        index = 0
        while index < len(text):
            char = text[index]
            if char not in "$`":
                end = min((p for p in (text.find("$", index), text.find("`", index)) if p >= 0), default=len(text))
                pieces.append((text[index:end], False))
                index = end
                continue
            end = _expansion_end(text, index)
            expression = text[index:end]
            if expression == "$":
                pieces.append(("$", False))
            else:
                pieces.append((await self._expansion(expression), True))
            index = end
        return pieces

    async def _expansion(self, expression: str) -> str:
        if expression.startswith("$((") and expression.endswith("))"):
            return str(self._arithmetic(expression[3:-2]))
        if expression.startswith("$("):
            return await self._substitute(expression[2:-1])
        if expression.startswith("`"):
            return await self._substitute(expression[1:-1])
        if expression.startswith("${"):
            return await self._parameter(expression[2:-1])
        return self._variable(expression[1:])

    def _variable(self, name: str) -> str:
        special = {
            "?": str(self.status),
            "$": str(self.pid),
            "#": str(len(self.args)),
            "0": self.name,
            "@": " ".join(self.args),
            "*": " ".join(self.args),
            "!": "",
            "-": "",
        }
        if name in special:
            return special[name]
        if name.isdigit():
            position = int(name)
            return self.args[position - 1] if 0 < position <= len(self.args) else ""
        if name == "PWD":
            return self.cwd
        return self.scoped.get(name, self.variables.get(name, ""))

    async def _parameter(self, inside: str) -> str:
        """${NAME}, ${#NAME}, ${NAME:-word}, ${NAME-word}, ${NAME:=word}, ${NAME:+word}."""
        if inside.startswith("#") and len(inside) > 1:
            return str(len(self._variable(inside[1:])))
        match = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*|[0-9?$#@*!-])(:?[-=+?])?(.*)", inside, re.DOTALL)
        if match is None:
            raise ShellSyntaxError("syntax error: bad substitution")
        name, how, word = match.groups()
        value = self._variable(name)
        if how is None:
            return value
        is_set = name in self.variables or (not name[0].isalpha() and name[0] != "_")
        missing = not value if how.startswith(":") else not is_set
        default = "".join(await self.expand(Word(tuple(_word_parts(word))), split=False)) if word else ""
        if how.endswith("+"):
            return "" if missing else default
        if missing and how.endswith("="):
            self.variables[name] = default
        return default if missing else value

    async def _substitute(self, script: str) -> str:
        captured = pipe_buffer()
        child = self.child(self.name, self.args)
        child.variables, child.exported = {**self.variables}, set(self.exported)
        await child.run_script(script, Streams(Input.of(b""), captured.write, self.io.write_err))
        self.status = child.status
        return captured.data().decode(errors="replace").rstrip("\n")

    def _arithmetic(self, expression: str) -> int:
        def value(match: re.Match[str]) -> str:
            text = self._variable(match.group(0).lstrip("$")) or "0"
            return text if re.fullmatch(r"-?\d+", text.strip()) else "0"

        substituted = re.sub(r"\$?[A-Za-z_][A-Za-z0-9_]*|\$[0-9#?]", value, expression)
        python = re.sub(r"!(?!=)", " not ", substituted.replace("&&", " and ").replace("||", " or "))
        try:
            return _evaluate(ast.parse(python.strip() or "0", mode="eval").body)
        except (SyntaxError, ValueError, ZeroDivisionError, OverflowError, RecursionError):
            raise ShellSyntaxError(f"arithmetic syntax error: {expression}") from None

    def _glob(self, pattern: str) -> list[str]:
        """The paths a glob pattern matches, sorted; none when nothing matches."""
        absolute = pattern.startswith("/")
        candidates = ["/" if absolute else ""]
        for part in [p for p in pattern.split("/") if p]:
            found = []
            for base in candidates:
                directory = self.path(base or ".")
                if not _has_glob(part):
                    joined = posixpath.join(base, _unescape(part)) if base else _unescape(part)
                    if self.fs.node(self.path(joined)) is not None:
                        found.append(joined)
                    continue
                try:
                    names = self.fs.listdir(directory)
                except FsError:
                    continue
                for name in names:
                    if fnmatch.fnmatchcase(name, part) and (part.startswith(".") or not name.startswith(".")):
                        found.append(posixpath.join(base, name) if base else name)
            candidates = found
        return sorted(candidates)


class _Fields:
    """Fields being built by expansion: each with its text, its glob pattern (quoted parts escaped), and whether
    an unquoted part may glob."""

    def __init__(self) -> None:
        self.done: list[tuple[str, str, bool]] = []
        self.text: str | None = None
        self.pattern = ""
        self.globs = False

    @property
    def empty(self) -> bool:
        return self.text is None and not self.done

    def add(self, text: str, quoted: bool) -> None:
        self.text = (self.text or "") + text
        self.pattern += _escape(text) if quoted else text
        self.globs = self.globs or (not quoted and _has_glob(text))

    def add_split(self, text: str) -> None:
        """An unquoted expansion: split into fields at whitespace."""
        words = text.split()
        if not words:
            return
        if text[0].isspace():
            self.close()
        for index, word in enumerate(words):
            if index:
                self.close()
            self.add(word, quoted=False)
        if text[-1].isspace():
            self.close()

    def close(self) -> None:
        if self.text is not None:
            self.done.append((self.text, self.pattern, self.globs))
        self.text, self.pattern, self.globs = None, "", False

    def finish(self) -> list[tuple[str, str, bool]]:
        self.close()
        return self.done


def _has_glob(text: str) -> bool:
    return any(char in text for char in "*?[")


def _escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def _unescape(text: str) -> str:
    return re.sub(r"\[([*?\[])\]", r"\1", text)


def _word_parts(text: str) -> list[tuple[str, str]]:
    """The parts of the word in ${NAME:-word}, quotes and all."""
    tokens = tokenize(text)
    return [part for token in tokens if isinstance(token, Word) for part in token.parts] or [(LITERAL, "")]


_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Mod: lambda a, b: int(a - b * int(a / b)),
    ast.Div: lambda a, b: int(a / b),
    ast.FloorDiv: lambda a, b: int(a / b),
    ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
    ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_,
    ast.BitXor: operator.xor,
}
_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


def _evaluate(node: ast.AST) -> int:
    """Shell arithmetic on integers (a Python expression tree restricted to integer operators)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not, ast.Invert)):
        operand = _evaluate(node.operand)
        ops: dict[type, Callable[[int], int]] = {
            ast.USub: operator.neg,
            ast.UAdd: operator.pos,
            ast.Not: lambda a: int(not a),
            ast.Invert: operator.invert,
        }
        return ops[type(node.op)](operand)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        right = _evaluate(node.right)
        if isinstance(node.op, (ast.LShift, ast.Pow)) and right > 64:
            raise ValueError("shift too large")
        return int(_BINARY[type(node.op)](_evaluate(node.left), right))
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE:
        return int(_COMPARE[type(node.ops[0])](_evaluate(node.left), _evaluate(node.comparators[0])))
    if isinstance(node, ast.BoolOp):
        values = [_evaluate(value) for value in node.values]
        return int(all(values) if isinstance(node.op, ast.And) else any(values))
    raise ValueError("not arithmetic")
