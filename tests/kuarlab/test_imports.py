"""kuarlab imports without the `lab` extra's widgets: ipywidgets is optional (views fall back to text)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_kuarlab_imports_without_ipywidgets() -> None:
    script = (
        "import sys; sys.modules['ipywidgets'] = None\n"  # None in sys.modules makes `import ipywidgets` fail
        "import kuarlab, kuarlab.views, kuarlab.layers\n"
        "from kuarlab import lab, load_ipython_extension\n"
        "print(repr(lab))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "<kuarlab lab: not connected>\n"
