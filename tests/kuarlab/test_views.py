"""kuarlab's live views: their renderers on hand-built objects, then the views following a real kubesim.

The renderers are pure functions of the objects as the API server sends them (JSON dicts), so the first half builds
those dicts by hand: a pod for each health colour, nodes with the control plane, a rollout's ReplicaSets, a Service
with ready and not-ready endpoints. The second half drives kubesim with the real kubectl and reads what the views
show through the official client's watches, as a notebook would.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import nbformat
import pytest
from kubernetes import client, config
from nbclient import NotebookClient

from kuarlab.views import ClusterView, RolloutView, ServiceView
from kuarlab.views import cluster as cluster_rendering
from kuarlab.views import rollout as rollout_rendering
from kuarlab.views import service as service_rendering
from kuarlab.views.pods import COLOURS, health, look_at
from kuarlab.views.watching import Throttle
from tests.conftest import ROOT
from tests.kubesim.conftest import KUBECTL, Cluster, eventually, start_cluster

NAMESPACE = "views"
BLUE, GREEN = (f"gcr.io/kuar-demo/kuard-amd64:{tag}" for tag in ("blue", "green"))


def pod(
    name: str,
    node: str = "",
    phase: str = "Running",
    ready: bool = True,
    waiting: str = "",
    deleting: bool = False,
    labels: dict[str, str] | None = None,
    image: str = BLUE,
) -> dict[str, Any]:
    state = {"waiting": {"reason": waiting}} if waiting else {"running": {}}
    metadata: dict[str, Any] = {"name": name, "namespace": NAMESPACE, "labels": labels or {"app": "kuard"}}
    if deleting:
        metadata["deletionTimestamp"] = "2026-11-29T10:00:00Z"
    spec: dict[str, Any] = {"containers": [{"name": "kuard", "image": image}]}
    if node:
        spec["nodeName"] = node
    return {
        "metadata": metadata,
        "spec": spec,
        "status": {
            "phase": phase,
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
            "containerStatuses": [{"name": "kuard", "ready": ready, "state": state}] if phase != "Pending" else [],
        },
    }


def node(name: str, control_plane: bool = False, ready: bool = True, cordoned: bool = False) -> dict[str, Any]:
    labels = {"node-role.kubernetes.io/control-plane": ""} if control_plane else {}
    return {
        "metadata": {"name": name, "labels": labels},
        "spec": {"unschedulable": True} if cordoned else {},
        "status": {"conditions": [{"type": "Ready", "status": "True" if ready else "Unknown"}]},
    }


# pods: status words and colours


@pytest.mark.parametrize(
    ("made", "expected_health", "expected_status"),
    [
        (pod("a", "w1"), "ready", "Running"),
        (pod("b", "w1", ready=False), "not-ready", "Running"),
        (pod("c", phase="Pending", ready=False), "pending", "Pending"),
        (pod("d", "w1", phase="Failed", ready=False), "failed", "Failed"),
        (pod("e", "w1", ready=False, waiting="CrashLoopBackOff"), "failed", "CrashLoopBackOff"),
        (pod("f", "w1", ready=False, waiting="ContainerCreating"), "not-ready", "ContainerCreating"),
        (pod("g", "w1", deleting=True), "terminating", "Terminating"),
        (pod("h", "w1", phase="Succeeded", ready=False), "done", "Succeeded"),
    ],
)
def test_a_pod_gets_kubectls_status_and_a_health_colour(
    made: dict[str, Any], expected_health: str, expected_status: str
) -> None:
    look = look_at(made, "color")
    assert (health(made), look.status) == (expected_health, expected_status)


def test_the_tag_is_the_chosen_label_else_kuards_image_tag() -> None:
    assert look_at(pod("a", "w1", labels={"color": "purple"}), "color").tag == "purple"
    assert look_at(pod("a", "w1"), "color").tag == "blue"
    assert look_at(pod("a", "w1", image="nginx:1.27"), "color").tag == ""
    assert look_at(pod("a", "w1", labels={"tier": "web"}), "tier").tag == "web"


# the cluster view


def cluster_state(pods: list[dict[str, Any]], errors: list[str] | None = None) -> cluster_rendering.ClusterState:
    nodes = [node("kuar-worker2"), node("kuar-worker", cordoned=True), node("kuar-control-plane", control_plane=True)]
    return cluster_rendering.ClusterState(NAMESPACE, "color", nodes, pods, errors=errors or [])


def test_nodes_are_columns_control_plane_first_and_unscheduled_pods_last() -> None:
    state = cluster_state(
        [pod("kuard-b", "kuar-worker2"), pod("kuard-a", "kuar-worker"), pod("kuard-c", phase="Pending")]
    )
    layout = cluster_rendering.columns(state)
    assert [(column.name, [look.name for look in column.pods]) for column in layout] == [
        ("kuar-control-plane", []),
        ("kuar-worker", ["kuard-a"]),
        ("kuar-worker2", ["kuard-b"]),
        ("unscheduled", ["kuard-c"]),
    ]
    assert layout[0].description == "control plane · Ready"
    assert layout[1].description == "Ready · SchedulingDisabled"


def test_no_unscheduled_column_when_every_pod_has_a_node_and_unknown_nodes_get_one() -> None:
    layout = cluster_rendering.columns(cluster_state([pod("kuard-a", "kuar-worker9")]))
    assert [column.name for column in layout] == ["kuar-control-plane", "kuar-worker", "kuar-worker2", "kuar-worker9"]
    assert layout[-1].description == "not in the node list"


def test_a_stopped_node_is_not_ready_and_its_column_is_greyed() -> None:
    state = cluster_rendering.ClusterState(NAMESPACE, "color", [node("kuar-worker", ready=False)], [])
    assert [column.description for column in cluster_rendering.columns(state)] == ["NotReady"]
    assert 'font-weight:bold;color:#999">kuar-worker<' in cluster_rendering.render_html(state)


def test_cluster_text_lists_pods_under_their_node() -> None:
    state = cluster_state(
        [
            pod("kuard-a", "kuar-worker", labels={"app": "kuard", "color": "green"}),
            pod("kuard-b", "kuar-worker2", ready=False, waiting="CrashLoopBackOff"),
            pod("kuard-c", "kuar-worker2", deleting=True),
        ],
        errors=["watching nodes: 403 Forbidden"],
    )
    assert cluster_rendering.render_text(state).splitlines() == [
        "pods of namespace views by node: 3 pods (1 failed, 1 ready, 1 terminating) (tag: color)",
        "kuar-control-plane · control plane · Ready",
        "  (no pods)",
        "kuar-worker · Ready · SchedulingDisabled",
        "  kuard-a   1/1  Running           green",
        "kuar-worker2 · Ready",
        "  kuard-b   0/1  CrashLoopBackOff  blue",
        "  kuard-c   1/1  Terminating       blue",
        "watching nodes: 403 Forbidden",
    ]


def test_cluster_html_colours_boxes_by_health_and_stripes_terminating_pods() -> None:
    state = cluster_state(
        [
            pod("kuard-a", "kuar-worker"),
            pod("kuard-b", "kuar-worker", ready=False),
            pod("kuard-c", phase="Pending", ready=False),
            pod("kuard-d", "kuar-worker2", ready=False, waiting="ImagePullBackOff"),
            pod("kuard-e", "kuar-worker2", deleting=True),
        ]
    )
    page = cluster_rendering.render_html(state)
    boxes = {
        name: page[page.rindex("<div", 0, page.index(f'title="kuard-{name}')) : page.index(f'title="kuard-{name}')]
        for name in "abcde"
    }
    assert f"background:{COLOURS['ready']}" in boxes["a"]
    assert f"background:{COLOURS['not-ready']}" in boxes["b"]
    assert f"background:{COLOURS['pending']}" in boxes["c"]
    assert f"background:{COLOURS['failed']}" in boxes["d"]
    assert "repeating-linear-gradient" in boxes["e"] and "opacity:0.55" in boxes["e"]
    assert page.index("kuar-control-plane") < page.index("kuar-worker<") < page.index("unscheduled")
    assert "<b>blue</b><br>a</div>" in page  # the tag, then what tells the pod from its siblings


def test_html_escapes_what_comes_from_the_cluster() -> None:
    page = cluster_rendering.render_html(cluster_state([pod("kuard-a", "kuar-worker", labels={"color": "<b>x</b>"})]))
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


# the rollout view


def replicaset(name: str, revision: int, desired: int, ready: int, owner: str = "kuard") -> dict[str, Any]:
    return {
        "metadata": {
            "name": name,
            "annotations": {"deployment.kubernetes.io/revision": str(revision)},
            "ownerReferences": [{"kind": "Deployment", "name": owner}],
        },
        "spec": {
            "replicas": desired,
            "template": {"spec": {"containers": [{"image": GREEN if revision > 1 else BLUE}]}},
        },
        "status": {"replicas": desired, "readyReplicas": ready},
    }


DEPLOYMENT = {
    "metadata": {"name": "kuard"},
    "spec": {
        "replicas": 3,
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
    },
    "status": {"updatedReplicas": 2, "readyReplicas": 3, "availableReplicas": 3},
}


def test_the_rollout_view_follows_only_the_deployments_replicasets_newest_first() -> None:
    owned = rollout_rendering.owned_by(
        [replicaset("kuard-1", 1, 1, 1), replicaset("other-1", 5, 1, 1, owner="other"), replicaset("kuard-2", 2, 3, 2)],
        "kuard",
    )
    assert [rs["metadata"]["name"] for rs in owned] == ["kuard-2", "kuard-1"]
    assert rollout_rendering.ready_old_and_new(owned) == (1, 2)


def test_rollout_history_gets_a_sample_per_change() -> None:
    history: list[rollout_rendering.Sample] = []
    for seconds, (old, new) in enumerate([(3, 0), (3, 0), (2, 1), (2, 1), (0, 3)]):
        sets = [replicaset("kuard-2", 2, 3, new), replicaset("kuard-1", 1, 3, old)]
        history = rollout_rendering.next_history(history, float(seconds), sets)
    assert history == [
        rollout_rendering.Sample(0.0, 3, 0, "kuard-2"),
        rollout_rendering.Sample(2.0, 2, 1, "kuard-2"),
        rollout_rendering.Sample(4.0, 0, 3, "kuard-2"),
    ]


def test_a_new_revision_at_the_same_counts_is_a_step_of_the_history() -> None:
    before = [replicaset("kuard-2", 2, 0, 0), replicaset("kuard-1", 1, 0, 0)]
    after = [replicaset("kuard-3", 3, 0, 0), *before]  # a Recreate to another revision, all at 0 for now
    history = rollout_rendering.next_history([], 0.0, before)
    history = rollout_rendering.next_history(history, 1.0, after)
    assert [(sample.seconds, sample.newest) for sample in history] == [(0.0, "kuard-2"), (1.0, "kuard-3")]


def test_rollout_text_shows_the_replicasets_and_the_history() -> None:
    state = rollout_rendering.RolloutState(
        NAMESPACE,
        "kuard",
        DEPLOYMENT,
        [replicaset("kuard-3", 3, 3, 2), replicaset("kuard-2", 2, 1, 1), replicaset("kuard-1", 1, 0, 0)],
        history=[rollout_rendering.Sample(0.0, 3, 0), rollout_rendering.Sample(1.5, 1, 2)],
    )
    text = rollout_rendering.render_text(state)
    assert text.splitlines() == [
        "deployment kuard: 3 desired, 2 updated, 3 ready, 3 available · RollingUpdate (maxSurge 1, maxUnavailable 0)",
        "  ReplicaSet                   revision    desired ready  image",
        f"  kuard-3                      3 (new)           3     2  {GREEN}",
        f"  kuard-2                      2                 1     1  {GREEN}",
        "  (1 older revision scaled to 0)",
        "ready old/new: 3/0 (0.0s) → 1/2 (1.5s)",
    ]
    page = rollout_rendering.render_html(state)
    assert "kuard-3" in page and "kuard-1" not in page and 'title="1.5s: 1 old, 2 new"' in page


def test_a_missing_deployment_says_so() -> None:
    state = rollout_rendering.RolloutState(NAMESPACE, "nope", None, [])
    assert rollout_rendering.render_text(state) == "deployment nope: not found in namespace views"


# the service view


def endpoint_slice(*endpoints: tuple[str, str, bool | None]) -> dict[str, Any]:
    return {
        "metadata": {"name": "kuard-abcde", "labels": {"kubernetes.io/service-name": "kuard"}},
        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
        "endpoints": [
            {
                "addresses": [address],
                "conditions": {} if ready is None else {"ready": ready},
                "targetRef": {"name": name},
            }
            for address, name, ready in endpoints
        ],
    }


SERVICE = {
    "metadata": {"name": "kuard"},
    "spec": {
        "type": "NodePort",
        "clusterIP": "10.96.40.7",
        "selector": {"app": "kuard"},
        "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP", "nodePort": 30080}],
    },
}


def test_service_text_shows_ready_and_not_ready_endpoints_with_their_pods() -> None:
    state = service_rendering.ServiceState(
        NAMESPACE,
        "kuard",
        SERVICE,
        [
            endpoint_slice(
                ("10.244.1.5", "kuard-a", True), ("10.244.2.6", "kuard-b", False), ("10.244.1.9", "gone", None)
            )
        ],
        [
            pod("kuard-a", "kuar-worker"),
            pod("kuard-b", "kuar-worker2", ready=False),
            pod("kuard-c", phase="Pending", ready=False),
            pod("other", "kuar-worker", labels={"app": "other"}),
        ],
    )
    assert service_rendering.render_text(state).splitlines() == [
        "service kuard · NodePort 10.96.40.7 · http 80→8080/TCP (node port 30080) · selector app=kuard",
        "endpoints: 2 ready, 1 not ready",
        "  10.244.1.9:8080  ready       → pod gone",
        "  10.244.1.5:8080  ready       → pod kuard-a on kuar-worker (Running 1/1)",
        "  10.244.2.6:8080  not ready   → pod kuard-b on kuar-worker2 (Running 0/1)",
        "pods matching the selector without an endpoint:",
        "  kuard-c  Pending 0/1",
    ]
    page = service_rendering.render_html(state)
    row = page[page.index("10.244.2.6") - 60 : page.index("10.244.2.6")]
    assert COLOURS["not-ready"] in row


def test_a_load_balancer_shows_its_external_ip_or_pending() -> None:
    balanced = {**SERVICE, "spec": {**SERVICE["spec"], "type": "LoadBalancer"}}  # type: ignore[dict-item]
    state = service_rendering.ServiceState(NAMESPACE, "kuard", balanced, [], [])
    assert "LoadBalancer 10.96.40.7 · external <pending>" in service_rendering.render_text(state)
    balanced["status"] = {"loadBalancer": {"ingress": [{"ip": "172.18.255.200"}]}}
    assert "external 172.18.255.200" in service_rendering.render_text(state)
    assert "endpoints: none" in service_rendering.render_text(state)


# the watch layer's pieces and the package's imports


def test_throttle_runs_at_once_then_once_more_for_a_burst() -> None:
    calls: list[int] = []
    throttle = Throttle(lambda: calls.append(1), interval=0.3)
    for _ in range(50):
        throttle()
    assert eventually(lambda: len(calls) == 2, seconds=5)
    throttle.close()


def test_importing_the_views_does_not_import_ipywidgets() -> None:
    check = "import sys, kuarlab.views; assert 'ipywidgets' not in sys.modules, 'ipywidgets imported'"
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


# the views against a real kubesim


@pytest.fixture(scope="module")
def kubesim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not KUBECTL.exists():
        pytest.skip(f"the project's kubectl is not installed at {KUBECTL}")
    running = start_cluster(tmp_path_factory.mktemp("kubesim") / "data")
    running.kubectl("create", "namespace", NAMESPACE)
    yield running
    if running.process.poll() is None:
        running.stop()


@pytest.fixture
def api(kubesim: Cluster) -> client.ApiClient:
    return config.new_client_from_config(config_file=str(kubesim.kubeconfig))


def watch_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("kuarlab-watch-")]


def running_pods_by_node(text: str) -> dict[str, int]:
    """From a cluster view's text: how many Running, ready pods each node column lists."""
    counts: dict[str, int] = {}
    column = ""
    for line in text.splitlines()[1:]:
        if not line.startswith("  "):
            column = line.split(" · ")[0]
        elif " 1/1  Running " in line:
            counts[column] = counts.get(column, 0) + 1
    return counts


