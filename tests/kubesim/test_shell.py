"""Unit tests of the container shell (kubesim/nodes/shell.py and shell_commands.py): what `kubectl exec` runs,
driven directly with a client end that records what the command writes, in containers of hand-written pods."""

from __future__ import annotations

import asyncio
import io
import json
import re
import tarfile
from dataclasses import dataclass, field
from typing import Any

import pytest

from kubesim.clock import Clock
from kubesim.nodes import shell
from kubesim.nodes.kuard import Kuards
from kubesim.nodes.network import Network
from kubesim.nodes.shell import NotFoundInPath, ShellContext, exec_context, run_command
from kubesim.store.store import Store

KUARD = "gcr.io/kuar-demo/kuard-amd64:blue"


@dataclass
class Client:
    """The client's end of an exec: stdin in chunks, then end-of-file; what the command writes."""

    stdin: list[bytes] = field(default_factory=list)
    tty: bool = False
    terminal_size: tuple[int, int] | None = None
    out: bytearray = field(default_factory=bytearray)
    err: bytearray = field(default_factory=bytearray)
    interrupted: asyncio.Event = field(default_factory=asyncio.Event)  # Ctrl-C: never, here

    async def read(self) -> bytes | None:
        return self.stdin.pop(0) if self.stdin else None

    def write_out(self, data: bytes) -> None:
        self.out += data

    def write_err(self, data: bytes) -> None:
        self.err += data

    def size(self) -> tuple[int, int] | None:
        return self.terminal_size


@dataclass
class Ran:
    status: int
    out: str
    err: str
    raw: bytes


def _create(store: Store, resource: str, name: str, body: dict[str, Any], uid: str = "") -> None:
    metadata = {"name": name, "namespace": "default", **({"uid": uid} if uid else {})}
    store.create(resource, "default", name, {"metadata": metadata, **body})


def _running_pod(store: Store, name: str, uid: str, containers: list[dict[str, Any]], **spec: Any) -> None:
    statuses = [
        {"name": c["name"], "containerID": f"containerd://{name}-{c['name']}", "state": {"running": {}}}
        for c in containers
    ]
    body = {
        "spec": {"containers": containers, "nodeName": "kuar-worker", **spec},
        "status": {"podIP": "10.244.1.5" if name == "kuard" else "10.244.2.6", "containerStatuses": statuses},
    }
    _create(store, "/pods", name, body, uid)


@pytest.fixture
def network() -> Network:
    store = Store(None)
    _create(store, "/services", "kubernetes", {"spec": {"clusterIP": "10.96.0.1", "ports": [{"port": 443}]}})
    _create(store, "/secrets", "kuard-tls", {"stringData": {"password": "s3cr3t"}})
    _create(store, "/configmaps", "my-config", {"data": {"a": "1", "my-config.txt": "p = 1"}})
    mounts = [
        {"name": "secret", "mountPath": "/etc/secret"},
        {"name": "config", "mountPath": "/config"},
        {"name": "scratch", "mountPath": "/scratch"},
    ]
    volumes = [
        {"name": "secret", "secret": {"secretName": "kuard-tls"}},
        {"name": "config", "configMap": {"name": "my-config"}},
        {"name": "scratch", "emptyDir": {}},
    ]
    kuard = {"name": "kuard", "image": KUARD, "env": [{"name": "X", "value": "y z"}], "volumeMounts": mounts}
    _running_pod(store, "kuard", "uid-kuard", [kuard], volumes=volumes)
    _running_pod(store, "bb", "uid-bb", [{"name": "bb", "image": "busybox", "command": ["sleep", "3600"]}])
    _running_pod(store, "pause", "uid-pause", [{"name": "pause", "image": "registry.k8s.io/pause:3.10"}])
    http = [{"name": "http", "port": 8080}]
    _create(store, "/services", "alpaca-prod", {"spec": {"clusterIP": "10.96.4.4", "ports": http}})
    address = {"ip": "10.244.1.5", "targetRef": {"kind": "Pod", "name": "kuard"}}
    _create(store, "/endpoints", "alpaca-prod", {"subsets": [{"addresses": [address], "ports": http}]})
    return Network(store, Kuards(), Clock())


