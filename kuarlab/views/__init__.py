"""Live views of the cluster for the notebooks: widgets fed by watches, with a plain-text twin.

- `ClusterView(api, namespace, label="color")`: nodes as columns, the namespace's pods as coloured boxes on them;
- `RolloutView(api, namespace, deployment="kuard")`: a Deployment's old and new ReplicaSets and their ready replicas
  over time;
- `ServiceView(api, namespace, service="kuard")`: a Service, its endpoints (ready or not) and their pods.

`api` is a `kubernetes.client.ApiClient`. Each view follows the cluster from background threads until `close()`
(or until it is garbage-collected or the kernel exits), shows itself as an ipywidgets widget in JupyterLab and as
text elsewhere, and `text()` / `snapshot()` give that text at any time. Importing this package does not import
ipywidgets.
"""

from kuarlab.views.cluster import ClusterView
from kuarlab.views.rollout import RolloutView
from kuarlab.views.service import ServiceView

__all__ = ["ClusterView", "RolloutView", "ServiceView"]
