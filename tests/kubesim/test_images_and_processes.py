"""The image catalogue, the process model and probe timing: pure functions, no cluster."""

from __future__ import annotations

import math

import pytest

from kubesim.nodes.images import ImageCache, ImagePullError, InvalidImageName, parse_reference, resolve
from kubesim.nodes.probes import Schedule, verdict_at
from kubesim.nodes.processes import FOREVER, Answer, Process, interpret

KUARD = "gcr.io/kuar-demo/kuard-amd64:blue"


def process(image: str, **container: object) -> Process:
    return Process.of({"name": "c", "image": image, **container}, resolve(image).image)


# -- images ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("nginx", "docker.io/library/nginx:latest"),
        ("nginx:1.27", "docker.io/library/nginx:1.27"),
        ("fluent/fluentd:v1.16-1", "docker.io/fluent/fluentd:v1.16-1"),
        (KUARD, KUARD),
        ("localhost:5000/app", "localhost:5000/app:latest"),
        ("busybox@sha256:" + "a" * 64, "docker.io/library/busybox@sha256:" + "a" * 64),
    ],
)
def test_names_are_normalized_as_containerd_does(written: str, name: str) -> None:
    assert parse_reference(written).name == name


@pytest.mark.parametrize("image", [KUARD, "gcr.io/kuar-demo/kuard-arm64:3", "nginx", "redis:7.2-alpine", "mongo:3.4.24",
                                   "mysql:5.7", "postgres:16.3", "busybox", "alpine:3.20", "ubuntu:24.04", "debian",
                                   "memcached", "registry.k8s.io/pause:3.10", "fluent/fluentd:v0.14.10",
                                   "nginx@sha256:" + "0" * 64])  # fmt: skip
def test_the_catalogue_pulls_what_the_book_uses(image: str) -> None:
    resolved = resolve(image)
    assert resolved.image.size > 0 and resolved.image.pull_seconds > 0
    assert resolved.image_id.startswith(resolved.reference.repository + "@sha256:")


def test_an_unknown_repository_is_denied_and_an_unknown_tag_not_found() -> None:
    with pytest.raises(ImagePullError, match="pull access denied, repository does not exist"):
        resolve("ngnix")
    with pytest.raises(ImagePullError, match=r'kuard-amd64:bleu": gcr\.io/kuar-demo/kuard-amd64:bleu: not found'):
        resolve("gcr.io/kuar-demo/kuard-amd64:bleu")
    with pytest.raises(InvalidImageName, match="must be lowercase"):
        resolve("Nginx")


@pytest.mark.parametrize("image", ["hashicorp/http-echo:1.0", "quay.io/prometheus/node-exporter:v1.8.0", "python:3.12"])
def test_other_public_images_pull_and_run_as_a_generic_process(image: str) -> None:
    resolved = resolve(image)
    assert resolved.image.size > 0 and resolved.reference.tag == image.rpartition(":")[2]
    process = Process.of({"name": "app", "image": image}, resolved.image)
    assert process.runs_forever


@pytest.mark.parametrize("typo", ["ngnix", "redsi", "postgress", "gcr.io/kuar-demo/kuard:blue"])
def test_typos_of_known_images_do_not_pull(typo: str) -> None:
    with pytest.raises(ImagePullError, match="pull access denied"):
        resolve(typo)


def test_image_ids_are_stable_digests() -> None:
    assert resolve("nginx:1.27").image_id == resolve("docker.io/library/nginx:1.27").image_id
    assert resolve("nginx:1.27").image_id != resolve("nginx:1.26").image_id


def test_a_node_keeps_the_images_it_pulled_and_lists_them() -> None:
    cache = ImageCache()
    nginx = resolve("nginx:1.27")
    assert not cache.present("kuar-worker", nginx)
    cache.add("kuar-worker", nginx)
    assert cache.present("kuar-worker", nginx) and not cache.present("kuar-worker2", nginx)
    listed = cache.node_status_images("kuar-worker")
    assert {"names": [nginx.image_id, "docker.io/library/nginx:1.27"], "sizeBytes": nginx.image.size} in listed
    assert any("registry.k8s.io/pause:3.10.1" in entry["names"] for entry in listed)  # kind preloads it

    restarted = ImageCache()
    restarted.load("kuar-worker", listed)
    assert restarted.present("kuar-worker", nginx)


