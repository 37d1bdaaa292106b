"""What runs in a container: a deterministic model of its main process, from its image, command, args and env.

`Process.of(container, image)` answers, in simulated seconds since the container started:

- whether the process exits, when, and with what code (`exits_after`, `exit_code`);
- whether it stops on SIGTERM (`honours_sigterm`, with `sigterm_exit_code`) or only on the SIGKILL that ends
  the grace period, as a shell running as PID 1 does;
- how much memory it uses (`memory`), so that a lower limit ends in OOMKilled;
- how a probe fares over its life (`probe`): the answers as a few intervals of constant outcome.

The programs:

- kuard (gcr.io/kuar-demo/kuard-*): serves HTTP on 8080 (`/healthy` and `/ready` answer 200, as do `/` and
  kuard's own pages) until stopped, and exits 2 on SIGTERM (a Go program without a handler, as PID 1). With
  `--keygen-enable --keygen-exit-on-complete --keygen-num-to-gen=N` it exits after N keys, one key a
  simulated second, with `--keygen-exit-code` (0 by default); `--keygen-time-to-run=S` stops it after S
  seconds. Its HTTP API ("fail the next N" probes, `/env`, `/mem`, `/fs`) is modelled in kuard.py and reached
  through the API server's proxy; these env variables make `/healthy` fail and `/ready` wait from the start:
  `KUBESIM_HEALTHY_FOR=S` (`/healthy` answers 500 from S seconds after start on) and `KUBESIM_READY_AFTER=S`
  (`/ready` answers 503 before).
- shells (busybox, alpine, ubuntu, debian, ...; `sh -c "..."`, or a bare command such as `sleep 3600`): a small
  interpreter of `sleep N`, `exit N`, `true`, `false`, `:`, `echo ...` (with `> file`), `touch`, `rm`,
  `cat`/`test -e`/`[ -f ... ]` of files, `;`, `&&`, `||`, newlines, `for x in ...; do ...; done` and
  `while true; do ...; done` (any `while`/`until` loop runs forever unless its body exits). `nslookup`,
  `wget` and `curl` go through the cluster network (network.py) when the caller passes it (`tools`): they
  print what those programs print and end with their exit codes. Other commands succeed at once. A shell
  as PID 1 ignores SIGTERM unless it sets `trap ... TERM`. A shell without a script exits 0 at once,
  unless the container keeps stdin open (`kubectl run -it`).
- servers (nginx, redis, mongo, mysql, postgres, memcached, httpd, ghost, fluentd, parse-server, ...): run
  until stopped on their usual ports (HTTP ones answer 200 on `/`, 404 elsewhere) and exit 0 on SIGTERM.
- registry.k8s.io/pause: waits until stopped. polinux/stress: `--vm N --vm-bytes B` uses N×B more memory
  (the Kubernetes documentation's memory-limit example), `--timeout S` ends it.
- agnhost (registry.k8s.io/e2e-test-images/agnhost, and the older registry.k8s.io/liveness): `liveness`
  answers 200 on /healthz for 10 seconds and 500 after, as in the documentation's liveness example;
  `netexec`, `serve-hostname`, `test-webserver` and `pause` serve until stopped.
- the control plane's images (preloaded by kind): serve until stopped and pass every probe.

`KUBESIM_MEMORY=<quantity>` in a container's env sets the memory its process uses (e.g. `200Mi`).

Exec probes run through the shell interpreter: `cat /tmp/healthy` succeeds while the container's script has
created the file (`touch`, `echo ... >`) and not removed it; `true` succeeds, `false` and `exit 1` fail, and
any other command succeeds. gRPC probes succeed on a port the program listens on. Processes answer probes at
once, so timeoutSeconds never matters.
"""

from __future__ import annotations

import dataclasses
import math
import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kubesim.controllers.objects import amount
from kubesim.nodes.images import AGNHOST, KUARD, PAUSE, SERVER, SHELL, STRESS, SYSTEM, Image

