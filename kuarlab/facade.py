"""`lab`: everything a chapter notebook calls, in one object.

```python
from kuarlab import lab
lab.connect("05")              # choose the cluster, chapter namespace ch05, %kubectl
                               # (exercises="../exercises": a folder of chNN.yaml, as student copies use)
%kubectl get pods -w           # bounded: stops after lab.watch_seconds
lab.check("5.1", wait=60)      # the exercise's criteria against the live cluster
lab.hint("5.1"); lab.solution("5.1")
lab.progress(); lab.reset(); lab.cleanup()
```

The Lab only composes the modules that do the work: `backend` (which cluster, the chapter kubeconfig), `commands`
(bounded kubectl and shell, background port-forwards), `exercise_files` and `criteria` (exercises and their
checks), `progress` (what is done), `views` (live widgets) and `layers` (chapter 2's image layers).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kuarlab import backend, binder, commands, criteria, exercise_files, progress
from kuarlab.exercise_files import Exercise

AUTOSOLVE_WAIT_SECONDS = 120.0
NAMESPACE_GONE_SECONDS = 120.0
HTTP_TIMEOUT_SECONDS = 10.0
CHECK_POLL_SECONDS = 1.0
SHELL_SYNTAX = frozenset("|&;<>$`")  # a solution command with these runs through the shell
KIND_NODE_COMMANDS = {"stop": "docker stop {name}", "start": "docker start {name}"}


def repo_root() -> Path:
    """Where `fixtures/` is: the checkout kuarlab runs from, else the current directory."""
    checkout = Path(__file__).resolve().parents[1]
    return checkout if (checkout / "fixtures").is_dir() else Path.cwd()


def project_path(path: str) -> Path:
    """A path as given when it exists from here, else from the repository root (notebooks run in notebooks/)."""
    given = Path(path).expanduser()
    return given if given.is_absolute() or given.exists() else repo_root() / given


class NotConnected(RuntimeError):
    def __init__(self) -> None:
        super().__init__('kuarlab: not connected yet: run lab.connect("NN") with the chapter\'s number first')


class Lab:
    """The notebooks' one entry point; `kuarlab.lab` is the instance they share."""

    def __init__(self) -> None:
        self.backend: str | None = None
        self.chapter: str | None = None
        self.namespace: str | None = None
        self.kubeconfig: Path | None = None
        self.watch_seconds = commands.WATCH_SECONDS
        self._config: dict[str, Any] | None = None
        self._api: Any = None
        self._reader: criteria.ClusterReader | None = None
        self._background = commands.BackgroundProcesses()
        self._told_about_binder = False

    def __repr__(self) -> str:
        if self.namespace is None:
            return "<kuarlab lab: not connected>"
        return f"<kuarlab lab: {self.backend} · namespace {self.namespace}>"

    def _ipython_display_(self) -> None:
        """Nothing: `lab.connect(...)` ends a cell and has printed its one line already."""

    # connecting

    def connect(self, chapter: str | int, exercises: str | None = None) -> Lab:
        chapter = exercise_files.chapter_id(chapter)
        if exercises is not None:
            _use_exercise_folder(exercises)
        chosen = backend.choose_backend()
        if self._config != chosen.config:
            self._api, self._reader = None, None
        self.backend, self._config, self.chapter = chosen.kind, chosen.config, chapter
        self.namespace = f"ch{chapter}"
        self.kubeconfig = backend.write_chapter_kubeconfig(chosen.config, self.namespace)
        self._point_shell_at_chapter()
        self._ensure_namespace(self.namespace)
        print(self._connected_line(chosen))
        if binder.on_binder() and not self._told_about_binder:
            print(binder.SAVE_YOUR_WORK)
            self._told_about_binder = True
        _register_magics(self)
        return self

    def api(self) -> Any:
        """A `kubernetes.client.ApiClient` for the chapter's kubeconfig."""
        if self._api is None:
            from kubernetes import config as kube_config

            self._api = kube_config.new_client_from_config(config_file=str(self._connected_kubeconfig()))
        return self._api

    def _connected_kubeconfig(self) -> Path:
        if self.kubeconfig is None:
            raise NotConnected()
        return self.kubeconfig

    def _point_shell_at_chapter(self) -> None:
        if backend.USER_KUBECONFIG_VARIABLE not in os.environ:
            os.environ[backend.USER_KUBECONFIG_VARIABLE] = os.environ.get("KUBECONFIG", "")
        os.environ["KUBECONFIG"] = str(self.kubeconfig)
        project_bin = str(Path(sys.executable).parent)
        path = [part for part in os.environ.get("PATH", "").split(os.pathsep) if part and part != project_bin]
        os.environ["PATH"] = os.pathsep.join([project_bin, *path])

    def _connected_line(self, chosen: backend.Backend) -> str:
        where = chosen.description
        if chosen.kind == "kubesim":
            from kubernetes import client

            nodes = len(client.CoreV1Api(self.api()).list_node(_request_timeout=10).items)
            where = where.replace("{nodes}", str(nodes))
        parts = [f"kuarlab: {where}", f"namespace {self.namespace}"]
        version = backend.kubectl_version(commands.project_kubectl()) if chosen.kind == "kubesim" else None
        if version:
            parts.append(f"kubectl {version}")
        return " · ".join(parts)

    def _ensure_namespace(self, namespace: str) -> None:
        from kubernetes import client
        from kubernetes.client.exceptions import ApiException

        core = client.CoreV1Api(self.api())
        try:
            core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=namespace)), _request_timeout=10)
        except ApiException as error:
            if error.status != 409:  # 409: it exists already
                raise

    # commands

    def kubectl(self, arguments: str | Sequence[str], capture: bool = False) -> subprocess.CompletedProcess[str] | None:
        """Run the project's kubectl in the chapter's namespace, bounded (see kuarlab.commands): its output is
        printed, or with capture=True returned (and not printed)."""
        return self._kubectl(arguments, capture, cwd=None, env=None)

    def _kubectl(
        self, arguments: str | Sequence[str], capture: bool, cwd: Path | None, env: dict[str, str] | None
    ) -> subprocess.CompletedProcess[str] | None:
        self._connected_kubeconfig()
        words = shlex.split(arguments) if isinstance(arguments, str) else list(arguments)
        bound, words = commands.split_bound(words)
        argv = [str(commands.project_kubectl()), *words]
        refused = commands.refusal(words)
        if refused:
            print(refused)
            return subprocess.CompletedProcess(argv, 2, "", refused) if capture else None
        if commands.runs_in_background(words):
            started = self._background.start(argv, str(commands.subcommand(words)), str(self.namespace))
            return subprocess.CompletedProcess(argv, 0, "".join(started.lines), "") if capture else None
        stop_after = bound if bound is not None else self.watch_seconds if commands.bounded_by_watch(words) else None
        return self._run(argv, stop_after, capture, cwd=cwd, env=env, watching=commands.bounded_by_watch(words))

    def sh(self, command: str, capture: bool = False) -> subprocess.CompletedProcess[str] | None:
        """A shell command (such as curl after a port-forward) under the same hard timeout as kubectl."""
        return self._run(["/bin/sh", "-c", command], None, capture)

    def _run(
        self,
        argv: list[str],
        stop_after: float | None,
        capture: bool,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        watching: bool = False,
    ) -> subprocess.CompletedProcess[str] | None:
        timeout = max(commands.HARD_TIMEOUT_SECONDS, stop_after or 0.0, commands.own_timeout(argv[1:]) or 0.0)
        outcome = commands.run_bounded(argv, stop_after=stop_after, timeout=timeout, echo=not capture, cwd=cwd, env=env)
        if outcome.stopped_after is not None:
            what = "watching" if watching else f"`{_shown(argv)}`"
            print(f"(kuarlab: stopped {what} after {outcome.stopped_after:g} s)")
        if outcome.killed_after is not None:
            print(f"(kuarlab: killed `{_shown(argv)}` after {outcome.killed_after:g} s: it did not finish)")
        return outcome.completed() if capture else None

    def port_forward(self, target: str, port: int) -> int:
        """`kubectl port-forward TARGET :PORT` in the background, on a local port that is free (a fixed one may be
        taken on a shared machine): the local port, for `http_get(f"http://localhost:{port}/...")`."""
        self._connected_kubeconfig()
        argv = [str(commands.project_kubectl()), "port-forward", target, f":{port}"]
        started = self._background.start(argv, "port-forward", str(self.namespace))
        found = re.search(r"Forwarding from 127\.0\.0\.1:(\d+)", "".join(started.lines))
        if found is None:
            started.stop()
            raise RuntimeError(f"kuarlab: `kubectl port-forward {target} :{port}` listens on no IPv4 port")
        return int(found.group(1))

    def http_get(self, url: str) -> str:
        with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT_SECONDS) as response:
            body: bytes = response.read()
        return body.decode("utf-8", "replace")

    def stop(self, name: str) -> None:
        """Stop the background processes of that kind: "port-forward" or "proxy"."""
        stopped = self._background.stop(name=name)
        print(f"kuarlab: stopped {len(stopped)} {name} process{'es' if len(stopped) != 1 else ''}")

    def stop_all(self) -> None:
        stopped = self._background.stop()
        print(f"kuarlab: stopped {len(stopped)} background process{'es' if len(stopped) != 1 else ''}")

    def background(self) -> list[commands.BackgroundProcess]:
        """The background processes still running."""
        return self._background.running()

    # simulated machines and load (kubesim), with what to type on kind

    def node_stop(self, name: str) -> None:
        self._node("stop", name)

    def node_start(self, name: str) -> None:
        self._node("start", name)

    def _node(self, action: str, name: str) -> None:
        on_kind = KIND_NODE_COMMANDS[action].format(name=name)
        if self.backend == "kubesim":
            print(f"(on kind: {on_kind})")
            self._run(self._kubesim_argv("node", action, name), None, False)
        elif self.backend == "kubeconfig":
            self._on_kind(on_kind)
        else:
            raise NotConnected()

    def load(self, service: str, rate: float = 100.0, duration: str | None = None) -> None:
        """Put `rate` requests a second on a Service for `duration` (such as "2m"; default: until stopped)."""
        service = service.rpartition("/")[2]
        seconds = f" -z {duration}" if duration else ""
        on_kind = (
            f"kubectl run load-{service} --image=williamyeh/hey --restart=Never -- "
            f"-c 1 -q {rate:g}{seconds} http://{service}.{self.namespace}.svc.cluster.local:{self._service_port(service)}/"
        )
        if self.backend == "kubesim":
            print(f"(on kind: {on_kind})")
            options = ["--namespace", str(self.namespace), "--rate", f"{rate:g}"]
            self._run(self._kubesim_argv("load", service, *options, *(["--duration", duration] if duration else [])),
                      None, False)  # fmt: skip
        elif self.backend == "kubeconfig":
            print(f"kuarlab: on this cluster, put load on it with:\n  {on_kind}")
        else:
            raise NotConnected()

    def _service_port(self, service: str) -> int:
        """The Service's first port, for the kind equivalent of `load`; 80 when it cannot be read."""
        from kubernetes import client
        from kubernetes.client.exceptions import ApiException

        try:
            found = client.CoreV1Api(self.api()).read_namespaced_service(service, str(self.namespace))
        except ApiException:
            return 80
        ports = found.spec.ports if found.spec else None
        return int(ports[0].port) if ports else 80

    def _kubesim_argv(self, *words: str) -> list[str]:
        return [sys.executable, "-m", "kubesim", *words, "--data-dir", str(backend.kubesim_home())]

    def _on_kind(self, command: str) -> None:
        import shutil

        print(f"kuarlab: on kind this is: {command}")
        if shutil.which("docker"):
            self._run(shlex.split(command), None, False)
        else:
            print("kuarlab: docker is not installed here: run it where your kind cluster runs")

    # exercises

    def check(self, exercise_id: str, wait: float = 0) -> bool:
        """Judge the exercise against the cluster, waiting up to `wait` seconds for it to pass."""
        exercise = exercise_files.find_exercise(exercise_id)
        autosolve = os.environ.get("KUARLAB_AUTOSOLVE") == "1" and exercise.solution is not None
        # with autosolve nobody works on the exercise meanwhile: waiting would only delay the solution
        verdicts = self._judge_until(exercise, 0 if autosolve else wait)
        if not _all_passed(verdicts) and autosolve:
            print(f"(kuarlab: KUARLAB_AUTOSOLVE=1: running the solution to {exercise_id})")
            self._apply_solution(exercise)
            verdicts = self._judge_until(exercise, AUTOSOLVE_WAIT_SECONDS)
        print(f"Exercise {exercise_id}: {exercise.task}")
        for verdict in verdicts:
            print(verdict.line())
        if _all_passed(verdicts):
            progress.record_done(exercise_id)
            print(f"Exercise {exercise_id} done ✓")
            return True
        if os.environ.get("KUARLAB_AUTOSOLVE") == "1":
            failed = "; ".join(verdict.asks for verdict in verdicts if not verdict.passed)
            raise AssertionError(f"exercise {exercise_id} fails even after its solution: {failed}")
        return False

    def _judge_until(self, exercise: Exercise, wait: float) -> list[criteria.Verdict]:
        namespace = f"ch{exercise.chapter}"
        if self._reader is None:
            self._reader = criteria.ClusterReader(self.api())
        deadline = time.monotonic() + wait
        while True:
            verdicts = [criteria.judge(criterion, self._reader, namespace) for criterion in exercise.criteria]
            if _all_passed(verdicts) or time.monotonic() >= deadline:
                return verdicts
            time.sleep(CHECK_POLL_SECONDS)

    def hint(self, exercise_id: str) -> None:
        exercise = exercise_files.find_exercise(exercise_id)
        index = progress.advance_hint(exercise_id, len(exercise.hints))
        where_the_solution_is = (
            "your instructor has the solution" if exercise.student_edition
            else f'lab.solution("{exercise_id}") shows the solution'
        )  # fmt: skip
        if index is None:
            print(f"No more hints for {exercise_id}: {where_the_solution_is}.")
            return
        print(f"Hint {index + 1}/{len(exercise.hints)} for {exercise_id}: {exercise.hints[index]}")
        if index + 1 == len(exercise.hints):
            print(f"(that was the last hint; {where_the_solution_is})")

    def solution(self, exercise_id: str, apply: bool = False) -> None:
        exercise = exercise_files.find_exercise(exercise_id)
        if exercise.student_edition:
            print(
                f"kuarlab: this is the student edition of the exercises ({exercise_files.exercise_folder()}): "
                f"it has no solutions. Ask your instructor for the solution to {exercise_id}; "
                f'lab.hint("{exercise_id}") gives the next hint.'
            )
            return
        if exercise.solution is None:
            print(f"Exercise {exercise_id} has no written solution.")
            return
        print(f"Solution to {exercise_id}: {exercise.solution.explain}")
        for command in exercise.solution.commands:
            print(f"  $ {command}")
        if apply:
            self._apply_solution(exercise)

    def _apply_solution(self, exercise: Exercise) -> None:
        """Run the solution's commands in order, from the repository root, in the exercise chapter's namespace."""
        assert exercise.solution is not None
        namespace = f"ch{exercise.chapter}"
        self._ensure_namespace(namespace)
        assert self._config is not None
        kubeconfig = backend.write_chapter_kubeconfig(self._config, namespace)
        env = {**os.environ, "KUBECONFIG": str(kubeconfig)}
        for command in exercise.solution.commands:
            print(f"$ {command}", flush=True)
            words = shlex.split(command)
            if words and words[0] == "kubectl" and not SHELL_SYNTAX.intersection(command):
                self._kubectl(words[1:], False, cwd=repo_root(), env=env)
            else:
                self._run(["/bin/sh", "-c", command], None, False, cwd=repo_root(), env=env)

    def progress(self) -> None:
        print(progress.progress_table())

    # namespaces

    def reset(self, chapter: str | int | None = None) -> None:
        """Delete and recreate the chapter's namespace (default: the connected one), stopping its processes."""
        namespace = self._namespace_of(chapter)
        self._background.stop(owner=namespace)
        if not self._delete_namespace(namespace, wait=True):
            print(f"kuarlab: namespace {namespace} is still being deleted after {NAMESPACE_GONE_SECONDS:g} s; retry")
            return
        self._ensure_namespace(namespace)
        print(f"kuarlab: namespace {namespace} is empty again")

    def cleanup(self, chapter: str | int | None = None) -> None:
        """At the end of a chapter: stop its processes and delete its namespace."""
        namespace = self._namespace_of(chapter)
        self._background.stop(owner=namespace)
        self._delete_namespace(namespace, wait=False)
        print(f"kuarlab: deleting namespace {namespace}")

    def _namespace_of(self, chapter: str | int | None) -> str:
        if chapter is not None:
            return f"ch{exercise_files.chapter_id(chapter)}"
        if self.namespace is None:
            raise NotConnected()
        return self.namespace

    def _delete_namespace(self, namespace: str, wait: bool) -> bool:
        """Whether the namespace is gone (when waiting) or being deleted."""
        from kubernetes import client
        from kubernetes.client.exceptions import ApiException

        core = client.CoreV1Api(self.api())
        try:
            core.delete_namespace(namespace, _request_timeout=10)
        except ApiException as error:
            if error.status != 404:
                raise
        deadline = time.monotonic() + (NAMESPACE_GONE_SECONDS if wait else 0)
        while True:
            try:
                core.read_namespace(namespace, _request_timeout=10)
            except ApiException as error:
                if error.status == 404:
                    return True
                raise
            if time.monotonic() >= deadline:
                return not wait
            time.sleep(0.5)

    # chapter 2 and kubelint

    def layers(self, dockerfile: str, changed: Sequence[str] = ()) -> None:
        """Which layers of the Dockerfile's image a change of the `changed` context files rebuilds (no Docker)."""
        from kuarlab.layers import layers_report

        print(layers_report(project_path(dockerfile), list(changed), shown_path=dockerfile))

    def lint(self, path: str) -> None:
        """kubelint's text report on a file or folder."""
        target = project_path(path).resolve()
        shown = target.relative_to(repo_root()) if target.is_relative_to(repo_root()) else target
        outcome = commands.run_bounded([sys.executable, "-m", "kubelint", str(shown)], cwd=repo_root())
        if outcome.returncode == 0 and not outcome.stdout.strip():
            print(f"kubelint: nothing to report in {path}")

    # live views (kuarlab.views)

    def cluster_view(self, label: str = "color", namespace: str | None = None, **options: Any) -> Any:
        """Nodes and the pods on them, live (the chapter's namespace unless another is named)."""
        from kuarlab.views import ClusterView

        return ClusterView(self.api(), namespace or str(self.namespace), label=label, **options)

    def rollout_view(self, deployment: str, namespace: str | None = None, **options: Any) -> Any:
        """A Deployment's old and new ReplicaSets over time, live."""
        from kuarlab.views import RolloutView

        return RolloutView(self.api(), namespace or str(self.namespace), deployment=deployment, **options)

    def service_view(self, service: str, namespace: str | None = None, **options: Any) -> Any:
        """A Service, its endpoints and their pods, live."""
        from kuarlab.views import ServiceView

        return ServiceView(self.api(), namespace or str(self.namespace), service=service, **options)


def _use_exercise_folder(folder: str) -> None:
    """Read the exercises from `folder` (relative to the notebook) for the rest of the kernel's life."""
    path = Path(folder).expanduser().resolve()
    if not path.is_dir():
        raise exercise_files.ExerciseFileError(
            f"kuarlab: no exercise folder at {path}: exercises= names a folder of chNN.yaml files, "
            "relative to the notebook (student copies keep theirs in ../exercises)"
        )
    os.environ["KUARLAB_EXERCISES_DIR"] = str(path)


def _all_passed(verdicts: list[criteria.Verdict]) -> bool:
    return all(verdict.passed for verdict in verdicts)


def _shown(argv: list[str]) -> str:
    if argv and Path(argv[0]).name == "kubectl":
        return shlex.join(["kubectl", *argv[1:]])
    return argv[-1] if argv[:2] == ["/bin/sh", "-c"] else shlex.join(argv)


def _register_magics(lab: Lab) -> None:
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        from kuarlab.magics import register_magics

        register_magics(shell, lab)


lab = Lab()