# -- processes ----------------------------------------------------------------------------------------------------


def test_kuard_serves_until_stopped_and_stops_on_sigterm() -> None:
    kuard = process(KUARD)
    assert kuard.runs_forever and kuard.honours_sigterm
    assert kuard.probe({"httpGet": {"path": "/healthy", "port": 8080}}, "10.244.1.2", {}) == [Answer(0.0, True)]
    refused = kuard.probe({"httpGet": {"path": "/healthy", "port": 8081}}, "10.244.1.2", {})
    assert refused[0].message == (
        'Get "http://10.244.1.2:8081/healthy": dial tcp 10.244.1.2:8081: connect: connection refused'
    )
    assert kuard.probe({"tcpSocket": {"port": "http"}}, "10.244.1.2", {"http": 8080}) == [Answer(0.0, True)]


def test_kuard_keygen_exits_after_its_keys() -> None:
    args = ["--keygen-enable", "--keygen-exit-on-complete", "--keygen-num-to-gen=10"]
    assert (process(KUARD, args=args).exits_after, process(KUARD, args=args).exit_code) == (10.0, 0)
    failing = process(KUARD, args=[*args, "--keygen-exit-code=1"])
    assert failing.exit_code == 1


def test_kuard_health_and_readiness_follow_the_documented_env() -> None:
    env = [{"name": "KUBESIM_HEALTHY_FOR", "value": "30"}, {"name": "KUBESIM_READY_AFTER", "value": "5"}]
    kuard = process(KUARD, env=env)
    healthy = kuard.probe({"httpGet": {"path": "/healthy", "port": 8080}}, "10.244.1.2", {})
    assert healthy == [Answer(0.0, True), Answer(30.0, False, "HTTP probe failed with statuscode: 500")]
    ready = kuard.probe({"httpGet": {"path": "/ready", "port": 8080}}, "10.244.1.2", {})
    assert ready == [Answer(0.0, False, "HTTP probe failed with statuscode: 503"), Answer(5.0, True)]


def test_memory_comes_from_the_program_or_the_documented_env() -> None:
    assert process(KUARD).memory == 10 * 1024 * 1024
    assert process(KUARD, env=[{"name": "KUBESIM_MEMORY", "value": "200Mi"}]).memory == 200 * 1024 * 1024
    stress = process("polinux/stress", command=["stress"], args=["--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"])
    assert stress.memory >= 150 * 1024 * 1024 and stress.runs_forever


@pytest.mark.parametrize(
    ("script", "duration", "code"),
    [
        ("sleep 5; exit 1", 5.0, 1),
        ("echo hello && sleep 2", 2.0, 0),
        ("false && sleep 5", 0.0, 1),
        ("false || exit 3", 0.0, 3),
        ("while true; do echo tick; sleep 1; done", FOREVER, 0),
        ("for i in 1 2 3; do sleep 2; done", 6.0, 0),
        ("sleep 1m", 60.0, 0),
        ("sleep infinity", FOREVER, 0),
        ("wget -q -O- http://kuard; exit 0", 0.0, 0),
    ],
)
def test_the_shell_interpreter(script: str, duration: float, code: int) -> None:
    result = interpret(script)
    assert (result.duration, result.exit_code) == (duration, code)


def test_a_shell_as_pid_one_ignores_sigterm_unless_it_traps_it() -> None:
    assert not process("busybox", command=["sh", "-c", "sleep 3600"]).honours_sigterm
    assert not process("busybox", command=["sleep", "3600"]).honours_sigterm
    trapping = process("busybox", command=["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"])
    assert trapping.honours_sigterm