def kubectl(kubesim: Cluster, *args: str) -> str:
    return kubesim.kubectl(*args, "-n", NAMESPACE).stdout


def test_cluster_view_shows_pods_running_on_workers_follows_a_scale_and_closes(
    kubesim: Cluster, api: client.ApiClient
) -> None:
    kubectl(kubesim, "create", "deployment", "alpaca", f"--image={BLUE}", "--replicas=2")
    view = ClusterView(api, NAMESPACE, label="color")
    try:
        assert view.wait_for(lambda text: sum(running_pods_by_node(text).values()) == 2), view.text()
        text = view.text()
        assert set(running_pods_by_node(text)) <= {"kuar-worker", "kuar-worker2"}, text
        assert text.splitlines()[1].startswith("kuar-control-plane · control plane · Ready"), text
        assert " blue" in text  # kuard's colour tag, taken from the image

        widget = view.widget()
        kubectl(kubesim, "scale", "deployment", "alpaca", "--replicas=4")
        assert view.wait_for(lambda text: sum(running_pods_by_node(text).values()) == 4), view.text()
        assert eventually(lambda: widget.value.count(f"background:{COLOURS['ready']}") == 4), widget.value
        assert view.snapshot() == view.text()
    finally:
        view.close()
    assert eventually(lambda: not watch_threads(), seconds=15), watch_threads()
    assert view.closed
    kubectl(kubesim, "delete", "deployment", "alpaca")