FOREVER = math.inf
SHELLS = frozenset(("sh", "bash", "ash", "dash", "zsh"))
KEY_SECONDS = 1.0  # kuard's keygen: about a key a second
OOM_AFTER = 1.0  # seconds from start until a process over its memory limit is killed
AGNHOST_HEALTHY_SECONDS = 10.0
SIGKILL_EXIT, GO_SIGTERM_EXIT = 137, 2
_KUARD_PAGES = ("/", "/healthy", "/ready", "/env", "/mem", "/fs", "/keygen", "/memq", "/dns", "/request")
NETWORK_TOOLS = frozenset(("nslookup", "wget", "curl"))
# the network as a pod's programs reach it: (tool, args) -> (exit status, lines printed); see network.py
Tools = Callable[[str, list[str]], tuple[int, list[str]]]
_HTTP_SERVERS = {80: ("/",), 2368: ("/",), 5000: ("/", "/v2/"), 1337: ("/parse/health",)}


@dataclass(frozen=True)
class Answer:
    """A probe's outcome from `since` seconds after the container started, until the next Answer's `since`."""

    since: float
    ok: bool
    message: str = ""  # why it failed, as the kubelet's Unhealthy event words it after "probe failed: "


@dataclass(frozen=True)
class Script:
    """What a shell script does over time: when it ends and how, the files it makes, what it prints."""

    duration: float = 0.0  # FOREVER for a script that never ends
    exit_code: int = 0
    files: tuple[tuple[float, str, bool], ...] = ()  # (seconds, path, exists from then on)
    output: tuple[tuple[float, str], ...] = ()
    traps_term: bool = False
    loop: tuple[float, int] = (0.0, 0)  # the endless loop it ends in: (period, its first line in output), repeating


@dataclass(frozen=True)
class Process:
    """A container's main process, as far as the kubelet can tell from outside."""

    program: str
    argv: tuple[str, ...]
    exits_after: float = FOREVER
    exit_code: int = 0
    honours_sigterm: bool = True
    sigterm_exit_code: int = 0
    memory: int = 0
    ports: frozenset[int] = frozenset()
    http_paths: dict[int, tuple[str, ...]] = field(default_factory=dict)  # port -> paths answering 200
    script: Script = field(default_factory=Script)
    healthy_for: float = FOREVER  # /healthy (kuard) or /healthz (agnhost liveness) answers 500 from then on
    ready_after: float = 0.0  # /ready (kuard) answers 503 until then
    busy_cores: float = 0.0  # cores its own work keeps busy (kuard's keygen, stress's workers) ...
    busy_for: float = FOREVER  # ... for this long after it starts

    @staticmethod
    def of(container: dict[str, Any], image: Image, tools: Tools | None = None) -> Process:
        """The process a container spec starts from an image; `tools` lets its shell reach the cluster network
        (without it, network commands succeed silently)."""
        argv = _argv(container, image)
        env = {item.get("name"): item.get("value") for item in container.get("env") or [] if isinstance(item, dict)}
        process = _program(argv, image, bool(container.get("stdin")), tools)
        memory = process.memory
        if env.get("KUBESIM_MEMORY"):
            memory = int(amount(env["KUBESIM_MEMORY"]))
        if process.program == KUARD:
            process = _with_kuard_env(process, env)
        return dataclasses.replace(process, memory=memory)

    @property
    def runs_forever(self) -> bool:
        return self.exits_after == FOREVER

    def probe(self, probe: dict[str, Any], host: str, named_ports: dict[str, int]) -> list[Answer]:
        """How a probe fares against this process over its life, as intervals of constant outcome."""
        if "exec" in probe:
            return self._exec((probe.get("exec") or {}).get("command") or [])
        if "httpGet" in probe:
            action = probe["httpGet"] or {}
            port = _port(action.get("port"), named_ports)
            scheme = str(action.get("scheme") or "HTTP").lower()
            path = str(action.get("path") or "/")
            address = action.get("host") or host
            return self._http(port, path, f"{scheme}://{address}:{port}{path}", f"{address}:{port}")
        if "tcpSocket" in probe:
            action = probe["tcpSocket"] or {}
            port = _port(action.get("port"), named_ports)
            address = action.get("host") or host
            if self._listens(port):
                return [Answer(0.0, True)]
            return [Answer(0.0, False, f"dial tcp {address}:{port}: connect: connection refused")]
        if "grpc" in probe:
            port = _port((probe.get("grpc") or {}).get("port"), named_ports)
            if self._listens(port):
                return [Answer(0.0, True)]
            return [Answer(0.0, False, f'timeout: failed to connect service "{host}:{port}" within 1s')]
        return [Answer(0.0, True)]

    def _listens(self, port: int) -> bool:
        return self.program == SYSTEM or port in self.ports

    def _http(self, port: int, path: str, url: str, address: str) -> list[Answer]:
        if self.program == SYSTEM:
            return [Answer(0.0, True)]
        if not self._listens(port):
            return [Answer(0.0, False, f'Get "{url}": dial tcp {address}: connect: connection refused')]
        served = self.http_paths.get(port)
        if served is None:
            return [Answer(0.0, False, f'Get "{url}": EOF')]
        if path not in served and not (self.program == KUARD and path.startswith("/-/")):
            return [Answer(0.0, False, "HTTP probe failed with statuscode: 404")]
        if path in ("/healthy", "/healthz") and self.healthy_for != FOREVER:
            return [Answer(0.0, True), Answer(self.healthy_for, False, "HTTP probe failed with statuscode: 500")]
        if path == "/ready" and self.ready_after > 0:
            return [Answer(0.0, False, "HTTP probe failed with statuscode: 503"), Answer(self.ready_after, True)]
        return [Answer(0.0, True)]

    def _exec(self, command: list[str]) -> list[Answer]:
        """An exec probe's command run against the files the container's own script makes and removes."""
        if not command:
            return [Answer(0.0, True)]
        script = _script_of(tuple(str(part) for part in command)) or "true"
        moments = sorted({0.0, *(moment for moment, _, _ in self.script.files)})
        answers = []
        for moment in moments:
            code, output = _instant_run(script, self._files_at(moment))
            answers.append(Answer(moment, code == 0, output))
        return _merged(answers)

    def _files_at(self, moment: float) -> set[str]:
        present: set[str] = set()
        for when, path, exists in self.script.files:
            if when > moment:
                break
            if exists:
                present.add(path)
            else:
                present.discard(path)
        return present


