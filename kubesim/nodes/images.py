"""The image catalogue: which images pull, how big they are, how long a pull takes, and what they run.

A container image is named as Docker and containerd name it: `nginx` is `docker.io/library/nginx:latest`,
`fluent/fluentd:v1.16` is `docker.io/fluent/fluentd:v1.16`, `gcr.io/kuar-demo/kuard-amd64:blue` stays as it
is, and a digest (`nginx@sha256:<64 hex>`) pins any known repository. A name that is not in the catalogue
does not pull, as on a real cluster: an unknown repository (`ngnix`) is "pull access denied", an unknown
tag of a known one (`kuard-amd64:bleu`) is "not found". A name Docker cannot parse (`Nginx`) is an
InvalidImageName before any pull.

Each entry gives the image's size (what the Pulled event reports), its pull time in simulated seconds, its
default entrypoint and command, the ports its program listens on, which program model runs in it (see
processes.py) and which shells it carries for `kubectl exec` (busybox's `sh` and `ash` in alpine-based images,
`sh` and `bash` in Debian-based ones, none in distroless and scratch images such as pause and the control
plane's). The images kind preloads (the control plane's, kindnet's, the pause image) are present on every node
from the start. Each node keeps the images it pulled (ImageCache), listed in node.status.images.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kubesim.store.bootstrap.kube_system import COREDNS_IMAGE, ETCD_IMAGE, KINDNET_IMAGE
from kubesim.store.bootstrap.objects import KUBERNETES_VERSION, hex_digest
from kubesim.store.bootstrap.storage import HELPER_IMAGE, PROVISIONER_IMAGE

DEFAULT_DOMAIN, OFFICIAL_PREFIX, DEFAULT_TAG = "docker.io", "library/", "latest"
MAX_NODE_IMAGES = 50  # the kubelet's --node-status-max-images
MiB = 1024 * 1024

# Program models (processes.py): what runs in the container when its command does not say otherwise.
KUARD, SHELL, SERVER, PAUSE, STRESS, AGNHOST, SYSTEM = (
    "kuard",
    "shell",
    "server",
    "pause",
    "stress",
    "agnhost",
    "system",
)

# The shells an image carries (with busybox or coreutils beside them): what `kubectl exec` finds in its $PATH.
BUSYBOX, DEBIAN, NO_SHELL = frozenset(("sh", "ash")), frozenset(("sh", "bash", "dash")), frozenset[str]()

_VERSION = r"v?\d+(\.\d+){0,3}(-[a-z0-9][a-z0-9._-]*)?"  # 1.27, 1.27.2, 16.3-bookworm, v1.16-1, 3.6.6-0
_KIND_BUILD = r"v\d{8}-[0-9a-f]{8}"  # kindest/* images: v20260820-69b56db7
_TAG = re.compile(r"[\w][\w.-]{0,127}")
_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


@dataclass(frozen=True)
class Image:
    """One repository of the catalogue."""

    repository: str  # fully qualified: docker.io/library/nginx
    tags: frozenset[str]
    size: int  # bytes, as the kubelet's Pulled event reports it
    pull_seconds: float  # simulated
    program: str
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    ports: tuple[int, ...] = ()
    memory: int = 4 * MiB  # what its program uses once running (processes.py)
    versions: str = ""  # a regular expression of further tags, such as version numbers
    preloaded: bool = False  # kind's node image carries it: present on every node, never pulled
    shells: frozenset[str] = NO_SHELL

    def has_tag(self, tag: str) -> bool:
        return tag in self.tags or bool(self.versions and re.fullmatch(self.versions, tag))


def _official(name: str, size: int, pull: float, program: str, **details: Any) -> Image:
    tags = frozenset(("latest", *details.pop("tags", ())))
    details.setdefault("shells", DEBIAN)
    return Image(f"{DEFAULT_DOMAIN}/{OFFICIAL_PREFIX}{name}", tags, size, pull, program, versions=_VERSION, **details)


def _kuard(architecture: str) -> Image:
    tags = frozenset(("blue", "green", "purple", "1", "2", "3", "latest"))
    return Image(
        f"gcr.io/kuar-demo/kuard-{architecture}",
        tags,
        11_092_871,
        1.5,
        KUARD,
        ("/kuard",),
        ports=(8080,),
        memory=10 * MiB,
        shells=BUSYBOX,  # kuard's image is built on alpine
    )


def _preloaded(reference: str, program: str = SYSTEM, memory: int = 40 * MiB) -> Image:
    repository, _, tag = reference.rpartition(":")
    size = 10_000_000 + int(hex_digest(reference, 6), 16) % 90_000_000
    shells = BUSYBOX if program == SHELL else NO_SHELL  # the control plane's images are distroless
    return Image(repository, frozenset((tag,)), size, 2.0, program, memory=memory, preloaded=True, shells=shells)


_ENTRY = ("docker-entrypoint.sh",)
CATALOGUE: tuple[Image, ...] = (
    _kuard("amd64"),
    _kuard("arm64"),
    _official("nginx", 72_099_405, 4.0, SERVER, entrypoint=("/docker-entrypoint.sh",),
              cmd=("nginx", "-g", "daemon off;"), ports=(80,), memory=8 * MiB,
              tags=("stable", "mainline", "alpine", "alpine-slim", "bookworm", "stable-alpine", "mainline-alpine")),
    _official("redis", 45_110_208, 3.0, SERVER, entrypoint=_ENTRY, cmd=("redis-server",), ports=(6379,),
              memory=4 * MiB, tags=("alpine", "bookworm")),
    _official("mongo", 292_713_856, 9.0, SERVER, entrypoint=_ENTRY, cmd=("mongod",), ports=(27017,),
              memory=160 * MiB, tags=("jammy", "noble")),
    _official("mysql", 170_419_344, 7.0, SERVER, entrypoint=_ENTRY, cmd=("mysqld",), ports=(3306, 33060),
              memory=360 * MiB, tags=("lts", "oracle", "debian")),
    _official("postgres", 158_720_114, 6.5, SERVER, entrypoint=_ENTRY, cmd=("postgres",), ports=(5432,),
              memory=30 * MiB, tags=("alpine", "bookworm", "bullseye")),
    _official("memcached", 30_386_204, 2.5, SERVER, entrypoint=_ENTRY, cmd=("memcached",), ports=(11211,),
              memory=4 * MiB, tags=("alpine", "bookworm")),
    _official("ghost", 209_145_000, 8.0, SERVER, entrypoint=_ENTRY, cmd=("node", "current/index.js"),
              ports=(2368,), memory=120 * MiB, tags=("alpine",)),
    _official("zookeeper", 120_010_120, 5.0, SERVER, entrypoint=("/docker-entrypoint.sh",),
              cmd=("zkServer.sh", "start-foreground"), ports=(2181, 2888, 3888, 8080), memory=80 * MiB),
    _official("registry", 9_954_142, 1.5, SERVER, entrypoint=("/entrypoint.sh",),
              cmd=("/etc/docker/registry/config.yml",), ports=(5000,), memory=8 * MiB, shells=BUSYBOX),
    _official("httpd", 58_102_410, 3.5, SERVER, cmd=("httpd-foreground",), ports=(80,), memory=6 * MiB,
              tags=("alpine",)),
    _official("busybox", 2_222_260, 1.5, SHELL, cmd=("sh",), memory=1 * MiB,
              tags=("musl", "glibc", "uclibc", "stable"), shells=BUSYBOX),
    _official("alpine", 3_653_068, 1.5, SHELL, cmd=("/bin/sh",), memory=1 * MiB, tags=("edge",), shells=BUSYBOX),
    _official("ubuntu", 29_754_290, 2.5, SHELL, cmd=("/bin/bash",), memory=2 * MiB,
              tags=("jammy", "noble", "focal", "rolling", "devel")),
    _official("debian", 48_494_272, 3.0, SHELL, cmd=("bash",), memory=2 * MiB,
              tags=("bookworm", "bookworm-slim", "bullseye", "bullseye-slim", "trixie", "stable", "stable-slim")),
    Image("docker.io/fluent/fluentd", frozenset(("latest", "edge")), 51_308_021, 3.0, SERVER,
          ("tini", "--", "/bin/entrypoint.sh"), ("fluentd",), (24224,), 60 * MiB, _VERSION, shells=BUSYBOX),
    Image("docker.io/fluent/fluentd-kubernetes-daemonset", frozenset(("latest",)), 102_110_300, 4.5, SERVER,
          ("tini", "--", "/fluentd/entrypoint.sh"), (), (24224,), 80 * MiB, r"v\d+(\.\d+)*(-[a-z0-9.-]+)?",
          shells=DEBIAN),
    Image("docker.io/parseplatform/parse-server", frozenset(("latest", "alpine")), 150_381_230, 5.5, SERVER,
          ("node", "./bin/parse-server"), (), (1337,), 90 * MiB, _VERSION, shells=BUSYBOX),
    Image("docker.io/nicolaka/netshoot", frozenset(("latest",)), 207_890_123, 7.0, SHELL,
          (), ("zsh",), (), 4 * MiB, r"v\d+\.\d+(\.\d+)?", shells=BUSYBOX | {"bash", "zsh"}),
    Image("docker.io/polinux/stress", frozenset(("latest",)), 4_042_711, 1.5, STRESS,
          (), ("stress", "--help"), (), 1 * MiB, r"\d+(\.\d+)*", shells=BUSYBOX),
    Image("registry.k8s.io/busybox", frozenset(("latest", "1.24", "1.27", "1.27.2")), 1_144_547, 1.5, SHELL,
          (), ("sh",), (), 1 * MiB, shells=BUSYBOX),
    Image("registry.k8s.io/liveness", frozenset(("latest",)), 2_482_401, 1.5, AGNHOST,
          (), ("/server",), (8080,), 4 * MiB),
    Image("registry.k8s.io/e2e-test-images/agnhost", frozenset(), 51_105_200, 3.0, AGNHOST,
          ("/agnhost",), (), (8080,), 8 * MiB, r"2\.\d+", shells=BUSYBOX),
    Image("registry.k8s.io/pause", frozenset(("3.9", "3.10", "3.10.1", "latest")), 320_368, 1.0, PAUSE,
          ("/pause",), memory=256 * 1024),
    _preloaded(ETCD_IMAGE),
    _preloaded(COREDNS_IMAGE),
    _preloaded(KINDNET_IMAGE),
    _preloaded(PROVISIONER_IMAGE),
    _preloaded(HELPER_IMAGE, SHELL, 1 * MiB),
    *(
        _preloaded(f"registry.k8s.io/{component}:{KUBERNETES_VERSION}")
        for component in ("kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy")
    ),
)  # fmt: skip
_BY_REPOSITORY = {image.repository: image for image in CATALOGUE}
PUBLIC_REGISTRIES = frozenset(("docker.io", "gcr.io", "registry.k8s.io", "quay.io", "ghcr.io", "mcr.microsoft.com"))
COMPLETE_NAMESPACES = frozenset(("gcr.io/kuar-demo",))  # every image there is in the catalogue
TYPO_LIKENESS = 0.75  # difflib's ratio between an unknown name and a known one above which it is a typo ("ngnix")
_ANY_TAG = r"[\w][\w.-]{0,127}"
# What runs in a container found running with an image the catalogue does not know (a pod stored running before
# the catalogue knew it): it serves until stopped and passes its probes, as the control plane's do.
ALREADY_RUNNING = Image("", frozenset(), 0, 0.0, SYSTEM)
# The sandbox image kind preloads: present on every node like the others, though no container names it.
_PRELOADED_PAUSE = "registry.k8s.io/pause:3.10.1"


class InvalidImageName(Exception):
    """The name is no image reference at all: the kubelet reports InvalidImageName and never pulls."""


class ImagePullError(Exception):
    """The registry refused: the message is containerd's, as the kubelet's Failed event repeats it."""


@dataclass(frozen=True)
class Reference:
    """An image name as containerd normalizes it."""

    repository: str  # docker.io/library/nginx
    tag: str  # "" when only a digest names it
    digest: str  # "sha256:<64 hex>" or ""

    @property
    def name(self) -> str:
        """docker.io/library/nginx:1.27, or docker.io/library/nginx@sha256:... for a digest."""
        return f"{self.repository}@{self.digest}" if self.digest else f"{self.repository}:{self.tag}"


@dataclass(frozen=True)
class ResolvedImage:
    """A pullable image: its catalogue entry and the reference a container named it by."""

    reference: Reference
    image: Image
    spec: str = field(compare=False)  # as the container spec wrote it, which events quote

    @property
    def digest(self) -> str:
        if self.reference.digest:
            return self.reference.digest
        return "sha256:" + hashlib.sha256(self.reference.name.encode()).hexdigest()

    @property
    def image_id(self) -> str:
        """containerStatuses[].imageID: the repository digest, or the config digest of a preloaded image."""
        if self.image.preloaded:
            return f"sha256:{hex_digest(self.spec)}"
        return f"{self.reference.repository}@{self.digest}"

    @property
    def status_name(self) -> str:
        """containerStatuses[].image: the normalized name the runtime reports."""
        return self.spec if self.image.preloaded else self.reference.name


def parse_reference(text: str) -> Reference:
    """The normalized reference of an image name, or InvalidImageName."""
    remainder, digest = text, ""
    if "@" in remainder:
        remainder, _, digest = remainder.partition("@")
        if not _DIGEST.fullmatch(digest):
            raise InvalidImageName(f'couldn\'t parse image reference "{text}": invalid reference format')
    name, tag = remainder, ""
    last_slash = remainder.rfind("/")
    colon = remainder.rfind(":")
    if colon > last_slash:
        name, tag = remainder[:colon], remainder[colon + 1 :]
        if not _TAG.fullmatch(tag):
            raise InvalidImageName(f'couldn\'t parse image reference "{text}": invalid reference format')
    parts = name.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        domain, path = parts[0], parts[1:]
    else:
        domain, path = DEFAULT_DOMAIN, parts
    if domain == DEFAULT_DOMAIN and len(path) == 1:
        path = ["library", *path]
    repository_path = "/".join(path)
    if repository_path.lower() != repository_path:
        raise InvalidImageName(
            f'couldn\'t parse image reference "{text}": invalid reference format: '
            f"repository name ({repository_path}) must be lowercase"
        )
    if not name or not all(_COMPONENT.fullmatch(part) for part in path):
        raise InvalidImageName(f'couldn\'t parse image reference "{text}": invalid reference format')
    return Reference(f"{domain}/{repository_path}", tag or ("" if digest else DEFAULT_TAG), digest)


def resolve(text: str) -> ResolvedImage:
    """The catalogue image a container's `image` names; InvalidImageName, or ImagePullError when it would not pull."""
    reference = parse_reference(text)
    image = _BY_REPOSITORY.get(reference.repository) or _generic(reference)
    if image is None:
        raise ImagePullError(
            f'failed to pull and unpack image "{reference.name}": failed to resolve reference "{reference.name}": '
            "pull access denied, repository does not exist or may require authorization: server message: "
            "insufficient_scope: authorization failed"
        )
    if reference.tag and not image.has_tag(reference.tag):
        raise ImagePullError(
            f'rpc error: code = NotFound desc = failed to pull and unpack image "{reference.name}": '
            f'failed to resolve reference "{reference.name}": {reference.name}: not found'
        )
    return ResolvedImage(reference, image, text)


