"""Running kubectl and shell commands from a notebook without ever hanging a cell.

A notebook cell that runs `kubectl get pods -w` or `kubectl port-forward` never returns on its own, and one that runs
`kubectl exec -it` waits for a terminal that a notebook does not have. So every command runs under rules:

- watching and following forms (`-w`, `--watch`, `--watch-only`, `logs -f`) run for a bounded time and are stopped,
  saying so;
- `port-forward` and `proxy` become background processes: the call returns once kubectl says it is listening, and
  the process lives until `stop`/`stop_all`, or until the kernel exits;
- interactive forms (`exec -it`, `run -it`, `attach -i`, `edit`) are refused with the non-interactive way to do it;
- anything else is killed after a hard timeout, or after its own `--timeout` when it has one (`kubectl wait`).

Output is printed as it comes (both streams), from the calling thread so that it lands in the running cell.
"""

from __future__ import annotations

import atexit
import codecs
import collections
import contextlib
import os
import re
import selectors
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

HARD_TIMEOUT_SECONDS = 60.0
WATCH_SECONDS = 10.0
LISTENING_SECONDS = 20.0  # how long a port-forward or proxy may take to say it listens
BACKGROUND_OUTPUT_LINES = 200
_WATCH_FLAGS = frozenset({"-w", "--watch", "--watch-only", "--watch=true", "--watch-only=true"})
_FOLLOW_FLAGS = frozenset({"-f", "--follow", "--follow=true"})
_BACKGROUND_COMMANDS = frozenset({"port-forward", "proxy"})
_SELF_BOUNDED_COMMANDS = frozenset({"wait", "rollout", "delete", "drain"})  # their --timeout bounds them
OWN_TIMEOUT_MARGIN_SECONDS = 5.0
_LISTENING = re.compile(r"Forwarding from|Starting to serve")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)?")


class CommandRefused(Exception):
    """A command that cannot work in a notebook; the message gives the form that does."""


def project_kubectl() -> Path:
    """The kubectl installed next to this Python (the project's), else the first one on PATH."""
    beside = Path(sys.executable).parent / "kubectl"
    if beside.exists():
        return beside
    found = shutil.which("kubectl")
    return Path(found) if found else beside


def parse_duration(text: str) -> float:
    match = _DURATION.fullmatch(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a duration such as 20s, 2m or 1.5s")
    scale = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}[match.group(2) or "s"]
    return float(match.group(1)) * scale


def split_bound(words: list[str]) -> tuple[float | None, list[str]]:
    """kuarlab's own `--for 20s` in front of kubectl's arguments, and the rest."""
    if words and words[0].startswith("--for="):
        return parse_duration(words[0].removeprefix("--for=")), words[1:]
    if words and words[0] == "--for":
        if len(words) < 2:
            raise ValueError("--for takes a duration, such as --for 20s")
        return parse_duration(words[1]), words[2:]
    return None, words


def subcommand(words: Sequence[str]) -> str | None:
    """kubectl's subcommand: the first word that is not an option (nor the value of `-n`/`--namespace`/...)."""
    takes_value = {"-n", "--namespace", "--context", "--kubeconfig", "-s", "--server", "--cluster", "--user"}
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in takes_value:
            skip = True
        elif not word.startswith("-"):
            return word
    return None


def refusal(words: Sequence[str]) -> str | None:
    """Why this kubectl command cannot run in a notebook, and what to type instead; None when it can."""
    command = subcommand(words)
    if command == "edit":
        return (
            "kuarlab: `kubectl edit` opens an editor, which a notebook cannot show. Change the file and "
            "`%kubectl apply -f FILE`, or `%kubectl patch ...`, instead."
        )
    if command in {"exec", "run", "attach", "debug"} and _asks_for_terminal(words):
        instead = {
            "exec": "%kubectl exec kuard -- ls /  (no -i/-t: the command runs and its output is shown)",
            "run": "%kubectl run NAME --image=IMAGE --restart=Never -- COMMAND, then %kubectl logs NAME",
            "attach": "%kubectl logs NAME",
            "debug": "%kubectl debug NAME --image=busybox -- COMMAND, then %kubectl logs",
        }[command]
        return f"kuarlab: `kubectl {command}` with -i/-t needs a terminal, which a notebook has not. Use: {instead}"
    return None


def _asks_for_terminal(words: Sequence[str]) -> bool:
    before_command = words[: list(words).index("--")] if "--" in words else words
    for word in before_command:
        if word in {"--stdin", "--tty", "--stdin=true", "--tty=true"}:
            return True
        if re.fullmatch(r"-[a-zA-Z]+", word) and ("i" in word or "t" in word):
            return True
    return False


def bounded_by_watch(words: Sequence[str]) -> bool:
    """Whether the command would stream until stopped: a watch, or following logs."""
    before_command = words[: list(words).index("--")] if "--" in words else words
    if any(word in _WATCH_FLAGS for word in before_command):
        return True
    return subcommand(words) == "logs" and any(word in _FOLLOW_FLAGS for word in before_command)


def own_timeout(words: Sequence[str]) -> float | None:
    """The time a command bounds itself to (`kubectl wait --timeout=120s`), plus a margin for it to say so."""
    if subcommand(words) not in _SELF_BOUNDED_COMMANDS:
        return None
    for index, word in enumerate(words):
        value = word.removeprefix("--timeout=") if word.startswith("--timeout=") else None
        if word == "--timeout" and index + 1 < len(words):
            value = words[index + 1]
        if value is not None:
            try:
                return parse_duration(value) + OWN_TIMEOUT_MARGIN_SECONDS
            except ValueError:
                return None
    return None


def runs_in_background(words: Sequence[str]) -> bool:
    return subcommand(words) in _BACKGROUND_COMMANDS