def test_busybox_without_a_command_exits_at_once_unless_stdin_stays_open() -> None:
    assert process("busybox").exits_after == 0.0
    assert process("busybox", stdin=True, tty=True).runs_forever


def test_servers_run_until_stopped_on_their_ports() -> None:
    nginx = process("nginx")
    assert nginx.runs_forever and nginx.honours_sigterm
    assert nginx.probe({"httpGet": {"path": "/", "port": 80}}, "10.244.1.2", {}) == [Answer(0.0, True)]
    assert not nginx.probe({"httpGet": {"path": "/nope", "port": 80}}, "10.244.1.2", {})[0].ok
    assert process("redis").probe({"tcpSocket": {"port": 6379}}, "10.244.1.2", {}) == [Answer(0.0, True)]
    overridden = process("nginx", command=["sh", "-c", "sleep 10"])
    assert overridden.exits_after == 10.0


def test_exec_probes_see_the_files_the_script_makes() -> None:
    """The documentation's liveness-exec example: healthy for 30 seconds, then the file is gone."""
    script = "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"
    busybox = process("registry.k8s.io/busybox", args=["/bin/sh", "-c", script])
    answers = busybox.probe({"exec": {"command": ["cat", "/tmp/healthy"]}}, "10.244.1.2", {})
    assert answers == [
        Answer(0.0, True),
        Answer(30.0, False, "cat: can't open '/tmp/healthy': No such file or directory"),
    ]
    assert busybox.probe({"exec": {"command": ["false"]}}, "10.244.1.2", {})[0].ok is False
    assert busybox.probe({"exec": {"command": ["sh", "-c", "exit 0"]}}, "10.244.1.2", {})[0].ok is True


def test_agnhost_liveness_fails_after_ten_seconds() -> None:
    agnhost = process("registry.k8s.io/e2e-test-images/agnhost:2.40", args=["liveness"])
    answers = agnhost.probe({"httpGet": {"path": "/healthz", "port": 8080}}, "10.244.1.2", {})
    assert answers == [Answer(0.0, True), Answer(10.0, False, "HTTP probe failed with statuscode: 500")]


# -- probe timing ---------------------------------------------------------------------------------------------------


def probe(**fields: int) -> dict[str, int]:
    return {"periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3, **fields}


def test_liveness_fails_after_failure_threshold_failed_probes() -> None:
    answers = [Answer(0.0, True), Answer(30.0, False, "HTTP probe failed with statuscode: 500")]
    schedule = Schedule.of(probe(initialDelaySeconds=5), answers)
    assert schedule.flips(True) == [(55.0, False)]  # failing probes at 35, 45, 55
    assert [tick for tick, _ in schedule.failures_between(0.0, 50.0)] == [35.0, 45.0]


def test_readiness_passes_after_success_threshold_and_can_be_lost_again() -> None:
    answers = [Answer(0.0, False, "503"), Answer(12.0, True), Answer(100.0, False, "500")]
    schedule = Schedule.of(probe(periodSeconds=5, successThreshold=2), answers)
    flips = schedule.flips(False)
    assert flips == [(20.0, True), (110.0, False)]  # passes at 15, 20; fails at 100, 105, 110
    assert not verdict_at(flips, 19.0, False) and verdict_at(flips, 20.0, False) and not verdict_at(flips, 111, False)


def test_a_startup_probe_gives_up_only_before_its_first_success() -> None:
    never = Schedule.of(probe(failureThreshold=30), [Answer(0.0, False, "refused")])
    assert never.first_success() is None and never.gives_up_at() == 290.0
    late = Schedule.of(probe(failureThreshold=30), [Answer(0.0, False, "refused"), Answer(45.0, True)])
    assert late.first_success() == 50.0 and late.gives_up_at() is None


def test_probe_timing_does_not_count_tick_by_tick() -> None:
    schedule = Schedule.of(probe(periodSeconds=1), [Answer(0.0, True), Answer(1e9, False, "late")])
    assert schedule.flips(True) == [(1e9 + 2, False)]
    assert math.isinf(next(run.count for run in schedule.runs() if not run.ok))
