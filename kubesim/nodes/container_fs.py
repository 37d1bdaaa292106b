"""What a container sees of its world: its environment, and a filesystem that `kubectl exec` and `kubectl cp` use.

A real container's root filesystem is its image's layers with a writable layer on top, and its volumes mounted
into it. This module models the same in memory, per running container (keyed by container ID):

- the image's files: a small plausible Linux tree (`/bin`, `/etc`, `/tmp`, `/usr`, `/var`, `/root`, ...), with the
  shells and utilities the image carries (see `Image.shells` in images.py) and its entrypoint binary (`/kuard`);
  `/etc/hostname`, `/etc/hosts` and `/etc/resolv.conf` as the kubelet writes them (search path
  `NS.svc.cluster.local svc.cluster.local cluster.local`, the cluster DNS at 10.96.0.10, `options ndots:5`);
- the volume mounts: ConfigMaps, Secrets, projected and downwardAPI volumes (the service-account token among them)
  are read-only, as the kubelet mounts them, and so is any mount marked `readOnly`; an emptyDir is writable and
  SHARED by the containers of its pod (keyed by pod UID and volume name): it outlives container restarts and is
  gone with the pod; a PersistentVolumeClaim is shared by every pod that mounts the claim, a hostPath by the pods
  of a node;
- everything else lands in the container's writable layer, lost when the container restarts (a new container ID
  gets a new filesystem, as a new container does); the files the container's own script makes and removes
  (processes.py models when) are replayed into it as time goes on (`replay`), so `cat /tmp/healthy` in the
  documentation's liveness example finds the file for its first 30 seconds.

`Filesystems` hands out the filesystem of a (pod, container, container ID), building it from the store the first
time; old ones are dropped past a bound, as kuard.py's Kuards drops old kuards. Writes that would make a layer or
volume exceed `MAX_VOLUME_BYTES` fail with "No space left on device", so a runaway copy cannot eat the server's
memory. Errors carry busybox's wording ("No such file or directory", "Read-only file system", ...) for the shell
(shell.py) to print.
"""

from __future__ import annotations

import base64
import contextlib
import posixpath
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from kubesim.nodes.images import ImagePullError, InvalidImageName, resolve
from kubesim.store.bootstrap.kube_system import DNS_SERVICE_IP
from kubesim.store.bootstrap.objects import DNS_DOMAIN
from kubesim.store.store import Store

Obj = dict[str, Any]
MAX_INSTANCES = 5_000  # filesystems of containers long gone are dropped first
MAX_SHARED_VOLUMES = 5_000  # likewise for emptyDirs, claims and host paths
MAX_VOLUME_BYTES = 64 * 1024 * 1024  # per writable layer or volume
FILE_MODE, DIR_MODE, EXECUTABLE_MODE = 0o644, 0o755, 0o755
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
PROGRAM_MAGIC = b"\x7fELF"  # what the image's programs hold: they are there to be seen, not read

NO_ENTRY = "No such file or directory"
NOT_A_DIRECTORY = "Not a directory"
IS_A_DIRECTORY = "Is a directory"
READ_ONLY = "Read-only file system"
EXISTS = "File exists"
NOT_EMPTY = "Directory not empty"
BUSY = "Resource busy"
NO_SPACE = "No space left on device"

_IMAGE_DIRS = (
    "/bin", "/dev", "/etc", "/home", "/lib", "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv",
    "/sys", "/tmp", "/usr/bin", "/usr/lib", "/usr/local/bin", "/usr/sbin", "/usr/share", "/var/cache", "/var/lib",
    "/var/log", "/var/run", "/var/tmp",
)  # fmt: skip
_PASSWD = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n"
_GROUP = "root:x:0:root\nnobody:x:65534:\n"