def _generic(reference: Reference) -> Image | None:
    """An image of a public registry that the catalogue does not model: it pulls (any tag) and runs as a generic
    long-running process that passes its probes. A name in a namespace the catalogue holds entirely
    (gcr.io/kuar-demo) or close to a known name of its namespace (`ngnix` for `nginx`) is a typo: it does not exist."""
    namespace, _, name = reference.repository.rpartition("/")
    if namespace.partition("/")[0] not in PUBLIC_REGISTRIES or namespace in COMPLETE_NAMESPACES:
        return None
    known = [image.repository.rpartition("/")[2] for image in CATALOGUE if image.repository.startswith(namespace + "/")]
    if any(difflib.SequenceMatcher(None, name, other).ratio() >= TYPO_LIKENESS for other in known):
        return None
    size = 20_000_000 + int(hex_digest(reference.repository, 6), 16) % 180_000_000
    return Image(
        reference.repository, frozenset(), size, 3.0, SYSTEM, memory=20 * MiB, versions=_ANY_TAG, shells=BUSYBOX
    )


def preloaded() -> list[ResolvedImage]:
    """What kind's node image brings: present on every node before any pull."""
    names = [f"{image.repository}:{next(iter(image.tags))}" for image in CATALOGUE if image.preloaded]
    return [resolve(name) for name in (*names, _PRELOADED_PAUSE)]


