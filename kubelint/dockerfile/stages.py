"""What the stage rules share: which stage a stage builds on, the image it starts from, the variables in scope.

A `FROM` names either an earlier stage or a registry image, possibly through build arguments; these
helpers resolve it the way BuildKit does, and tell what the ARG and ENV defaults make of a value at a
given instruction, or that only the build command can tell (an argument without a default).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kubelint.dockerfile.parser import Dockerfile, Instruction, Stage, expand_variables, key_values
from kubelint.images import ImageRef, parse_image

__all__ = [
    "PLATFORM_ARGUMENTS",
    "BaseImage",
    "ancestry",
    "describe_base",
    "earlier_stage",
    "external_base",
    "uses_unset_variable",
    "variables_before",
]

# BuildKit sets these for every build, so a FROM that uses them does not wait for a --build-arg.
PLATFORM_ARGUMENTS = frozenset(
    {
        "BUILDPLATFORM",
        "BUILDOS",
        "BUILDARCH",
        "BUILDVARIANT",
        "TARGETPLATFORM",
        "TARGETOS",
        "TARGETARCH",
        "TARGETVARIANT",
    }
)
_REFERENCE = re.compile(r"[a-z0-9][A-Za-z0-9._/:@-]*")
_VARIABLE = re.compile(r"\$(?:\{(?P<braced>[A-Za-z0-9_]+)(?P<modifier>[^}]*)\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")
_DEFAULTING_OPERATORS = (":-", "-", ":=", "=")


@dataclass(frozen=True, slots=True)
class BaseImage:
    """The registry image a stage starts from, after the build arguments' defaults are filled in."""

    reference: str
    ref: ImageRef
    expanded: bool  # the FROM line uses build arguments


def external_base(dockerfile: Dockerfile, stage: Stage) -> BaseImage | None:
    """The image a stage starts from, or None for scratch, an earlier stage or a base we cannot know."""
    if not stage.base or uses_unset_variable(stage.base, dockerfile.global_args):
        return None
    reference = stage.base_expanded.strip()
    if reference.lower() == "scratch" or earlier_stage(dockerfile, stage) is not None:
        return None
    if not _REFERENCE.fullmatch(reference) or reference.endswith((":", "@")):
        return None
    ref = parse_image(reference)
    if ref.is_templated:
        return None
    return BaseImage(reference, ref, reference != stage.base)


def describe_base(stage: Stage, base: BaseImage) -> str:
    """How a message names the base: as written, plus what the ARG defaults make of it."""
    if base.expanded:
        return f'base image "{stage.base}" (which is "{base.reference}" with the ARG defaults)'
    return f'base image "{base.reference}"'


def earlier_stage(dockerfile: Dockerfile, stage: Stage) -> Stage | None:
    """The stage that `FROM <name>` builds on: BuildKit only looks at stages defined above it."""
    wanted = stage.base_expanded.strip().lower()
    return next((other for other in dockerfile.stages[: stage.index] if other.name == wanted), None)


def ancestry(dockerfile: Dockerfile, stage: Stage) -> list[Stage]:
    """The stage, then the stage it is built on, and so on up to the one built on an image."""
    chain = [stage]
    # A FROM can only name a stage above it, so the walk always ends.
    parent = earlier_stage(dockerfile, stage)
    while parent is not None:
        chain.append(parent)
        parent = earlier_stage(dockerfile, parent)
    return chain


def uses_unset_variable(text: str, variables: dict[str, str | None]) -> bool:
    """Whether text uses a variable without a value, such as a build argument without a default.

    Only the build command knows such a value, so what the text becomes cannot be judged.
    """
    for match in _VARIABLE.finditer(text):
        name = match.group("braced") or match.group("plain")
        if name in PLATFORM_ARGUMENTS or variables.get(name) is not None:
            continue
        if (match.group("modifier") or "").startswith(_DEFAULTING_OPERATORS):
            continue
        return True
    return False


def variables_before(dockerfile: Dockerfile, instruction: Instruction) -> dict[str, str | None]:
    """The ARG and ENV values in effect at an instruction, from the defaults; None for an unset argument.

    ENV is inherited from the stages this one builds on; ARG is not, except that an ARG without a value
    takes the default of the global ARG of the same name.
    """
    stage = dockerfile.stages[instruction.stage]
    variables: dict[str, str | None] = {}
    for ancestor in reversed(ancestry(dockerfile, stage)[1:]):
        for earlier in ancestor.instructions:
            if earlier.keyword == "ENV":
                _assign(earlier, variables, dockerfile)
    for earlier in stage.instructions:
        if earlier is instruction:
            break
        if earlier.keyword in ("ARG", "ENV"):
            _assign(earlier, variables, dockerfile)
    return variables


def _assign(instruction: Instruction, variables: dict[str, str | None], dockerfile: Dockerfile) -> None:
    for name, value, _ in key_values(instruction):
        if value is None and instruction.keyword == "ARG":
            variables[name] = variables.get(name, dockerfile.global_args.get(name))
        else:
            variables[name] = expand_variables(value or "", variables, escape=instruction.escape)
