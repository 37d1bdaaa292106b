"""IPython's side of kuarlab: the `%kubectl` line magic and `%load_ext kuarlab`.

`%kubectl ARGS` is `lab.kubectl("ARGS")`: the line reaches kubectl as typed (IPython's `{expression}` and `$name`
expansion is off for it, so jsonpath templates such as `{.items[*].metadata.name}` survive). `%load_ext kuarlab`
registers the magic and connects for the notebook's chapter when the notebook's file name tells it (`05-pods.ipynb`,
read from `JPY_SESSION_NAME`, which Jupyter sets for each kernel); otherwise it says to call `lab.connect("NN")`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kuarlab.facade import Lab

_CHAPTER_IN_NAME = re.compile(r"(\d\d)\D")


def register_magics(shell: Any, lab: Lab) -> None:
    from IPython.core.magic import no_var_expand

    @no_var_expand
    def kubectl(line: str) -> None:
        lab.kubectl(line)

    shell.register_magic_function(kubectl, magic_kind="line", magic_name="kubectl")


def notebook_chapter() -> str | None:
    """The chapter of the running notebook, from its file name (`05-pods.ipynb` -> "05"), when Jupyter tells it."""
    name = Path(os.environ.get("JPY_SESSION_NAME", "")).name
    match = _CHAPTER_IN_NAME.match(name)
    return match.group(1) if match else None


def load_extension(shell: Any) -> None:
    from kuarlab.facade import lab

    register_magics(shell, lab)
    shell.user_ns.setdefault("lab", lab)
    chapter = notebook_chapter()
    if chapter is None:
        print('kuarlab: %kubectl is ready; run lab.connect("NN") with this chapter\'s number to choose the cluster')
        return
    lab.connect(chapter)
