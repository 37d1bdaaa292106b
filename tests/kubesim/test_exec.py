"""`kubectl exec` and `kubectl cp` in simulated containers (kubesim/api/pod_exec.py, remote_command.py), over
WebSocket (kubectl's default) and SPDY/3.1, with and without a terminal, and what broken clients get."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import signal
import socket
import ssl
import struct
import subprocess
import termios
import time
from pathlib import Path

import pytest
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, BytesMessage, CloseConnection, Request

from tests.kubesim.conftest import KUBECTL, Cluster

NAMESPACE = "exec-test"
KUARD = "gcr.io/kuar-demo/kuard-amd64:blue"
SETUP = f"""
apiVersion: v1
kind: Namespace
metadata: {{name: {NAMESPACE}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: my-config, namespace: {NAMESPACE}}}
data: {{another-param: another-value, extra-param: extra-value}}
---
apiVersion: v1
kind: Secret
metadata: {{name: kuard-creds, namespace: {NAMESPACE}}}
stringData: {{password: s3cr3t}}
---
apiVersion: v1
kind: Pod
metadata: {{name: kuard, namespace: {NAMESPACE}}}
spec:
  containers:
  - name: kuard
    image: {KUARD}
    env:
    - {{name: ANOTHER_PARAM, valueFrom: {{configMapKeyRef: {{name: my-config, key: another-param}}}}}}
    volumeMounts:
    - {{name: config, mountPath: /config}}
    - {{name: creds, mountPath: /creds, readOnly: true}}
  volumes:
  - {{name: config, configMap: {{name: my-config}}}}
  - {{name: creds, secret: {{secretName: kuard-creds}}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: alpaca-prod, namespace: {NAMESPACE}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: alpaca}}}}
  template:
    metadata: {{labels: {{app: alpaca}}}}
    spec:
      containers: [{{name: kuard, image: {KUARD}, ports: [{{containerPort: 8080}}]}}]
---
apiVersion: v1
kind: Service
metadata: {{name: alpaca-prod, namespace: {NAMESPACE}}}
spec:
  selector: {{app: alpaca}}
  ports: [{{port: 8080}}]
---
apiVersion: v1
kind: Pod
metadata: {{name: done, namespace: {NAMESPACE}}}
spec:
  restartPolicy: Never
  containers: [{{name: once, image: busybox, command: [sh, -c, "exit 0"]}}]
---
apiVersion: v1
kind: Pod
metadata: {{name: referencing, namespace: {NAMESPACE}}}
spec:
  containers:
  - name: kuard
    image: {KUARD}
    args: ["$(ANOTHER_PARAM)", "$(NOT_SET)", "$$(ANOTHER_PARAM)"]
    env:
    - {{name: ANOTHER_PARAM, valueFrom: {{configMapKeyRef: {{name: my-config, key: another-param}}}}}}
---
apiVersion: v1
kind: Pod
metadata: {{name: hardened, namespace: {NAMESPACE}}}
spec:
  securityContext: {{runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000]}}
  containers:
  - name: kuard
    image: {KUARD}
    securityContext: {{readOnlyRootFilesystem: true}}
    volumeMounts: [{{name: scratch, mountPath: /scratch}}]
  volumes: [{{name: scratch, emptyDir: {{}}}}]
---
apiVersion: v1
kind: Pod
metadata: {{name: quiet, namespace: {NAMESPACE}}}
spec:
  containers: [{{name: pause, image: registry.k8s.io/pause:3.10}}]