@dataclass
class Outcome:
    """What a bounded run did: the exit code (None when it was stopped), the text of each stream, how it ended."""

    argv: list[str]
    returncode: int | None
    stdout: str
    stderr: str
    stopped_after: float | None = None  # a watch stopped after this many seconds
    killed_after: float | None = None  # the hard timeout

    def completed(self) -> subprocess.CompletedProcess[str]:
        code = self.returncode if self.returncode is not None else 0 if self.stopped_after else -signal.SIGKILL
        return subprocess.CompletedProcess(self.argv, code, self.stdout, self.stderr)


def run_bounded(
    argv: list[str],
    *,
    stop_after: float | None = None,
    timeout: float = HARD_TIMEOUT_SECONDS,
    echo: bool = True,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> Outcome:
    """Run argv to its end, or stop it after stop_after seconds (a watch), or kill it after timeout, echoing output."""
    process = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=cwd, env=env,
        start_new_session=True,  # so that stopping it also stops what it started (a shell's children)
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    texts: dict[IO[bytes], list[str]] = {process.stdout: [], process.stderr: []}
    started = time.monotonic()
    limit = min(stop_after, timeout) if stop_after is not None else timeout
    try:
        _pump(process, texts, echo, started + limit)
    except BaseException:  # an interrupted cell (KeyboardInterrupt) must not leave the command running
        _end(process)
        raise
    elapsed = time.monotonic() - started
    outcome = Outcome(argv, process.poll(), "".join(texts[process.stdout]), "".join(texts[process.stderr]))
    if outcome.returncode is None:
        _end(process)
        if stop_after is not None and stop_after <= timeout:
            outcome.stopped_after = stop_after
        else:
            outcome.killed_after = timeout
    elif elapsed >= limit and stop_after is not None:
        outcome.stopped_after = stop_after
    return outcome


def _pump(process: subprocess.Popen[bytes], texts: dict[IO[bytes], list[str]], echo: bool, deadline: float) -> None:
    decoders = {stream: codecs.getincrementaldecoder("utf-8")("replace") for stream in texts}
    with selectors.DefaultSelector() as selector:
        for each in texts:
            selector.register(each, selectors.EVENT_READ, data=each)
        while selector.get_map() and (left := deadline - time.monotonic()) > 0:
            for key, _ in selector.select(timeout=min(left, 0.5)):
                stream: IO[bytes] = key.data
                chunk = os.read(stream.fileno(), 65536)
                if not chunk:
                    selector.unregister(stream)
                    continue
                text = decoders[stream].decode(chunk)
                texts[stream].append(text)
                if echo:
                    target = sys.stderr if stream is process.stderr else sys.stdout
                    target.write(text)
                    target.flush()
    with contextlib.suppress(subprocess.TimeoutExpired):  # the streams may close before the process ends
        process.wait(timeout=max(0.0, deadline - time.monotonic()))


def _end(process: subprocess.Popen[bytes]) -> None:
    """Stop a process and its session politely, then for good."""
    for sig, grace in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 3.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


@dataclass(eq=False)
class BackgroundProcess:
    """A long-lived command (a port-forward, a proxy) and the last lines it printed."""

    name: str
    owner: str  # the namespace it was started for, so that a chapter's reset stops only its own
    process: subprocess.Popen[bytes]
    argv: list[str]
    lines: collections.deque[str] = field(default_factory=lambda: collections.deque(maxlen=BACKGROUND_OUTPUT_LINES))

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.running:
            _end(self.process)


class BackgroundProcesses:
    """Every background process a kernel started; all stop when the kernel exits."""

    def __init__(self) -> None:
        self._processes: list[BackgroundProcess] = []
        self._lock = threading.Lock()
        weakref.finalize(self, _stop_every, self._processes)
        atexit.register(_stop_every, self._processes)

    def start(self, argv: list[str], name: str, owner: str, echo: bool = True) -> BackgroundProcess:
        """Start argv and return once it says it listens (its line is echoed), or raise with what it printed."""
        process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
        background = BackgroundProcess(name, owner, process, argv)
        listening = threading.Event()
        threading.Thread(target=_drain, args=(background, listening), daemon=True).start()
        listening.wait(LISTENING_SECONDS)
        if not background.running or not any(_LISTENING.search(line) for line in background.lines):
            background.stop()
            said = "".join(background.lines).strip() or "nothing"
            raise RuntimeError(f"kuarlab: `{shlex.join(argv[1:])}` did not start listening; it said: {said}")
        with self._lock:
            self._processes.append(background)
        if echo:
            print("".join(line for line in background.lines if _LISTENING.search(line)), end="", flush=True)
        return background

    def running(self) -> list[BackgroundProcess]:
        with self._lock:
            return [process for process in self._processes if process.running]

    def stop(self, name: str | None = None, owner: str | None = None) -> list[BackgroundProcess]:
        """Stop the processes with that name ("port-forward", "proxy") and owner; every one when both are None."""
        with self._lock:
            chosen = [
                process
                for process in self._processes
                if (name is None or process.name == name) and (owner is None or process.owner == owner)
            ]
            for process in chosen:
                self._processes.remove(process)
        for process in chosen:
            process.stop()
        return chosen


def _drain(background: BackgroundProcess, listening: threading.Event) -> None:
    """Keep reading the process's output so that its pipe never fills and blocks it; note when it listens."""
    stream = background.process.stdout
    assert stream is not None
    try:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace")
            background.lines.append(line)
            if _LISTENING.search(line):
                listening.set()
    except (OSError, ValueError):  # the pipe was closed by stop()
        pass
    listening.set()


def _stop_every(processes: list[BackgroundProcess]) -> None:
    for process in list(processes):
        process.stop()
    processes.clear()