def context(network: Network, pod: str = "kuard") -> ShellContext:
    obj = network.store.get("/pods", "default", pod)
    assert obj is not None
    container = obj["spec"]["containers"][0]
    return network.exec_context(obj, container, obj["status"]["containerStatuses"][0]["containerID"])


def run(network: Network, argv: list[str], stdin: bytes | list[bytes] = b"", pod: str = "kuard", **client: Any) -> Ran:
    chunks = stdin if isinstance(stdin, list) else ([stdin] if stdin else [])
    end = Client(stdin=list(chunks), **client)
    status = asyncio.run(run_command(argv, context(network, pod), end))
    return Ran(status, end.out.decode(errors="replace"), end.err.decode(errors="replace"), bytes(end.out))


def sh(network: Network, script: str, **options: Any) -> Ran:
    return run(network, ["sh", "-c", script], **options)


# -- commands run directly, as the runtime runs them -------------------------------------------------------------


def test_the_issue_s_commands(network: Network) -> None:
    env = run(network, ["env"])
    assert env.status == 0
    assert "HOSTNAME=kuard\n" in env.out and "X=y z\n" in env.out and "HOME=/root\n" in env.out
    assert "KUBERNETES_SERVICE_HOST=10.96.0.1\n" in env.out and "TERM=" not in env.out
    assert run(network, ["ls", "/config"]).out == "a\nmy-config.txt\n"
    assert run(network, ["cat", "/etc/secret/password"]).out == "s3cr3t"
    assert run(network, ["sh", "-c", "exit 3"]).status == 3
    assert "TERM=xterm\n" in run(network, ["env"], tty=True).out


@pytest.mark.parametrize(
    ("argv", "pod", "missing"),
    [
        (["no-such-program"], "kuard", "no-such-program"),
        (["bash"], "kuard", "bash"),  # alpine: busybox only
        (["cd", "/tmp"], "kuard", "cd"),  # a shell's own command is no program
        (["sh"], "pause", "sh"),  # distroless
        (["ls"], "pause", "ls"),
    ],
)
def test_a_program_the_image_lacks_is_not_found_in_path(
    network: Network, argv: list[str], pod: str, missing: str
) -> None:
    with pytest.raises(NotFoundInPath) as error:
        run(network, argv, pod=pod)
    assert error.value.name == missing


def test_an_unknown_command_in_a_shell_is_127(network: Network) -> None:
    ran = sh(network, "nosuch; echo $?")
    assert (ran.out, ran.err) == ("127\n", "sh: nosuch: not found\n")
    assert sh(network, "bash -c true", pod="bb").err == "sh: bash: not found\n"


# -- the language ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "printed"),
    [
        ("echo -n a; echo b", "ab\n"),
        ("echo -e 'a\\tb'; echo 'a\\tb'", "a\tb\na\\tb\n"),
        ("printf '%s=%d\\n' a 1 b 2", "a=1\nb=2\n"),
        ("X=1; echo \"$X\" '$X' ${X} ${Y:-default} $?", "1 $X 1 default 0\n"),
        ('X="a  b"; echo $X; echo "$X"', "a b\na  b\n"),
        ("false; echo $?; true; echo $?", "1\n0\n"),
        ("echo $HOSTNAME ~", "kuard /root\n"),
        ("export A=b; env | grep ^A=", "A=b\n"),
        ("B=1; printenv B || echo not exported", "not exported\n"),
        ("C=2 printenv C; echo ${C:-unset}", "2\nunset\n"),
        ("cd /config && pwd && ls; cd; pwd", "/config\na\nmy-config.txt\n/root\n"),
        ("echo $(echo inner) `echo back` $((2 * (3 + 4)))", "inner back 14\n"),
        ("echo /config/*; echo '/config/*'", "/config/a /config/my-config.txt\n/config/*\n"),
        ("true && echo a || echo b; false && echo c || echo d", "a\nd\n"),
        ("! false && echo negated", "negated\n"),
        ("if false; then echo no; elif true; then echo yes; else echo never; fi", "yes\n"),
        ("for x in a b c; do echo $x; done | grep -c .", "3\n"),
        ("i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo $i; done", "1\n2\n3\n"),
        ("until true; do echo no; done; echo done", "done\n"),
        ("{ echo a; echo b; } | wc -l", "2\n"),
        ("(cd /tmp; pwd); pwd", "/tmp\n/\n"),
        ("echo 'multi\nline' | tail -n 1", "line\n"),
        ("# a comment\necho one # and another\necho two", "one\ntwo\n"),
        ("set -- p q; echo $# $1 $2", "2 p q\n"),
        ("printf 'x y z\n' > /tmp/in; read a b < /tmp/in; echo $b", "y z\n"),
    ],
)
def test_the_shell_language(network: Network, script: str, printed: str) -> None:
    assert sh(network, script).out == printed


