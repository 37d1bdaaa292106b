"""Container image references: registry/repository[:tag][@digest], as Docker parses them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ImageRef:
    repository: str
    tag: str | None
    digest: str | None

    @property
    def is_mutable(self) -> bool:
        """No digest, and a tag that is missing or `latest`: the same name can mean another image tomorrow."""
        return self.digest is None and self.tag in (None, "latest")

    @property
    def is_templated(self) -> bool:
        """Names filled in by a tool later (Helm, kustomize, envsubst, ko), which a linter cannot judge."""
        text = self.repository + (self.tag or "")
        return any(marker in text for marker in ("{{", "${", "$(", "<", "ko://")) or text.startswith("$")


def parse_image(reference: str) -> ImageRef:
    reference = reference.strip()
    name, _, digest = reference.partition("@")
    # A colon after the last slash separates the tag; one before it belongs to a registry port.
    last_slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > last_slash:
        return ImageRef(name[:colon], name[colon + 1 :] or None, digest or None)
    return ImageRef(name, None, digest or None)