def _merged(answers: list[Answer]) -> list[Answer]:
    merged: list[Answer] = []
    for answer in answers:
        if merged and merged[-1].ok == answer.ok and merged[-1].message == answer.message:
            continue
        merged.append(answer)
    return merged


def _port(value: Any, named_ports: dict[str, int]) -> int:
    if isinstance(value, int):
        return value
    text = str(value or "")
    return int(text) if text.isdigit() else named_ports.get(text, 0)


# -- which program runs -------------------------------------------------------------------------------------------


def _argv(container: dict[str, Any], image: Image) -> tuple[str, ...]:
    """The command line Docker's ENTRYPOINT and CMD rules give: `command` replaces one, `args` the other."""
    command = [str(part) for part in container.get("command") or []]
    args = [str(part) for part in container.get("args") or []]
    if command:
        return (*command, *args)
    return (*image.entrypoint, *(args or image.cmd))


def _script_of(argv: tuple[str, ...]) -> str | None:
    """The script a shell command line runs: `sh -c SCRIPT`, or a plain command as a one-line script."""
    if not argv:
        return None
    if _base(argv[0]) in SHELLS:
        if "-c" in argv[1:]:
            position = argv.index("-c", 1)
            return argv[position + 1] if position + 1 < len(argv) else ""
        return None
    return shlex.join(argv)