def test_redirections(network: Network) -> None:
    ran = sh(network, "echo a > /tmp/r; echo b >> /tmp/r; cat < /tmp/r; echo out; echo err >&2; ls /nope 2>&1")
    assert ran.out == "a\nb\nout\nls: /nope: No such file or directory\n"
    assert ran.err == "err\n"
    assert sh(network, "ls /nope 2>/dev/null; echo $?").out == "1\n"
    refused = sh(network, "echo x > /etc/secret/y")
    assert (refused.status, refused.err) == (1, "sh: can't create /etc/secret/y: Read-only file system\n")
    missing = sh(network, "echo x > /no/dir/f")
    assert missing.err == "sh: can't create /no/dir/f: nonexistent directory\n"


def test_syntax_errors_are_reported_with_status_2(network: Network) -> None:
    ran = sh(network, "echo a; fi")
    assert ran.status == 2 and "syntax error" in ran.err and ran.out == ""
    assert sh(network, "echo 'open").status == 2
    assert sh(network, "echo $((1 +))").status == 2


def test_the_image_s_own_program_is_there_but_not_run_by_the_shell(network: Network) -> None:
    assert sh(network, "ls /kuard; /kuard; echo $?").out == "/kuard\n126\n"


def test_the_files_of_the_main_process_s_script_appear_as_it_runs(network: Network) -> None:
    script = "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"
    container = {"name": "liveness", "image": "busybox", "args": ["/bin/sh", "-c", script]}
    _running_pod(network.store, "liveness-exec", "uid-liveness", [container])
    pod = network.store.get("/pods", "default", "liveness-exec")
    assert pod is not None

    def cat_at(elapsed: float) -> int:
        tools = network.tools_for("default")
        at = exec_context(network.store, network.filesystems, tools, pod, container, "c-1", elapsed)
        return asyncio.run(run_command(["cat", "/tmp/healthy"], at, Client()))

    assert [cat_at(5), cat_at(20), cat_at(31)] == [0, 0, 1]


def test_a_script_file(network: Network) -> None:
    sh(network, "echo 'echo got $1; exit 5' > /tmp/s.sh")
    ran = run(network, ["sh", "/tmp/s.sh", "arg"])
    assert (ran.status, ran.out) == (5, "got arg\n")


# -- the commands ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "printed"),
    [
        ("test -d /config && [ -f /etc/secret/password ] && [ ! -e /nope ] && echo files", "files\n"),
        ('[ -z "" ] && [ -n x ] && [ a = a ] && [ a != b ] && [ 2 -gt 1 ] && echo strings', "strings\n"),
        ("[ -d /config; echo $?", "2\n"),
        ("mkdir -p /tmp/a/b && touch /tmp/a/b/f && ls /tmp/a/b && rm -rf /tmp/a && ls /tmp", "f\n"),
        ("echo x > /tmp/f; cp /tmp/f /tmp/g; mv /tmp/g /tmp/h; ls /tmp; cat /tmp/h", "f\nh\nx\n"),
        ("mkdir /tmp/d; touch /tmp/d/x; cp -r /tmp/d /tmp/e; ls /tmp/e; rm /tmp/d; echo $?", "x\n1\n"),
        ("printf '1\\n2\\n3\\n4\\n' | head -n 2; printf '1\\n2\\n3\\n' | tail -n 1", "1\n2\n3\n"),
        ("printf '1\\n2\\n3\\n' | head -1; printf 'abcdef' | tail -c +3", "1\ncdef"),
        ("printf 'a\\nb\\n' | wc -l; printf abc | wc -c", "2\n3\n"),
        ("printf 'one\\ntwo\\nthree\\n' > /tmp/w; grep -v o /tmp/w; grep -c e /tmp/w", "three\n2\n"),
        ("grep -i TWO /tmp/nope 2>/dev/null; echo $?; echo Two | grep -i two", "2\nTwo\n"),
        ("echo two | grep -q tw && echo found; echo two | grep '^t.o$'; echo x | grep y; echo $?", "found\ntwo\n1\n"),
        ("hostname; whoami; id -u; id", "kuard\nroot\n0\nuid=0(root) gid=0(root) groups=0(root)\n"),
        ("uname; uname -n", "Linux\nkuard\n"),
        ("sleep 0 && echo slept; kill 1; echo $?", "slept\n0\n"),
        ("basename /a/b.txt .txt; dirname /a/b.txt", "b\n/a\n"),
        ("seq 3 | sort -r; printf 'b\\na\\na\\n' | sort | uniq -c", "3\n2\n1\n      2 a\n      1 b\n"),
        ("cat /config/a - < /etc/secret/password", "1s3cr3t"),
        ("date +%Y | grep -c '^20[0-9][0-9]$'", "1\n"),
        ("echo ok > /scratch/shared; cat /scratch/shared", "ok\n"),
        (
            "tar cf - /config 2>/dev/null | tar xvf - -C /tmp; cat /tmp/config/a",
            "config/\nconfig/a\nconfig/my-config.txt\n1",
        ),
        ("cd /config && tar czf /tmp/c.tgz a && mkdir /tmp/x && tar -xzf /tmp/c.tgz -C /tmp/x && ls /tmp/x", "a\n"),
    ],
)
def test_commands(network: Network, script: str, printed: str) -> None:
    assert sh(network, script).out == printed