def test_rollout_view_records_old_and_new_replicasets_over_a_rollout(kubesim: Cluster, api: client.ApiClient) -> None:
    kubectl(kubesim, "create", "deployment", "kuard", f"--image={BLUE}", "--replicas=2")
    kubectl(kubesim, "rollout", "status", "deployment/kuard", "--timeout=60s")
    view = RolloutView(api, NAMESPACE, deployment="deploy/kuard")
    try:
        assert view.wait_for(lambda text: "ready old/new: 0/2" in text), view.text()
        kubectl(kubesim, "set", "image", "deployment/kuard", f"kuard-amd64={GREEN}")
        assert view.wait_for(lambda text: "→ 0/2 (" in text), view.text()
        state = view.state()
        assert [rollout_rendering.revision(rs) for rs in state.replicasets] == [2, 1]
        assert (state.history[0].old, state.history[0].new) == (0, 2)  # revision 1 was the new one when it opened
        assert (state.history[-1].old, state.history[-1].new) == (0, 2)
        assert any(sample.old > 0 for sample in state.history), state.history  # revision 1 was old, then gone
        assert "2 (new)" in view.text() and GREEN in view.text()
    finally:
        view.close()
    assert eventually(lambda: not watch_threads(), seconds=15), watch_threads()


def test_service_view_shows_the_endpoints_and_their_pods(kubesim: Cluster, api: client.ApiClient) -> None:
    kubectl(kubesim, "create", "deployment", "web", f"--image={BLUE}", "--replicas=2")
    kubectl(kubesim, "expose", "deployment", "web", "--port=80", "--target-port=8080")
    view = ServiceView(api, NAMESPACE, service="svc/web")
    try:
        assert view.wait_for(lambda text: "endpoints: 2 ready, 0 not ready" in text), view.text()
        text = view.text()
        assert text.startswith("service web · ClusterIP 10.") and "80→8080/TCP · selector app=web" in text, text
        assert text.count("ready       → pod web-") == 2, text
        kubectl(kubesim, "scale", "deployment", "web", "--replicas=0")
        assert view.wait_for(lambda text: "endpoints: none" in text), view.text()
    finally:
        view.close()
    assert eventually(lambda: not watch_threads(), seconds=15), watch_threads()


