"""The `kubesim` command.

    kubesim serve --data-dir DIR [--port N] [--nodes N] [--speed X]   run in the foreground (SIGTERM stops it)
                  [--ingress-port N] [--ingress-tls-port N]        the ingress add-on's HTTP and HTTPS ports
    kubesim up [--speed X] | down | status | reset         run it in the background for the notebooks
    kubesim node stop NAME | start NAME | list             power a running cluster's nodes off and on
    kubesim load NAME [--rate RPS] [--duration D] | load stop NAME   put request load on a Service
    kubesim ports                                          what the host reaches: the ingress, Services' ports

The background cluster keeps its data in $KUBESIM_HOME (default ~/.local/share/kubesim).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

START_TIMEOUT = 60.0


def default_home() -> Path:
    return Path(os.environ.get("KUBESIM_HOME", Path.home() / ".local" / "share" / "kubesim"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kubesim", description="An embedded Kubernetes API server for learning.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run in the foreground")
    serve.add_argument("--data-dir", type=Path, required=True, help="where the store, certificates and kubeconfig live")
    serve.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    serve.add_argument("--nodes", type=int, default=2, help="worker nodes besides the control plane (default: 2)")
    serve.add_argument(
        "--speed", type=float, default=1.0, help="how much faster than real time delays pass (default: 1)"
    )
    for option, text in (("--ingress-port", "HTTP"), ("--ingress-tls-port", "HTTPS")):
        serve.add_argument(
            option, type=int, default=0, help=f"the ingress add-on's {text} port on 127.0.0.1 (default: a free one)"
        )
    ports = commands.add_parser("ports", help="what of the cluster the host reaches, and where")
    ports.add_argument("--data-dir", type=Path, default=default_home())
    for name, text in (("up", "start in the background"), ("down", "stop the background cluster"),
                       ("status", "say whether it runs"), ("reset", "stop it and delete its data")):  # fmt: skip
        command = commands.add_parser(name, help=text)
        command.add_argument("--data-dir", type=Path, default=default_home())
        if name == "up":
            command.add_argument("--speed", type=float, default=1.0, help="passed to `kubesim serve` (default: 1)")
    _add_node_commands(commands)
    _add_load_command(commands)
    args = parser.parse_args(argv)
    if args.command == "serve":
        return _serve(args.data_dir, args.port, args.nodes, args.speed, (args.ingress_port, args.ingress_tls_port))
    if args.command == "ports":
        from kubesim.ports import list_ports

        return list_ports(args.data_dir)
    if args.command == "node":
        return _node(args)
    if args.command == "load":
        return _load(args)
    if args.command == "up":
        return _up(args.data_dir, args.speed)
    return {"down": _down, "status": _status, "reset": _reset}[args.command](args.data_dir)


def _add_node_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    node = commands.add_parser("node", help="power a running cluster's nodes off and on")
    actions = node.add_subparsers(dest="action", required=True)
    for name, text in (("stop", "power a node off: its kubelet stops, as when a machine dies"),
                       ("start", "power a node on again"), ("list", "the nodes and whether they are on")):  # fmt: skip
        action = actions.add_parser(name, help=text)
        if name != "list":
            action.add_argument("name", help="the node, such as kuar-worker")
        action.add_argument("--data-dir", type=Path, default=default_home())


def _node(args: argparse.Namespace) -> int:
    from kubesim.node_power import list_nodes, power

    if args.action == "list":
        return list_nodes(args.data_dir)
    return power(args.data_dir, args.name, on=args.action == "start")


def _add_load_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    load = commands.add_parser(
        "load", help="put request load on a Service (`load NAME`), or take it off (`load stop NAME`)"
    )
    load.add_argument("words", nargs="+", metavar="NAME", help="the Service, or `stop` and the Service")
    load.add_argument("--namespace", "-n", default="default")
    load.add_argument("--rate", type=float, default=100.0, help="requests a second (default: 100)")
    load.add_argument("--duration", help="how long, such as 90s or 5m (simulated; default: until stopped)")
    load.add_argument("--data-dir", type=Path, default=default_home())


def _load(args: argparse.Namespace) -> int:
    from kubesim import load

    if args.words[0] == "stop" and len(args.words) == 2:
        return load.stop(args.data_dir, args.words[1], args.namespace)
    if len(args.words) != 1:
        print("kubesim: usage: kubesim load NAME [--rate RPS] [--duration D] | kubesim load stop NAME", file=sys.stderr)
        return 2
    return load.start(args.data_dir, args.words[0], args.namespace, args.rate, args.duration)


def _serve(data_dir: Path, port: int, nodes: int, speed: float, ingress_ports: tuple[int, int]) -> int:
    from kubesim.server.app import serve

    if nodes < 0:
        print("kubesim: --nodes takes 0 or more", file=sys.stderr)
        return 2
    if not speed > 0:
        print("kubesim: --speed takes a number above 0, such as 10 for ten times faster", file=sys.stderr)
        return 2
    try:
        asyncio.run(serve(data_dir, port, nodes, speed, ingress_ports=ingress_ports))
    except OSError as error:
        print(f"kubesim: cannot serve on 127.0.0.1: {error.strerror or error}", file=sys.stderr)
        return 1
    return 0


def _pid(data_dir: Path) -> int | None:
    """The pid of the kubesim serving data_dir, from its pid file; None when that process is gone, or when the pid
    now belongs to another program (pids are reused: `down` must never stop a stranger)."""
    try:
        pid = int((data_dir / "kubesim.pid").read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    command_line = Path(f"/proc/{pid}/cmdline")
    if command_line.exists():
        try:
            words = command_line.read_bytes().split(b"\0")
        except OSError:
            return None
        if not _serves(words, data_dir):
            return None
    return pid


def _serves(words: list[bytes], data_dir: Path) -> bool:
    """Whether a command line is `kubesim serve --data-dir DATA_DIR`."""
    text = [word.decode(errors="replace") for word in words]
    if "serve" not in text or "--data-dir" not in text[:-1]:
        return False
    return Path(text[text.index("--data-dir") + 1]).resolve() == data_dir.resolve()


def _up(data_dir: Path, speed: float = 1.0) -> int:
    if not speed > 0:
        print("kubesim: --speed takes a number above 0, such as 10 for ten times faster", file=sys.stderr)
        return 2
    if _pid(data_dir) is not None and (data_dir / "kubeconfig").exists():
        print(data_dir / "kubeconfig")
        return 0
    data_dir.mkdir(parents=True, exist_ok=True)
    # A server killed with -9 leaves its kubeconfig behind; waiting for a fresh one tells when this one is ready.
    (data_dir / "kubeconfig").unlink(missing_ok=True)
    log = open(data_dir / "kubesim.log", "ab")  # noqa: SIM115 - handed to the child process
    process = subprocess.Popen(
        [sys.executable, "-m", "kubesim", "serve", "--data-dir", str(data_dir), "--speed", str(speed)],
        stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    (data_dir / "kubesim.pid").write_text(str(process.pid))
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if (data_dir / "kubeconfig").exists():
            print(data_dir / "kubeconfig")
            return 0
        if process.poll() is not None:
            break
        time.sleep(0.1)
    print(f"kubesim: it did not start; see {data_dir / 'kubesim.log'}", file=sys.stderr)
    return 1


def _down(data_dir: Path) -> int:
    pid = _pid(data_dir)
    if pid is None:
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while _pid(data_dir) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    (data_dir / "kubesim.pid").unlink(missing_ok=True)
    return 0


def _status(data_dir: Path) -> int:
    pid = _pid(data_dir)
    if pid is None:
        print("kubesim is not running")
        return 1
    print(f"kubesim is running (pid {pid}); KUBECONFIG={data_dir / 'kubeconfig'}")
    return 0


def _reset(data_dir: Path) -> int:
    _down(data_dir)
    shutil.rmtree(data_dir, ignore_errors=True)
    return 0