def test_cat_reads_stdin(network: Network) -> None:
    assert run(network, ["cat"], stdin=[b"pip", b"ed"]).out == "piped"
    assert run(network, ["cat", "-"], stdin=b"x").out == "x"
    missing = run(network, ["cat", "/nope"])
    assert (missing.status, missing.err) == (1, "cat: can't open '/nope': No such file or directory\n")


def test_ls_formats(network: Network) -> None:
    long = run(network, ["ls", "-l", "/config"]).out.splitlines()
    assert long[0].startswith("total ")
    assert re.fullmatch(r"-rw-r--r-- +1 root +root +1 \w{3} [ \d]\d \d\d:\d\d a", long[1])
    assert run(network, ["ls", "-a", "/config"]).out == ".\n..\na\nmy-config.txt\n"
    assert run(network, ["ls", "-d", "/config"]).out == "/config\n"
    both = run(network, ["ls", "/nope", "/config"])
    assert both.status == 1 and both.err == "ls: /nope: No such file or directory\n"
    assert "a\nmy-config.txt\n" in both.out
    columns = run(network, ["ls", "/config"], tty=True, terminal_size=(24, 80)).out
    assert columns == "a              my-config.txt\n"


def test_a_secret_is_read_only(network: Network) -> None:
    ran = sh(network, "touch /etc/secret/x")
    assert (ran.status, ran.err) == (1, "touch: /etc/secret/x: Read-only file system\n")
    assert sh(network, "rm /etc/secret/password").err == (
        "rm: can't remove '/etc/secret/password': Read-only file system\n"
    )


def test_ps_lists_the_main_process_first(network: Network) -> None:
    lines = sh(network, "ps").out.splitlines()
    assert lines[0].split() == ["PID", "USER", "TIME", "COMMAND"]
    assert lines[1].split() == ["1", "root", "0:00", "/kuard"]
    assert lines[2].endswith("sh -c ps") and lines[-1].endswith(" ps")


def test_stty_size_tells_the_terminal_s_size(network: Network) -> None:
    assert run(network, ["stty", "size"], tty=True, terminal_size=(30, 120)).out == "30 120\n"
    not_a_tty = run(network, ["stty", "size"])
    assert (not_a_tty.status, not_a_tty.err) == (1, "stty: standard input: Not a tty\n")


def test_network_tools_reach_the_cluster(network: Network) -> None:
    lookup = run(network, ["nslookup", "alpaca-prod"])
    assert lookup.status == 0
    assert "Name:\talpaca-prod.default.svc.cluster.local\nAddress: 10.96.4.4\n" in lookup.out
    page = run(network, ["wget", "-qO-", "http://alpaca-prod:8080/env/api"])
    assert page.status == 0 and json.loads(page.out)["env"]["HOSTNAME"] == "kuard"
    nowhere = run(network, ["wget", "-qO-", "http://nowhere:8080/"])
    assert (nowhere.status, nowhere.err) == (1, "wget: bad address 'nowhere:8080'\n")
    assert run(network, ["curl", "-s", "http://alpaca-prod:8080/healthy"]).out == "ok\n"
    saved = sh(network, "cd /tmp && wget -q http://alpaca-prod:8080/healthy && cat healthy")
    assert saved.out == "ok\n"