def test_a_view_displays_as_text_without_widgets(
    kubesim: Cluster, api: client.ApiClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KUARLAB_PLAIN", "1")
    view = ClusterView(api, NAMESPACE)  # returns once it has the first lists: displayed at once, it shows them
    try:
        view._ipython_display_()
        printed = capsys.readouterr().out
        assert printed.startswith("pods of namespace views by node:") and "kuar-worker2 · Ready" in printed
        assert set(view._repr_mimebundle_()) == {"text/plain"}
    finally:
        view.close()


def test_an_unreachable_cluster_shows_an_error_and_still_closes() -> None:
    configuration = client.Configuration()
    configuration.host = "https://127.0.0.1:9"  # the discard port: nothing listens there
    view = ClusterView(client.ApiClient(configuration), NAMESPACE)
    try:
        assert view.wait_for(lambda text: "watching nodes: " in text and "watching pods: " in text), view.text()
    finally:
        view.close()
    assert eventually(lambda: not watch_threads(), seconds=15), watch_threads()


def test_a_refused_list_shows_the_servers_answer(kubesim: Cluster) -> None:
    anonymous = client.Configuration()
    config.load_kube_config(config_file=str(kubesim.kubeconfig), client_configuration=anonymous)
    anonymous.api_key = {}  # no token: kubesim answers as the API server does to system:anonymous
    view = ClusterView(client.ApiClient(anonymous), NAMESPACE)
    try:
        assert "watching nodes: 403 Forbidden" in view.text()
    finally:
        view.close()
    assert eventually(lambda: not watch_threads(), seconds=15), watch_threads()


def test_a_view_left_open_stops_when_garbage_collected(kubesim: Cluster, api: client.ApiClient) -> None:
    view = ClusterView(api, NAMESPACE)
    assert view.wait_for(lambda text: "kuar-worker" in text), view.text()
    del view
    assert eventually(lambda: not watch_threads(), seconds=15), watch_threads()


def run_in_a_kernel(*cells: str) -> list[list[dict[str, Any]]]:
    """The outputs of each cell, run as a notebook in a real Jupyter kernel from the repository's root."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    return [cell.outputs for cell in notebook.cells]


def test_in_a_jupyter_kernel_a_view_shows_as_a_widget_or_as_text_when_asked(kubesim: Cluster) -> None:
    opening = (
        "from kubernetes import config\nfrom kuarlab.views import ClusterView\n"
        f"api = config.new_client_from_config(config_file={str(kubesim.kubeconfig)!r})\n"
        f"view = ClusterView(api, {NAMESPACE!r})\n"
        "assert view.wait_for(lambda text: 'kuar-worker2' in text)\n"
        "view"
    )
    widget, plain, closing = run_in_a_kernel(
        opening,
        "import os\nos.environ['KUARLAB_PLAIN'] = '1'\nview",
        "import threading\nview.close()\nprint([t.name for t in threading.enumerate() if 'kuarlab' in t.name])",
    )
    assert [set(output.get("data", {})) >= {"application/vnd.jupyter.widget-view+json"} for output in widget] == [True]
    assert [output.get("name") for output in plain] == ["stdout"]
    assert plain[0]["text"].startswith(f"pods of namespace {NAMESPACE} by node:")
    assert closing[0]["text"] == "[]\n"
