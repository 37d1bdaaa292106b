"""kuarlab: the notebooks' companion library. `from kuarlab import lab`, then `lab.connect("05")`.

See kuarlab.facade for the whole interface; `%load_ext kuarlab` does the same connect from a notebook.
"""

from typing import Any

from kuarlab.facade import Lab, lab

__all__ = ["Lab", "lab", "load_ipython_extension"]


def load_ipython_extension(ipython: Any) -> None:
    from kuarlab.magics import load_extension

    load_extension(ipython)