def _base(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def _program(argv: tuple[str, ...], image: Image, stdin: bool, tools: Tools | None) -> Process:
    words = argv
    # Entrypoint wrappers (docker-entrypoint.sh, tini --) exec what follows them.
    while words and (_base(words[0]).endswith("entrypoint.sh") or _base(words[0]) in ("tini", "--", "exec")):
        words = words[1:]
    first = _base(words[0]) if words else ""
    if image.program == SYSTEM:
        return Process(SYSTEM, argv, memory=image.memory, ports=frozenset(image.ports))
    if first in SHELLS or (first and image.program in (SHELL, SERVER, KUARD) and _is_shell_command(first, image)):
        return _shell(argv, words, image, stdin, tools)
    if image.program == KUARD:
        return _kuard(argv, image)
    if image.program == STRESS and first == "stress":
        return _stress(argv, words, image)
    if image.program == AGNHOST:
        return _agnhost(argv, words, image)
    if image.program == PAUSE:
        return Process(PAUSE, argv, memory=image.memory)
    if image.program == SERVER and (not words or not first or first in _server_programs(image) or first[0] == "-"):
        return Process(
            SERVER,
            argv,
            memory=image.memory,
            ports=frozenset(image.ports),
            http_paths={port: _HTTP_SERVERS[port] for port in image.ports if port in _HTTP_SERVERS},
        )
    if image.program == SHELL:
        return _shell(argv, words, image, stdin, tools)
    return Process(image.program, argv, exits_after=0.0, memory=image.memory)  # a tool that does its job and ends


def _server_programs(image: Image) -> set[str]:
    return {_base(word) for word in (*image.entrypoint, *image.cmd)} | {"nginx", "redis-server", "mongod", "mysqld"}


def _is_shell_command(first: str, image: Image) -> bool:
    return first in _UTILITIES and first not in _server_programs(image)


def _shell(argv: tuple[str, ...], words: tuple[str, ...], image: Image, stdin: bool, tools: Tools | None) -> Process:
    script_text = _script_of(words)
    if script_text is None:  # an interactive shell: it reads stdin until it closes
        duration = FOREVER if stdin else 0.0
        return Process(SHELL, argv, exits_after=duration, honours_sigterm=False, memory=image.memory)
    script = interpret(script_text, tools)
    return Process(
        SHELL,
        argv,
        exits_after=script.duration,
        exit_code=script.exit_code,
        honours_sigterm=script.traps_term,
        sigterm_exit_code=143 if script.traps_term else 0,
        memory=image.memory,
        script=script,
    )


def command_flags(words: Iterable[str]) -> dict[str, str]:
    """A command line's flags: --name=value, --name value and bare --name (as "true")."""
    flags: dict[str, str] = {}
    items = list(words)
    for index, word in enumerate(items):
        if not word.startswith("-"):
            continue
        name, equals, value = word.lstrip("-").partition("=")
        if not equals:
            following = items[index + 1] if index + 1 < len(items) else ""
            value = following if following and not following.startswith("-") else "true"
        flags[name] = value
    return flags


def number(text: str | None, default: float = 0.0) -> float:
    """A number read from a flag or annotation ("5", "2.5", "30s"); default when there is none or it is not one."""
    try:
        return float(str(text).rstrip("s")) if text is not None else default
    except ValueError:
        return default


def _kuard(argv: tuple[str, ...], image: Image) -> Process:
    flags = command_flags(argv[1:])
    exits_after, exit_code, busy_cores, busy_for = FOREVER, 0, 0.0, FOREVER
    if flags.get("keygen-enable") == "true":
        keys = number(flags.get("keygen-num-to-gen"))
        time_to_run = number(flags.get("keygen-time-to-run"))
        busy_cores = 1.0  # one key after another, a core's worth of work
        busy_for = keys * KEY_SECONDS if keys > 0 else FOREVER
        if time_to_run > 0:
            busy_for = min(busy_for, time_to_run)
        exits_on_complete = flags.get("keygen-exit-on-complete") == "true" and keys > 0
        if exits_on_complete or time_to_run > 0:
            exits_after = busy_for if exits_on_complete else time_to_run
            exit_code = int(number(flags.get("keygen-exit-code")))
    return Process(
        KUARD,
        argv,
        exits_after=exits_after,
        exit_code=exit_code,
        sigterm_exit_code=GO_SIGTERM_EXIT,
        memory=image.memory,
        ports=frozenset(image.ports),
        http_paths={8080: _KUARD_PAGES},
        busy_cores=busy_cores,
        busy_for=busy_for,
    )


def _with_kuard_env(process: Process, env: dict[Any, Any]) -> Process:
    healthy_for = number(env.get("KUBESIM_HEALTHY_FOR"), FOREVER)
    ready_after = number(env.get("KUBESIM_READY_AFTER"), 0.0)
    return dataclasses.replace(process, healthy_for=healthy_for, ready_after=ready_after)


def _stress(argv: tuple[str, ...], words: tuple[str, ...], image: Image) -> Process:
    flags = command_flags(words[1:])
    workers = int(number(flags.get("vm"), 0))
    size = _stress_bytes(flags.get("vm-bytes", "256M"))
    timeout = number(flags.get("timeout"), 0.0) if "timeout" in flags else 0.0
    exits_after = timeout if timeout > 0 else (0.0 if "help" in flags or not flags else FOREVER)
    cores = number(flags.get("cpu")) + workers
    return Process(STRESS, argv, exits_after=exits_after, memory=image.memory + workers * size, busy_cores=cores)


def _stress_bytes(text: str) -> int:
    units = {"b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
    text = text.strip().lower()
    if text and text[-1] in units:
        return int(number(text[:-1]) * units[text[-1]])
    return int(number(text))


def _agnhost(argv: tuple[str, ...], words: tuple[str, ...], image: Image) -> Process:
    command = [word for word in words if not word.startswith("-")]
    if command and _base(command[0]) in ("agnhost", "server"):
        command = command[1:]
    subcommand = command[0] if command else ("liveness" if image.cmd == ("/server",) else "")
    flags = command_flags(words)
    if subcommand == "liveness":
        return Process(AGNHOST, argv, memory=image.memory, ports=frozenset((8080,)),
                       http_paths={8080: ("/healthz",)}, healthy_for=AGNHOST_HEALTHY_SECONDS)  # fmt: skip
    if subcommand == "netexec":
        port = int(number(flags.get("http-port"), 8080))
        return Process(AGNHOST, argv, memory=image.memory, ports=frozenset((port, 8081)),
                       http_paths={port: ("/", "/hostname", "/healthz", "/echo", "/clientip")})  # fmt: skip
    if subcommand == "serve-hostname":
        port = int(number(flags.get("port"), 9376))
        return Process(AGNHOST, argv, memory=image.memory, ports=frozenset((port,)), http_paths={port: ("/",)})
    if subcommand == "test-webserver":
        port = int(number(flags.get("port"), 80))
        return Process(AGNHOST, argv, memory=image.memory, ports=frozenset((port,)), http_paths={port: ("/",)})
    if subcommand == "pause":
        return Process(AGNHOST, argv, memory=image.memory)
    return Process(AGNHOST, argv, exits_after=0.0, memory=image.memory)  # usage, then exit


# -- the shell interpreter ----------------------------------------------------------------------------------------

_UTILITIES = frozenset(
    ("sleep", "echo", "true", "false", ":", "exit", "touch", "rm", "cat", "test", "[", "ls", "mkdir", "date",
     "hostname", "env", "printenv", "printf", "wget", "curl", "nslookup", "ping", "dig", "id", "whoami", "uname")
)  # fmt: skip
_SEPARATORS = frozenset((";", "&&", "||", "\n", "&"))
_COMPOUNDS = frozenset(("while", "until", "for", "if"))
_OPENERS = frozenset(("do", "then", "else"))


@dataclass
class _Run:
    """A script being interpreted: the time so far, the last status, what happened."""

    clock: float = 0.0
    status: int = 0
    files: list[tuple[float, str, bool]] = field(default_factory=list)
    output: list[tuple[float, str]] = field(default_factory=list)
    exited: bool = False
    traps_term: bool = False
    present: set[str] = field(default_factory=set)
    loop: tuple[float, int] = (0.0, 0)
    tools: Tools | None = None

    def file(self, path: str, exists: bool) -> None:
        self.files.append((self.clock, path, exists))
        if exists:
            self.present.add(path)
        else:
            self.present.discard(path)


def interpret(script: str, tools: Tools | None = None) -> Script:
    """Run a script in simulated time: how long it lasts, its exit code, the files it touches, its output."""
    run = _Run(tools=tools)
    try:
        _execute(_tokens(script), run)
    except _Forever:
        return Script(FOREVER, 0, tuple(run.files), tuple(run.output), run.traps_term, run.loop)
    return Script(run.clock, run.status, tuple(run.files), tuple(run.output), run.traps_term)


def _instant_run(script: str, files: set[str]) -> tuple[int, str]:
    """The status and output of a probe's command, run against the files present at that moment."""
    run = _Run(present=set(files))
    try:
        _execute(_tokens(script), run)
    except _Forever:
        return 1, "command timed out"
    text = "\n".join(line for _, line in run.output)
    return run.status, text


class _Forever(Exception):
    """The script loops forever (it never exits on its own)."""


def _tokens(script: str) -> list[str]:
    lexer = shlex.shlex(script.replace("\n", " ; "), posix=True, punctuation_chars=";&|<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        return list(lexer)
    except ValueError:  # an unbalanced quote: sh would refuse it
        return ["exit", "2"]


def _statements(tokens: list[str]) -> list[tuple[str, list[str]]]:
    """Split at ; && || into (the separator before, the words) pairs, keeping loops together."""
    statements: list[tuple[str, list[str]]] = []
    current: list[str] = []
    joiner = ";"
    depth = 0  # inside a loop or an if, separators belong to it
    previous = ";"
    for token in tokens:
        if token in _COMPOUNDS and (previous in _SEPARATORS or previous in _OPENERS):
            depth += 1
        elif token in ("done", "fi") and depth:
            depth -= 1
        previous = token
        if token in _SEPARATORS and depth == 0:
            if current:
                statements.append((joiner, current))
            current, joiner = [], (token if token in ("&&", "||") else ";")
            continue
        current.append(token)
    if current:
        statements.append((joiner, current))
    return statements


def _execute(tokens: list[str], run: _Run) -> None:
    for joiner, words in _statements(tokens):
        if run.exited:
            return
        if (joiner == "&&" and run.status != 0) or (joiner == "||" and run.status == 0):
            continue
        _statement(words, run)


def _statement(words: list[str], run: _Run) -> None:
    keyword = words[0]
    if keyword in ("while", "until") and "do" in words:
        body = words[words.index("do") + 1 : _last(words, "done")]
        start, printed = run.clock, len(run.output)
        _execute(body, run)
        if not run.exited:
            run.loop = (run.clock - start, printed)
            raise _Forever
        return
    if keyword == "for" and "do" in words:
        body = words[words.index("do") + 1 : _last(words, "done")]
        items = [item for item in words[words.index("in") + 1 : words.index("do")] if item not in _SEPARATORS]
        for item in items:
            _execute(_substituted(body, words[1], item), run)
            if run.exited:
                return
        return
    if keyword == "exec" and len(words) > 1:
        _statement(words[1:], run)
        return
    _command(words, run)


def _substituted(words: list[str], variable: str, value: str) -> list[str]:
    """A loop body with its variable's $x and ${x} replaced by the item, so that `echo $i` prints it."""
    return [word.replace("${" + variable + "}", value).replace("$" + variable, value) for word in words]


def _last(words: list[str], keyword: str) -> int:
    return len(words) - 1 - words[::-1].index(keyword) if keyword in words else len(words)


def _command(words: list[str], run: _Run) -> None:
    name = _base(words[0])
    args = words[1:]
    target = None
    if ">" in args or ">>" in args:
        position = args.index(">") if ">" in args else args.index(">>")
        target = args[position + 1] if position + 1 < len(args) else None
        args = args[:position]
    run.status = 0
    if name == "sleep":
        run.clock += _sleep_seconds(args)
    elif name == "exit":
        run.status = int(number(args[0])) % 256 if args else run.status
        run.exited = True
    elif name == "false":
        run.status = 1
    elif name in ("echo", "printf"):
        text = " ".join(arg for arg in args if arg != "-n")
        if target is None:
            run.output.append((run.clock, text))
    elif name == "touch":
        for path in args:
            run.file(path, True)
    elif name == "rm":
        for path in (arg for arg in args if not arg.startswith("-")):
            run.file(path, False)
    elif name == "cat":
        missing = [path for path in args if path not in run.present]
        if missing:
            run.status = 1
            run.output.append((run.clock, f"cat: can't open '{missing[0]}': No such file or directory"))
    elif name in ("test", "["):
        paths = [arg for arg in args if not arg.startswith("-") and arg != "]"]
        negate = "!" in args
        found = all(path in run.present for path in paths if path != "!")
        run.status = 0 if found != negate else 1
    elif name in NETWORK_TOOLS and run.tools is not None:
        run.status, lines = run.tools(name, args)
        if target is None:
            run.output += [(run.clock, line) for line in lines]
    elif name == "trap" and any(signal in args for signal in ("TERM", "SIGTERM", "15")):
        run.traps_term = True
    if target is not None:
        run.file(target, True)


def _sleep_seconds(args: list[str]) -> float:
    if not args:
        return 0.0
    text = args[0]
    if text in ("infinity", "inf"):
        raise _Forever
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    if text and text[-1] in units:
        return number(text[:-1]) * units[text[-1]]
    return number(text)