class FsError(Exception):
    """A filesystem call that failed: the path and the reason as the C library words it."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


@dataclass(frozen=True)
class Node:
    """A file or a directory (the tree keeps no symbolic links, devices or owners: everything is root's)."""

    is_dir: bool
    data: bytes = b""
    mode: int = FILE_MODE
    mtime: float = 0.0


@dataclass
class Volume:
    """A tree of nodes by path inside it ("/" is its root): a container's layer, or a volume to mount."""

    nodes: dict[str, Node] = field(default_factory=dict)
    read_only: bool = False
    used: int = 0  # bytes held by its files

    def __post_init__(self) -> None:
        self.nodes.setdefault("/", Node(True, mode=DIR_MODE, mtime=time.time()))
        self.used = sum(len(node.data) for node in self.nodes.values())

    @staticmethod
    def of_files(files: dict[str, bytes], read_only: bool = False, mode: int = FILE_MODE) -> Volume:
        """A volume holding these files (paths inside it), with the directories they need."""
        now = time.time()
        volume = Volume(read_only=read_only)
        for path, data in files.items():
            clean = posixpath.normpath("/" + path.lstrip("/"))
            for parent in _parents(clean):
                volume.nodes.setdefault(parent, Node(True, mode=DIR_MODE, mtime=now))
            volume.nodes[clean] = Node(False, data, mode, now)
        volume.used = sum(len(node.data) for node in volume.nodes.values())
        return volume

    def store(self, path: str, node: Node) -> None:
        previous = self.nodes.get(path)
        growth = len(node.data) - (len(previous.data) if previous else 0)
        if growth > 0 and self.used + growth > MAX_VOLUME_BYTES:
            raise FsError(path, NO_SPACE)
        self.used += growth
        self.nodes[path] = node

    def discard(self, path: str) -> None:
        node = self.nodes.pop(path, None)
        if node is not None:
            self.used -= len(node.data)


@dataclass(frozen=True)
class Mount:
    """A volume mounted at a path of the container: `base` is the part of the volume shown there (subPath)."""

    volume: Volume
    base: str = "/"
    read_only: bool = False


class ContainerFilesystem:
    """The files one container sees: its writable layer with its volumes mounted into it. Paths are absolute;
    `absolute(path, cwd)` makes them so."""

    def __init__(self, layer: Volume, mounts: dict[str, Mount] | None = None) -> None:
        self.layer = layer
        self.mounts = dict(mounts or {})
        self.replayed = 0  # how many of the main process's file events are applied (replay)
        for point, mount in self.mounts.items():  # the runtime makes the mount points in the container
            for parent in _parents(point):
                if parent not in self.layer.nodes:
                    self.layer.store(parent, Node(True, mode=DIR_MODE, mtime=time.time()))
            target = mount.volume.nodes.get(mount.base)
            self.layer.store(point, Node(target is None or target.is_dir, mode=DIR_MODE, mtime=time.time()))

    @staticmethod
    def absolute(path: str, cwd: str = "/") -> str:
        return posixpath.normpath(posixpath.join(cwd, path)) if path else cwd

    # -- reading --------------------------------------------------------------------------------------------

    def node(self, path: str) -> Node | None:
        volume, inner, _ = self._where(path)
        return volume.nodes.get(inner)

    def is_dir(self, path: str) -> bool:
        node = self.node(path)
        return node is not None and node.is_dir

    def is_file(self, path: str) -> bool:
        node = self.node(path)
        return node is not None and not node.is_dir

    def read(self, path: str) -> bytes:
        node = self._existing(path)
        if node.is_dir:
            raise FsError(path, IS_A_DIRECTORY)
        return node.data

    def listdir(self, path: str) -> list[str]:
        """The names in a directory, sorted."""
        node = self._existing(path)
        if not node.is_dir:
            raise FsError(path, NOT_A_DIRECTORY)
        volume, inner, _ = self._where(path)
        prefix = inner.rstrip("/") + "/"
        return sorted(
            name[len(prefix) :]
            for name in volume.nodes
            if name.startswith(prefix) and name != prefix and "/" not in name[len(prefix) :]
        )

    def walk(self, path: str) -> Iterator[tuple[str, Node]]:
        """The path and everything under it, parents before their children, names in order."""
        node = self._existing(path)
        yield path, node
        if node.is_dir:
            for name in self.listdir(path):
                yield from self.walk(posixpath.join(path, name))

    def read_only(self, path: str) -> bool:
        return self._where(path)[2]

    # -- writing --------------------------------------------------------------------------------------------

    def write(self, path: str, data: bytes, append: bool = False) -> None:
        """Create or replace (or append to) a file; its directory must exist."""
        existing = self.node(path)
        if existing is not None and existing.is_dir:
            raise FsError(path, IS_A_DIRECTORY)
        self._parent_dir(path)
        volume, inner, _ = self._writable(path)
        old = existing.data if existing is not None and append else b""
        mode = existing.mode if existing is not None else FILE_MODE
        volume.store(inner, Node(False, old + data, mode, time.time()))

    def touch(self, path: str) -> None:
        existing = self.node(path)
        if existing is None:
            self.write(path, b"")
            return
        volume, inner, _ = self._writable(path)
        volume.store(inner, replace(existing, mtime=time.time()))

    def mkdir(self, path: str, parents: bool = False) -> None:
        existing = self.node(path)
        if existing is not None:
            if parents and existing.is_dir:
                return
            raise FsError(path, EXISTS)
        if parents and path != "/":
            parent = posixpath.dirname(path)
            if self.node(parent) is None:
                self.mkdir(parent, parents=True)
        self._parent_dir(path)
        volume, inner, _ = self._writable(path)
        volume.store(inner, Node(True, mode=DIR_MODE, mtime=time.time()))

    def remove(self, path: str, recursive: bool = False) -> None:
        """Remove a file, or a directory (with what it holds when recursive; else it must be empty)."""
        node = self._existing(path)
        if path in self.mounts or path == "/":
            raise FsError(path, BUSY)
        if node.is_dir and not recursive:
            raise FsError(path, IS_A_DIRECTORY)
        volume, inner, _ = self._writable(path)
        if node.is_dir:
            for name in self.listdir(path):
                self.remove(posixpath.join(path, name), recursive=True)
        volume.discard(inner)

    def rmdir(self, path: str) -> None:
        node = self._existing(path)
        if not node.is_dir:
            raise FsError(path, NOT_A_DIRECTORY)
        if self.listdir(path):
            raise FsError(path, NOT_EMPTY)
        self.remove(path, recursive=True)

    def replay(self, events: tuple[tuple[float, str, bool], ...], until: float) -> None:
        """Apply, once each, the files the container's main process made (True) or removed (False) up to `until`
        seconds after it started: (seconds, path, exists) as processes.py's script records them."""
        while self.replayed < len(events) and events[self.replayed][0] <= until:
            _, path, exists = events[self.replayed]
            self.replayed += 1
            absolute = self.absolute(path)
            with contextlib.suppress(FsError):  # the script's own error, as its `touch` would have printed
                if exists:
                    self.touch(absolute)
                else:
                    self.remove(absolute, recursive=True)

    # -- where a path lives ---------------------------------------------------------------------------------

    def _where(self, path: str) -> tuple[Volume, str, bool]:
        """The volume a path is in, its path inside that volume, and whether it is read-only there."""
        clean = posixpath.normpath("/" + path.lstrip("/"))
        for point in sorted(self.mounts, key=len, reverse=True):
            if clean == point or clean.startswith(point.rstrip("/") + "/"):
                mount = self.mounts[point]
                inner = posixpath.normpath(posixpath.join(mount.base, clean[len(point) :].lstrip("/")))
                return mount.volume, inner, mount.read_only or mount.volume.read_only
        return self.layer, clean, self.layer.read_only

    def _existing(self, path: str) -> Node:
        for parent in _parents(path):
            node = self.node(parent)
            if node is None:
                raise FsError(path, NO_ENTRY)
            if not node.is_dir:
                raise FsError(path, NOT_A_DIRECTORY)
        node = self.node(path)
        if node is None:
            raise FsError(path, NO_ENTRY)
        return node

    def _parent_dir(self, path: str) -> None:
        try:
            parent = self._existing(posixpath.dirname(path))
        except FsError as error:
            raise FsError(path, error.reason) from None
        if not parent.is_dir:
            raise FsError(path, NOT_A_DIRECTORY)

    def _writable(self, path: str) -> tuple[Volume, str, bool]:
        volume, inner, read_only = self._where(path)
        if read_only:
            raise FsError(path, READ_ONLY)
        return volume, inner, read_only


def _parents(path: str) -> list[str]:
    """The directories above an absolute path, from / down."""
    parents: list[str] = []
    parent = posixpath.dirname(path)
    while path != "/" and parent not in parents:
        parents.insert(0, parent)
        if parent == "/":
            break
        parent = posixpath.dirname(parent)
    return parents


class Filesystems:
    """The filesystems of the running containers by container ID, and the volumes their pods share."""

    def __init__(self) -> None:
        self.instances: dict[str, ContainerFilesystem] = {}
        self.shared: dict[tuple[str, ...], Volume] = {}  # (kind, owner, name) -> a writable volume

    def of(self, store: Store, pod: Obj, container: Obj, container_id: str) -> ContainerFilesystem:
        """The container's filesystem; its ConfigMap, Secret and projected volumes show what those objects hold
        now, as the kubelet refreshes them (within about a minute on a real node; at once here), except where only
        one key is mounted with subPath, which a real kubelet never refreshes."""
        filesystem = self.instances.get(container_id)
        mounts = self._mounts(store, pod, container)
        if filesystem is None:
            filesystem = ContainerFilesystem(image_layer(pod, container), mounts)
            # readOnlyRootFilesystem: the container writes only to its volumes (once the kubelet's files are in)
            filesystem.layer.read_only = bool((container.get("securityContext") or {}).get("readOnlyRootFilesystem"))
            if len(self.instances) >= MAX_INSTANCES:
                del self.instances[next(iter(self.instances))]
            self.instances[container_id] = filesystem
            return filesystem
        for point, mount in mounts.items():
            if mount.volume.read_only and mount.base == "/" and point in filesystem.mounts:
                filesystem.mounts[point] = mount
        return filesystem

    def _mounts(self, store: Store, pod: Obj, container: Obj) -> dict[str, Mount]:
        namespace = pod["metadata"].get("namespace") or "default"
        volumes = {str(v.get("name")): v for v in (pod.get("spec") or {}).get("volumes") or [] if isinstance(v, dict)}
        mounts: dict[str, Mount] = {}
        for entry in container.get("volumeMounts") or []:
            volume = volumes.get(str(entry.get("name")))
            if volume is None:
                continue
            point = posixpath.normpath("/" + str(entry.get("mountPath") or "/").lstrip("/"))
            base = posixpath.normpath("/" + str(entry.get("subPath") or "").lstrip("/"))
            key = _shared_key(pod, volume)
            if key is None:
                source = Volume.of_files(_volume_files(store, namespace, pod, volume), read_only=True)
            else:
                source = self._shared(key)
                if base != "/" and base not in source.nodes:  # the kubelet makes a missing subPath directory
                    ContainerFilesystem(source).mkdir(base, parents=True)
            mounts[point] = Mount(source, base, bool(entry.get("readOnly")))
        return mounts

    def _shared(self, key: tuple[str, ...]) -> Volume:
        volume = self.shared.get(key)
        if volume is None:
            if len(self.shared) >= MAX_SHARED_VOLUMES:
                del self.shared[next(iter(self.shared))]
            volume = self.shared[key] = Volume()
        return volume


def _shared_key(pod: Obj, volume: Obj) -> tuple[str, ...] | None:
    """Who shares a writable volume: the pod (emptyDir, and kinds not modelled), every pod of the claim, the node
    (hostPath). None for the read-only kinds the kubelet fills from API objects."""
    if any(volume.get(kind) for kind in ("configMap", "secret", "projected", "downwardAPI")):
        return None
    meta = pod["metadata"]
    claim = volume.get("persistentVolumeClaim")
    if claim:
        return ("claim", str(meta.get("namespace") or ""), str(claim.get("claimName") or ""))
    host_path = volume.get("hostPath")
    if host_path:
        return ("host", str((pod.get("spec") or {}).get("nodeName") or ""), str(host_path.get("path") or ""))
    return ("pod", str(meta.get("uid") or meta.get("name")), str(volume.get("name")))


def image_layer(pod: Obj, container: Obj) -> Volume:
    """The container's own files as it starts: its image's tree and the files the kubelet writes into it."""
    image = str(container.get("image") or "")
    try:
        catalogued = resolve(image).image
        shells, binaries = catalogued.shells, [*catalogued.entrypoint[:1], *catalogued.cmd[:1]]
    except (InvalidImageName, ImagePullError):
        shells, binaries = frozenset(), []
    files = {
        "/etc/hostname": f"{hostname(pod)}\n".encode(),
        "/etc/hosts": _hosts(pod).encode(),
        "/etc/resolv.conf": resolv_conf(pod["metadata"].get("namespace") or "default").encode(),
        "/etc/passwd": _PASSWD.encode(),
        "/etc/group": _GROUP.encode(),
    }
    layer = Volume.of_files(files)
    now = time.time()
    for directory in _IMAGE_DIRS:
        for path in (*_parents(directory), directory):
            layer.nodes.setdefault(path, Node(True, mode=DIR_MODE, mtime=now))
    layer.nodes["/tmp"] = Node(True, mode=0o1777, mtime=now)
    programs = [f"/bin/{name}" for name in sorted(shells)]
    programs += [binary for binary in binaries if binary.startswith("/")]
    for program in programs:
        layer.nodes[program] = Node(False, PROGRAM_MAGIC, EXECUTABLE_MODE, now)
    layer.used = sum(len(node.data) for node in layer.nodes.values())
    return layer


def hostname(pod: Obj) -> str:
    return str((pod.get("spec") or {}).get("hostname") or pod["metadata"]["name"])


def resolv_conf(namespace: str) -> str:
    """/etc/resolv.conf as the kubelet writes it for dnsPolicy ClusterFirst."""
    search = f"{namespace}.svc.{DNS_DOMAIN} svc.{DNS_DOMAIN} {DNS_DOMAIN}"
    return f"search {search}\nnameserver {DNS_SERVICE_IP}\noptions ndots:5\n"


def _hosts(pod: Obj) -> str:
    """/etc/hosts as the kubelet writes it: localhost, then the pod's own IP and name."""
    lines = [
        "# Kubernetes-managed hosts file.",
        "127.0.0.1\tlocalhost",
        "::1\tlocalhost ip6-localhost ip6-loopback",
        "fe00::0\tip6-localnet",
        "fe00::0\tip6-mcastprefix",
        "fe00::1\tip6-allnodes",
        "fe00::2\tip6-allrouters",
    ]
    ip = (pod.get("status") or {}).get("podIP")
    if ip:
        lines.append(f"{ip}\t{hostname(pod)}")
    return "\n".join(lines) + "\n"


# -- the environment --------------------------------------------------------------------------------------------


_REFERENCE = re.compile(r"(\$?)\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


def container_env(store: Store, pod: Obj, container: Obj) -> dict[str, str]:
    """The environment the container runtime gives a container: HOSTNAME, the Service variables the kubelet sets
    (the `kubernetes` Service's always; with enableServiceLinks, every Service of the pod's namespace, as
    `ALPACA_PROD_SERVICE_HOST` and docker-link style `ALPACA_PROD_PORT_8080_TCP...`), then envFrom and env resolved
    (they win over the Service variables). The Services are those there now; a real kubelet takes the ones that
    existed when the container started."""
    namespace = pod["metadata"].get("namespace") or "default"
    env = {"PATH": PATH, "HOSTNAME": pod["metadata"]["name"]}
    links = (pod.get("spec") or {}).get("enableServiceLinks", True) is not False
    services = store.list("/services", namespace) if links else []
    master = store.get("/services", "default", "kubernetes")
    for service in [*services, *([master] if master is not None else [])]:
        env.update(service_variables(service))
    for source in container.get("envFrom") or []:
        data = _source_data(store, namespace, source)
        prefix = str(source.get("prefix") or "")
        env.update({prefix + key: value for key, value in data.items()})
    for item in container.get("env") or []:
        if not isinstance(item, dict) or not item.get("name"):
            continue
        value = _env_value(store, pod, item)
        if value is not None:
            env[str(item["name"])] = value
    return env


def expand_references(words: Iterable[str], env: dict[str, str]) -> list[str]:
    """A command line with `$(VAR)` replaced by the container's variable, as the kubelet expands command and args:
    `$$(VAR)` stays a literal `$(VAR)`, and a reference to a variable the container lacks stays as it is."""
    return [_REFERENCE.sub(lambda match: _referenced(match, env), word) for word in words]


def _referenced(match: re.Match[str], env: dict[str, str]) -> str:
    if match.group(1):  # $$(VAR): escaped
        return match.group(0)[1:]
    return env.get(match.group(2), match.group(0))


def service_variables(service: Obj) -> dict[str, str]:
    """The variables the kubelet sets for one Service with a cluster IP (none for headless or ExternalName ones)."""
    spec = service.get("spec") or {}
    ip, ports = spec.get("clusterIP"), [p for p in spec.get("ports") or [] if isinstance(p, dict)]
    if not ip or ip == "None" or not ports:
        return {}
    name = str(service["metadata"]["name"]).upper().replace("-", "_")
    first = ports[0]
    variables = {
        f"{name}_SERVICE_HOST": str(ip),
        f"{name}_SERVICE_PORT": str(first.get("port")),
        f"{name}_PORT": f"{str(first.get('protocol') or 'TCP').lower()}://{ip}:{first.get('port')}",
    }
    for port in ports:
        number, protocol = str(port.get("port")), str(port.get("protocol") or "TCP")
        if port.get("name"):
            variables[f"{name}_SERVICE_PORT_{str(port['name']).upper().replace('-', '_')}"] = number
        prefix = f"{name}_PORT_{number}_{protocol}"
        variables[prefix] = f"{protocol.lower()}://{ip}:{number}"
        variables[f"{prefix}_PROTO"] = protocol.lower()
        variables[f"{prefix}_PORT"] = number
        variables[f"{prefix}_ADDR"] = str(ip)
    return variables


def missing_configuration(store: Store, pod: Obj, container: Obj) -> tuple[str, str] | None:
    """What the kubelet cannot find to start the container, as ("volume" or "env", its message): a ConfigMap or
    Secret (or one of its keys) that a volume, envFrom or an env entry names and does not mark optional. A volume
    keeps the pod ContainerCreating (FailedMount); env makes the container CreateContainerConfigError."""
    namespace = pod["metadata"].get("namespace") or "default"
    mounted = {str(mount.get("name")) for mount in container.get("volumeMounts") or []}
    for volume in (pod.get("spec") or {}).get("volumes") or []:
        if str(volume.get("name")) not in mounted:
            continue
        for kind, name_field, plural in (("configMap", "name", "configmaps"), ("secret", "secretName", "secrets")):
            source = volume.get(kind)
            if (
                source
                and not source.get("optional")
                and store.get(f"/{plural}", namespace, str(source.get(name_field))) is None
            ):
                what = "configmap" if kind == "configMap" else "secret"
                reason = f'{what} "{source.get(name_field)}" not found'
                return "volume", f'MountVolume.SetUp failed for volume "{volume.get("name")}" : {reason}'
    for source in container.get("envFrom") or []:
        for kind, plural, what in (("configMapRef", "configmaps", "configmap"), ("secretRef", "secrets", "secret")):
            ref = source.get(kind)
            if ref and not ref.get("optional") and store.get(f"/{plural}", namespace, str(ref.get("name"))) is None:
                return "env", f'{what} "{ref.get("name")}" not found'
    for item in container.get("env") or []:
        value_from = (item.get("valueFrom") or {}) if isinstance(item, dict) else {}
        for kind, plural, what in (
            ("configMapKeyRef", "configmaps", "ConfigMap"),
            ("secretKeyRef", "secrets", "Secret"),
        ):
            ref = value_from.get(kind)
            if not ref or ref.get("optional"):
                continue
            found = store.get(f"/{plural}", namespace, str(ref.get("name")))
            if found is None:
                return "env", f'{what.lower()} "{ref.get("name")}" not found'
            keys = set(found.get("data") or {}) | set(found.get("stringData") or {})
            if str(ref.get("key")) not in keys:
                return "env", f"couldn't find key {ref.get('key')} in {what} {namespace}/{ref.get('name')}"
    return None


def _source_data(store: Store, namespace: str, source: Obj) -> dict[str, str]:
    if source.get("configMapRef"):
        return _config_map(store, namespace, source["configMapRef"].get("name"))
    if source.get("secretRef"):
        return _secret(store, namespace, source["secretRef"].get("name"))
    return {}


def _env_value(store: Store, pod: Obj, item: Obj) -> str | None:
    if "valueFrom" not in item:
        return str(item.get("value") or "")
    source = item.get("valueFrom") or {}
    namespace = pod["metadata"].get("namespace") or "default"
    if source.get("configMapKeyRef"):
        ref = source["configMapKeyRef"]
        return _config_map(store, namespace, ref.get("name")).get(str(ref.get("key")))
    if source.get("secretKeyRef"):
        ref = source["secretKeyRef"]
        return _secret(store, namespace, ref.get("name")).get(str(ref.get("key")))
    if source.get("fieldRef"):
        return _field(pod, str(source["fieldRef"].get("fieldPath") or ""))
    return None


def _field(pod: Obj, path: str) -> str | None:
    metadata, spec, status = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
    fields = {
        "metadata.name": metadata.get("name"),
        "metadata.namespace": metadata.get("namespace"),
        "metadata.uid": metadata.get("uid"),
        "spec.nodeName": spec.get("nodeName"),
        "spec.serviceAccountName": spec.get("serviceAccountName"),
        "status.podIP": status.get("podIP"),
        "status.hostIP": status.get("hostIP"),
    }
    if path.startswith("metadata.labels['") or path.startswith("metadata.annotations['"):
        section, _, key = path[len("metadata.") :].partition("['")
        return (metadata.get(section) or {}).get(key.rstrip("']"))
    value = fields.get(path)
    return None if value is None else str(value)


def _config_map(store: Store, namespace: str, name: Any) -> dict[str, str]:
    config_map = store.get("/configmaps", namespace, str(name or "")) or {}
    return {str(k): str(v) for k, v in (config_map.get("data") or {}).items()}


def _secret(store: Store, namespace: str, name: Any) -> dict[str, str]:
    secret = store.get("/secrets", namespace, str(name or "")) or {}
    data = {str(k): base64.b64decode(str(v)).decode(errors="replace") for k, v in (secret.get("data") or {}).items()}
    data.update({str(k): str(v) for k, v in (secret.get("stringData") or {}).items()})
    return data


# -- the files of the volumes the kubelet fills from API objects -------------------------------------------------


def _volume_files(store: Store, namespace: str, pod: Obj, volume: Obj) -> dict[str, bytes]:
    if volume.get("configMap"):
        source = volume["configMap"]
        return _projected(_config_map(store, namespace, source.get("name")), source.get("items"))
    if volume.get("secret"):
        source = volume["secret"]
        return _projected(_secret(store, namespace, source.get("secretName")), source.get("items"))
    if volume.get("projected"):
        return _projected_volume(store, namespace, pod, volume["projected"])
    if volume.get("downwardAPI"):
        return _downward_api(pod, volume["downwardAPI"])
    return {}


def _projected(data: dict[str, str], items: Any) -> dict[str, bytes]:
    if not items:
        return {key: value.encode() for key, value in data.items()}
    return {str(i.get("path") or i.get("key")): data[str(i.get("key"))].encode() for i in items if i.get("key") in data}


def _projected_volume(store: Store, namespace: str, pod: Obj, projected: Obj) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for source in projected.get("sources") or []:
        if source.get("serviceAccountToken"):
            path = str(source["serviceAccountToken"].get("path") or "token")
            files[path] = f"<token of serviceaccount {pod['spec'].get('serviceAccountName', 'default')}>".encode()
        elif source.get("configMap"):
            ref = source["configMap"]
            files.update(_projected(_config_map(store, namespace, ref.get("name")), ref.get("items")))
        elif source.get("secret"):
            ref = source["secret"]
            files.update(_projected(_secret(store, namespace, ref.get("name")), ref.get("items")))
        elif source.get("downwardAPI"):
            files.update(_downward_api(pod, source["downwardAPI"]))
    return files


def _downward_api(pod: Obj, source: Obj) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for item in source.get("items") or []:
        value = _field(pod, str((item.get("fieldRef") or {}).get("fieldPath") or ""))
        if value is not None:
            files[str(item.get("path"))] = value.encode()
    return files
