"""Binder sessions, and telling the learner how to keep their work before the session goes.

A Binder launch (mybinder.org or any BinderHub) runs the notebooks in a throwaway container: it is shut down after
about ten minutes without activity, and whatever was written in it (edited notebooks, `progress.json`, the kubesim
cluster) goes with it. A learner who does not know that loses an afternoon's work, so the first `lab.connect()` of a
kernel on Binder adds one line after the usual connect line, saying how to save: download the notebooks, and export
the progress to a CSV file that can be downloaded too.

A session is on Binder when BinderHub's own variables are in the environment: it passes `BINDER_LAUNCH_HOST`,
`BINDER_REPO_URL`, `BINDER_REF_URL`, `BINDER_REQUEST` and `BINDER_PERSISTENT_REQUEST` to the server it starts.
`JUPYTERHUB_SERVICE_PREFIX` is not a sign of Binder: every JupyterHub sets it, and a classroom hub keeps its users'
files.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

BINDERHUB_VARIABLES = ("BINDER_LAUNCH_HOST", "BINDER_REPO_URL", "BINDER_REQUEST")
SAVE_YOUR_WORK = (
    "kuarlab: Binder deletes this session after ~10 idle minutes, with your work: File › Download your notebooks, "
    "and `!kuarlab progress --export progress.csv` to download your progress"
)


def on_binder(environment: Mapping[str, str] = os.environ) -> bool:
    """Whether this kernel runs in a session that BinderHub started."""
    return any(environment.get(name) for name in BINDERHUB_VARIABLES)