class ImageCache:
    """The images each node holds: preloaded ones, and every one its kubelet pulled since."""

    def __init__(self) -> None:
        self._pulled: dict[str, dict[str, ResolvedImage]] = {}  # node -> reference name -> image
        self._preloaded = {image.reference.name: image for image in preloaded()}

    def present(self, node: str, image: ResolvedImage) -> bool:
        name = image.reference.name
        return name in self._preloaded or name in self._pulled.get(node, {})

    def add(self, node: str, image: ResolvedImage) -> None:
        self._pulled.setdefault(node, {})[image.reference.name] = image

    def forget(self, node: str) -> None:
        self._pulled.pop(node, None)

    def load(self, node: str, status_images: Iterable[dict[str, Any]]) -> None:
        """Images a node's status lists (a restarted kubesim finds its nodes' images again)."""
        for entry in status_images:
            for name in entry.get("names") or []:
                if "@" in name:
                    continue
                try:
                    image = resolve(name)
                except (InvalidImageName, ImagePullError):
                    continue
                if not image.image.preloaded:
                    self.add(node, image)

    def node_status_images(self, node: str) -> list[dict[str, Any]]:
        """node.status.images: biggest first, at most 50, each with its digest name and its tag name."""
        images = {**self._preloaded, **self._pulled.get(node, {})}.values()
        biggest = sorted(images, key=lambda image: (-image.image.size, image.reference.name))[:MAX_NODE_IMAGES]
        return [
            {
                "names": [f"{image.reference.repository}@{image.digest}", image.reference.name],
                "sizeBytes": image.image.size,
            }
            for image in biggest
        ]