# -- tar, as kubectl cp runs it ------------------------------------------------------------------------------------


def test_tar_copies_a_tree_from_one_container_into_another(network: Network) -> None:
    created = run(network, ["tar", "cf", "-", "/config"])
    assert created.status == 0 and created.err == "tar: removing leading '/' from member names\n"
    with tarfile.open(fileobj=io.BytesIO(created.raw)) as archive:
        assert archive.getnames() == ["config", "config/a", "config/my-config.txt"]
    resumed = run(network, ["sh", "-c", "tar cf - /config | tail -c+1"])  # kubectl cp --retries
    assert resumed.raw == created.raw
    assert run(network, ["test", "-d", "/tmp"], pod="bb").status == 0  # kubectl cp's check of the destination
    assert run(network, ["test", "-d", "/tmp/config"], pod="bb").status == 1
    extracted = run(network, ["tar", "-xmf", "-", "-C", "/tmp"], stdin=created.raw, pod="bb")
    assert extracted.status == 0
    assert sh(network, "ls /tmp/config; cat /tmp/config/my-config.txt", pod="bb").out == "a\nmy-config.txt\np = 1"
    options = ["tar", "--no-same-permissions", "--no-same-owner", "-xmf", "-", "-C", "/scratch"]
    assert run(network, options, stdin=created.raw).status == 0
    listing = run(network, ["tar", "-tvf", "-"], stdin=created.raw).out.splitlines()
    assert re.fullmatch(r"drwxr-xr-x root/root +0 [\d-]+ [\d:]+ config/", listing[0])


def test_tar_refuses_what_is_not_an_archive(network: Network) -> None:
    garbage = run(network, ["tar", "xf", "-"], stdin=b"not a tar archive at all")
    assert (garbage.status, garbage.err) == (1, "tar: invalid tar magic\n")
    empty = run(network, ["tar", "-xf", "-"])
    assert (empty.status, empty.err) == (1, "tar: short read\n")
    read_only = run(network, ["tar", "-xf", "-", "-C", "/config"], stdin=run(network, ["tar", "cf", "-", "/tmp"]).raw)
    assert read_only.status == 1 and "Read-only file system" in read_only.err
    assert run(network, ["tar", "cf", "-", "/nope"]).err == "tar: /nope: No such file or directory\n"


# -- interactive shells ------------------------------------------------------------------------------------------


def test_an_interactive_shell_on_a_terminal_prompts_and_exits_with_exit(network: Network) -> None:
    ran = run(network, ["ash"], stdin=[b"cd /root\n", b"pwd\n", b"exit 4\n", b"echo never\n"], tty=True)
    assert ran.status == 4
    assert ran.out == "/ # ~ # /root\n~ # "


def test_a_shell_reads_commands_from_stdin_until_end_of_file(network: Network) -> None:
    script = b"echo a\nfor i in 1 2\ndo echo $i\ndone\nfi\necho after\nfalse\n"
    ran = run(network, ["sh"], stdin=script)
    assert ran.out == "a\n1\n2\nafter\n"
    assert ran.err == 'sh: syntax error: unexpected "fi"\n'
    assert ran.status == 1  # the last command's


def test_an_endless_loop_is_stopped_by_the_guard(network: Network, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shell, "MAX_ITERATIONS", 50)
    ran = sh(network, "while true; do :; done; echo after")
    assert ran.out == "after\n" and ran.err == "sh: loop stopped after 50 iterations\n"


def test_an_endless_loop_yields_and_can_be_cancelled(network: Network) -> None:
    async def scenario() -> bool:
        task = asyncio.ensure_future(run_command(["sh", "-c", "while :; do :; done"], context(network), Client()))
        for _ in range(20):
            await asyncio.sleep(0)
        running = not task.done()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return running and task.cancelled()

    assert asyncio.run(scenario())