"""
TRANSPORTS = pytest.mark.parametrize("websockets", [True, False], ids=["websocket", "spdy"])


@pytest.fixture(scope="module")
def ready(cluster: Cluster) -> Cluster:
    cluster.kubectl("apply", "-f", "-", stdin=SETUP)
    for pod in ("kuard", "quiet", "referencing", "hardened"):
        cluster.kubectl("wait", "-n", NAMESPACE, "--for=condition=Ready", f"pod/{pod}", "--timeout=90s")
    cluster.kubectl("wait", "-n", NAMESPACE, "--for=condition=Available", "deploy/alpaca-prod", "--timeout=90s")
    cluster.kubectl("wait", "-n", NAMESPACE, "--for=jsonpath={.status.phase}=Succeeded", "pod/done", "--timeout=90s")
    return cluster


def kubectl(
    cluster: Cluster, *args: str, stdin: str | bytes | None = None, websockets: bool = True
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "KUBECONFIG": str(cluster.kubeconfig)}
    env["KUBECTL_REMOTE_COMMAND_WEBSOCKETS"] = "true" if websockets else "false"
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run(
        [str(KUBECTL), "-n", NAMESPACE, *args], input=data, capture_output=True, timeout=60, env=env, check=False
    )


@TRANSPORTS
def test_env_shows_the_containers_environment(ready: Cluster, websockets: bool) -> None:
    result = kubectl(ready, "exec", "kuard", "--", "env", websockets=websockets)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert "HOSTNAME=kuard" in lines
    assert "ANOTHER_PARAM=another-value" in lines
    assert any(line.startswith("KUBERNETES_SERVICE_HOST=") for line in lines)


def test_service_variables_and_command_references(ready: Cluster) -> None:
    ip = ready.kubectl("get", "svc", "alpaca-prod", "-n", NAMESPACE, "-o", "jsonpath={.spec.clusterIP}").stdout
    lines = kubectl(ready, "exec", "deploy/alpaca-prod", "--", "env").stdout.decode().splitlines()
    assert f"ALPACA_PROD_SERVICE_HOST={ip}" in lines
    assert "ALPACA_PROD_SERVICE_PORT=8080" in lines
    assert f"ALPACA_PROD_PORT_8080_TCP=tcp://{ip}:8080" in lines
    processes = kubectl(ready, "exec", "referencing", "--", "ps").stdout.decode()
    assert "/kuard another-value $(NOT_SET) $(ANOTHER_PARAM)" in processes  # $$( ) escapes, unknown stays


def test_the_security_context_decides_the_user_and_a_read_only_root(ready: Cluster) -> None:
    assert kubectl(ready, "exec", "hardened", "--", "id").stdout == b"uid=1000 gid=3000 groups=2000,3000,4000\n"
    whoami = kubectl(ready, "exec", "hardened", "--", "whoami")
    assert whoami.returncode == 1 and b"whoami: unknown uid 1000" in whoami.stderr
    refused = kubectl(ready, "exec", "hardened", "--", "touch", "/x")
    assert refused.returncode == 1 and b"Read-only file system" in refused.stderr
    assert kubectl(ready, "exec", "hardened", "--", "touch", "/scratch/x").returncode == 0
    assert kubectl(ready, "exec", "kuard", "--", "id", "-un").stdout == b"root\n"


def test_a_changed_config_map_shows_in_the_mounted_files(ready: Cluster) -> None:
    assert kubectl(ready, "exec", "kuard", "--", "cat", "/config/extra-param").stdout == b"extra-value"
    ready.kubectl("patch", "configmap", "my-config", "-n", NAMESPACE, "-p", '{"data":{"extra-param":"changed"}}')
    try:
        assert kubectl(ready, "exec", "kuard", "--", "cat", "/config/extra-param").stdout == b"changed"
    finally:
        ready.kubectl(
            "patch", "configmap", "my-config", "-n", NAMESPACE, "-p", '{"data":{"extra-param":"extra-value"}}'
        )


@TRANSPORTS
def test_mounted_config_and_secret_files(ready: Cluster, websockets: bool) -> None:
    listing = kubectl(ready, "exec", "kuard", "--", "ls", "/config", websockets=websockets)
    assert listing.stdout.decode().split() == ["another-param", "extra-param"]
    secret = kubectl(ready, "exec", "kuard", "--", "cat", "/creds/password", websockets=websockets)
    assert secret.stdout == b"s3cr3t"


def test_cluster_dns_and_services_from_inside(ready: Cluster) -> None:
    ip = ready.kubectl("get", "svc", "alpaca-prod", "-n", NAMESPACE, "-o", "jsonpath={.spec.clusterIP}").stdout
    lookup = kubectl(ready, "exec", "kuard", "--", "nslookup", "alpaca-prod").stdout.decode()
    assert f"Name:\talpaca-prod.{NAMESPACE}.svc.cluster.local" in lookup
    assert f"Address: {ip}" in lookup
    page = kubectl(ready, "exec", "kuard", "--", "wget", "-qO-", "http://alpaca-prod:8080/env")
    assert page.returncode == 0, page.stderr
    assert re.search(rb"<td>HOSTNAME</td><td>alpaca-prod-[a-z0-9]+-[a-z0-9]+</td>", page.stdout)
    api = kubectl(ready, "exec", "kuard", "--", "wget", "-qO-", "http://alpaca-prod:8080/env/api")
    assert json.loads(api.stdout)["env"]["HOSTNAME"].startswith("alpaca-prod-")


@TRANSPORTS
def test_exit_codes_and_stderr(ready: Cluster, websockets: bool) -> None:
    failed = kubectl(ready, "exec", "kuard", "--", "sh", "-c", "echo out; echo err >&2; exit 3", websockets=websockets)
    assert failed.returncode == 3
    assert failed.stdout == b"out\n"
    assert b"err\n" in failed.stderr
    assert b"command terminated with exit code 3" in failed.stderr
    missing = kubectl(ready, "exec", "kuard", "--", "cat", "/nope", websockets=websockets)
    assert missing.returncode == 1
    assert b"cat: can't open '/nope': No such file or directory" in missing.stderr


def test_a_program_that_is_not_there(ready: Cluster) -> None:
    result = kubectl(ready, "exec", "kuard", "--", "no-such-tool")
    assert result.returncode != 0
    assert b'exec: "no-such-tool": executable file not found in $PATH' in result.stderr
    shell = kubectl(ready, "exec", "quiet", "--", "sh")  # the pause image has no shell at all
    assert b'exec: "sh": executable file not found in $PATH' in shell.stderr


@TRANSPORTS
def test_stdin_reaches_the_command_and_its_end_ends_it(ready: Cluster, websockets: bool) -> None:
    result = kubectl(ready, "exec", "-i", "kuard", "--", "wc", "-l", stdin="one\ntwo\nthree\n", websockets=websockets)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().strip() == "3"


def test_pods_that_cannot_be_execed_into(ready: Cluster) -> None:
    done = kubectl(ready, "exec", "done", "--", "true")
    assert b"cannot exec into a container in a completed pod; current phase is Succeeded" in done.stderr
    ghost = kubectl(ready, "exec", "ghost", "--", "true")
    assert b'pods "ghost" not found' in ghost.stderr
    wrong = kubectl(ready, "exec", "kuard", "-c", "nginx", "--", "true")
    assert b"container nginx is not valid for pod kuard" in wrong.stderr


@TRANSPORTS
def test_cp_into_and_out_of_a_pod(ready: Cluster, tmp_path: Path, websockets: bool) -> None:
    source = tmp_path / "notes"
    (source / "deeper").mkdir(parents=True)
    (source / "a.txt").write_text("alpha\n")
    (source / "deeper" / "b.txt").write_text("bravo\n")
    into = kubectl(ready, "cp", str(source), f"{NAMESPACE}/kuard:/tmp/notes", websockets=websockets)
    assert into.returncode == 0, into.stderr
    read = kubectl(ready, "exec", "kuard", "--", "cat", "/tmp/notes/deeper/b.txt", websockets=websockets)
    assert read.stdout == b"bravo\n"
    back = tmp_path / "back"
    out = kubectl(ready, "cp", f"{NAMESPACE}/kuard:/tmp/notes", str(back), websockets=websockets)
    assert out.returncode == 0, out.stderr
    assert (back / "a.txt").read_text() == "alpha\n"
    assert (back / "deeper" / "b.txt").read_text() == "bravo\n"
    secret = tmp_path / "password"
    kubectl(ready, "cp", f"{NAMESPACE}/kuard:/creds/password", str(secret), websockets=websockets)
    assert secret.read_text() == "s3cr3t"


# -- with a terminal ------------------------------------------------------------------------------------


class Terminal:
    """kubectl (`exec -it`, `run -it`) on a real pseudo-terminal, as a learner's shell runs it."""

    def __init__(self, cluster: Cluster, *args: str, rows: int = 24, columns: int = 80) -> None:
        self.master, slave = pty.openpty()
        self.resize(rows, columns)
        env = {**os.environ, "KUBECONFIG": str(cluster.kubeconfig), "TERM": "xterm"}
        self.process = subprocess.Popen(
            [str(KUBECTL), "-n", NAMESPACE, *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.screen = b""

    def resize(self, rows: int, columns: int) -> None:
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def expect(self, pattern: str, seconds: float = 20) -> re.Match[bytes]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            match = re.search(pattern.encode(), self.screen)
            if match:
                self.screen = self.screen[match.end() :]
                return match
            readable, _, _ = select.select([self.master], [], [], 0.2)
            if readable:
                try:
                    self.screen += os.read(self.master, 4096)
                except OSError:
                    break
        raise AssertionError(f"{pattern!r} never appeared; the terminal shows {self.screen!r}")

    def exit_code(self) -> int:
        code = self.process.wait(timeout=30)
        os.close(self.master)
        return code


def test_an_interactive_shell_on_a_pty(ready: Cluster) -> None:
    terminal = Terminal(ready, "exec", "-it", "kuard", "--", "ash")
    terminal.expect(r"/ # ")
    terminal.type("echo hello $HOSTNAME\r")
    terminal.expect(r"echo hello \$HOSTNAME\r\n")  # the pty echoes what is typed
    terminal.expect(r"hello kuard\r\n/ # ")
    terminal.type("stty size\r")
    terminal.expect(r"\r\n24 80\r\n")
    terminal.resize(40, 132)
    os.killpg(terminal.process.pid, signal.SIGWINCH)
    for _ in range(20):  # the new size reaches the pod after kubectl's own SIGWINCH handling
        terminal.type("stty size\r")
        match = terminal.expect(r"\r\n(\d+ \d+)\r\n")
        if match.group(1) == b"40 132":
            break
    else:
        raise AssertionError("the resize never reached the pod's terminal")
    terminal.type("cd /config && ls\r")
    terminal.expect(r"another-param\s+extra-param")
    terminal.type("exit 7\r")
    assert terminal.exit_code() == 7


def test_ctrl_c_interrupts_and_ctrl_d_ends(ready: Cluster) -> None:
    terminal = Terminal(ready, "exec", "-it", "kuard", "--", "sh")
    terminal.expect(r"/ # ")
    terminal.type("sleep 1000\r")
    terminal.type("\x03")
    terminal.expect(r"\^C")
    terminal.type("echo after $?\r")
    terminal.expect(r"after 130")
    terminal.type("\x04")
    assert terminal.exit_code() == 0


def test_kubectl_run_it_attaches_to_the_shell_and_exit_ends_the_pod(ready: Cluster) -> None:
    terminal = Terminal(ready, "run", "shell", "-it", "--rm", "--image=busybox", "--restart=Never", "--", "sh")
    terminal.expect(r"If you don't see a command prompt, try pressing enter")
    terminal.type("\r")
    terminal.expect(r"/ # ")
    terminal.type("echo hi from $HOSTNAME\r")
    terminal.expect(r"hi from shell\r\n")
    terminal.type("exit 4\r")
    terminal.expect(r"Session ended")
    assert terminal.exit_code() == 4  # kubectl run -it reports the container's exit code
    result = ready.kubectl("get", "pod", "shell", "-n", NAMESPACE, "--ignore-not-found", "-o", "name")
    assert result.stdout == ""  # --rm deleted it once it ended


def test_attach_follows_what_the_main_process_prints(ready: Cluster) -> None:
    ready.kubectl(
        "run", "keygen", "-n", NAMESPACE, f"--image={KUARD}", "--", "/kuard", "--keygen-enable",
        "--keygen-num-to-gen=100000",
    )  # fmt: skip
    ready.kubectl("wait", "-n", NAMESPACE, "--for=condition=Ready", "pod/keygen", "--timeout=90s")
    env = {**os.environ, "KUBECONFIG": str(ready.kubeconfig)}
    process = subprocess.Popen(
        [str(KUBECTL), "-n", NAMESPACE, "attach", "keygen"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert process.stdout is not None
    lines = [process.stdout.readline() for _ in range(3)]
    process.terminate()
    process.wait(timeout=10)
    numbers = [int(re.search(rb"\(ID 0 (\d+)/100000\) Item done", line).group(1)) for line in lines]  # type: ignore[union-attr]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3


# -- clients that break the protocol --------------------------------------------------------------------


def _websocket(cluster: Cluster, path: str, protocol: str) -> tuple[ssl.SSLSocket, WSConnection]:
    host, port = re.search(r"https://([\d.]+):(\d+)", cluster.kubeconfig.read_text()).groups()  # type: ignore[union-attr]
    token = (cluster.data_dir / "admin-token").read_text().strip()
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    sock = context.wrap_socket(socket.create_connection((host, int(port)), timeout=20), server_hostname=host)
    client = WSConnection(ConnectionType.CLIENT)
    request = Request(
        host=host,
        target=path,
        subprotocols=[protocol],
        extra_headers=[(b"authorization", f"Bearer {token}".encode())],
    )
    sock.sendall(client.send(request))
    while True:
        client.receive_data(sock.recv(65536))
        events = list(client.events())
        if any(isinstance(event, AcceptConnection) for event in events):
            return sock, client
        assert not events, f"the upgrade was refused: {events}"


def _messages(sock: ssl.SSLSocket, client: WSConnection) -> list[bytes]:
    """Every message until the server closes the WebSocket."""
    messages: list[bytes] = []
    while True:
        data = sock.recv(65536)
        client.receive_data(data or None)
        for event in client.events():
            if isinstance(event, BytesMessage):
                messages.append(bytes(event.data))
            elif isinstance(event, CloseConnection):
                return messages
        if not data:
            return messages


@pytest.mark.parametrize("protocol", ["v4.channel.k8s.io", "v5.channel.k8s.io"])
def test_channel_protocols_by_hand_and_junk_on_them(ready: Cluster, protocol: str) -> None:
    query = "command=sh&command=-c&command=cat%3B%20exit%205&stdin=true&stdout=true&stderr=true"
    sock, client = _websocket(ready, f"/api/v1/namespaces/{NAMESPACE}/pods/kuard/exec?{query}", protocol)
    sock.sendall(client.send(BytesMessage(data=b"\x04{not json")))  # a resize that does not parse: ignored
    sock.sendall(client.send(BytesMessage(data=b"\x07what")))  # a stream that does not exist: ignored
    sock.sendall(client.send(BytesMessage(data=b"")))  # not even a stream number: ignored
    sock.sendall(client.send(BytesMessage(data=b"\x00piped\n")))
    if protocol == "v5.channel.k8s.io":
        sock.sendall(client.send(BytesMessage(data=b"\xff\x00")))  # v5: stdin is closed
        messages = _messages(sock, client)
        assert b"\x01piped\n" in messages
        status = json.loads(next(message for message in messages if message[:1] == b"\x03")[1:])
        assert status["reason"] == "NonZeroExitCode"
        assert status["details"]["causes"] == [{"reason": "ExitCode", "message": "5"}]
    else:  # v4 cannot say that stdin ended: closing the connection stops the command
        sock.sendall(client.send(CloseConnection(code=1000)))
        _messages(sock, client)
    sock.close()
    assert kubectl(ready, "exec", "kuard", "--", "true").returncode == 0  # the server goes on serving


def test_a_client_that_vanishes_mid_command_leaves_the_server_serving(ready: Cluster) -> None:
    query = "command=sleep&command=1000&stdout=true"
    for _ in range(3):
        sock, _ = _websocket(ready, f"/api/v1/namespaces/{NAMESPACE}/pods/kuard/exec?{query}", "v5.channel.k8s.io")
        sock.close()
    assert kubectl(ready, "exec", "kuard", "--", "echo", "still here").stdout == b"still here\n"
