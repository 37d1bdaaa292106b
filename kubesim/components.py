"""What a kubesim cluster runs besides the API server, in the order it starts: the controllers of
kube-controller-manager (controllers/), kube-scheduler (scheduler/), the kubelets (nodes/), and the two add-ons
of a kind cluster that act on objects (cloud-provider-kind's load balancers, the local-path provisioner).

HOST_ACCESS are the parts that open the cluster to the host (Services' node ports, the ingress add-on); they are
built with the host's listeners as well, and start after the rest."""

from __future__ import annotations

from kubesim.controllers.clusterrole_aggregation import ClusterRoleAggregationController
from kubesim.controllers.cronjob import CronJobController
from kubesim.controllers.daemonset import DaemonSetController
from kubesim.controllers.deployment import DeploymentController
from kubesim.controllers.disruption import DisruptionController
from kubesim.controllers.endpoints import EndpointsController
from kubesim.controllers.endpointslice import EndpointSliceController
from kubesim.controllers.garbage_collector import GarbageCollector
from kubesim.controllers.horizontal_pod_autoscaler import HorizontalPodAutoscalerController
from kubesim.controllers.host_ports import HostPortsController
from kubesim.controllers.ingress import IngressController
from kubesim.controllers.job import JobController
from kubesim.controllers.local_path_provisioner import LocalPathProvisioner
from kubesim.controllers.namespace import NamespaceController
from kubesim.controllers.node_lifecycle import NodeLifecycleController
from kubesim.controllers.persistentvolume import PersistentVolumeController
from kubesim.controllers.pod_gc import PodGarbageCollector
from kubesim.controllers.replicaset import ReplicaSetController
from kubesim.controllers.resourcequota import ResourceQuotaController
from kubesim.controllers.service_loadbalancer import ServiceLoadBalancerController
from kubesim.controllers.serviceaccount import RootCACertPublisher, ServiceAccountsController
from kubesim.controllers.statefulset import StatefulSetController
from kubesim.controllers.taint_eviction import TaintEvictionController
from kubesim.controllers.ttl_after_finished import TTLAfterFinishedController
from kubesim.controllers.volume_protection import PVCProtectionController, PVProtectionController
from kubesim.nodes.heartbeat import NodeHeartbeat
from kubesim.nodes.kubelet import Kubelet
from kubesim.scheduler.scheduler import Scheduler

COMPONENTS = (
    GarbageCollector,
    NamespaceController,
    ReplicaSetController,
    Scheduler,
    Kubelet,
    NodeHeartbeat,
    DeploymentController,
    DaemonSetController,
    StatefulSetController,
    JobController,
    CronJobController,
    TTLAfterFinishedController,
    EndpointsController,
    EndpointSliceController,
    ServiceLoadBalancerController,
    HorizontalPodAutoscalerController,
    NodeLifecycleController,
    TaintEvictionController,
    PodGarbageCollector,
    DisruptionController,
    ServiceAccountsController,
    RootCACertPublisher,
    ClusterRoleAggregationController,
    ResourceQuotaController,
    PersistentVolumeController,
    PVCProtectionController,
    PVProtectionController,
    LocalPathProvisioner,
)

HOST_ACCESS = (HostPortsController, IngressController)
