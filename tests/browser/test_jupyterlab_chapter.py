"""A chapter, run as a learner runs it: in JupyterLab, in a real browser, with the live views as widgets.

The notebook suite (nbval) proves that every cell runs, but with `KUARLAB_PLAIN=1`: it never sees a widget. This
test opens chapter 1 in headless Chromium, runs all its cells from JupyterLab's Run menu, waits until the kernel has
run the last one, and then checks what the learner sees: the cluster view is a rendered widget showing the four
kuard pods the chapter scaled to, and no cell shows an error. The page, with the cluster view in sight, is saved as
`test-artifacts/browser/01-introduction.png` (the README's screenshot comes from there).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import JupyterLab

NOTEBOOK = "notebooks/01-introduction.ipynb"
NAMESPACE = "ch01"
KUARD_REPLICAS = 4  # the chapter scales kuard to 4 before it closes the view
RUN_ALL_SECONDS = 360
VIEWPORT = {"width": 1280, "height": 820}
CODE_PROMPTS = "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent)"
CLUSTER_VIEW = ".jp-OutputArea-output .widget-html-content"
# JupyterLab shows a cell's exception and its stderr alike; kubectl writes `error: ...` and `Error from server`
ERROR_OUTPUTS = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
ERROR_TEXT = re.compile(r"Traceback|Error\b|\berror:")


@pytest.mark.timeout(600)
def test_a_chapter_runs_in_jupyterlab_and_its_cluster_view_shows_the_pods(
    browser: Any, jupyterlab: JupyterLab, artifacts: Path
) -> None:
    # `browser` first: without one the test is skipped before a kubesim and a JupyterLab are started for nothing
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(jupyterlab.page_url(NOTEBOOK))
        _wait_for_an_idle_kernel(jupyterlab, page)
        _close_the_left_sidebar(page)
        _menu(page, "Run", "runmenu:run-all")
        finished = _wait_until_every_cell_ran(page)
        view = page.locator(CLUSTER_VIEW).filter(has_text=f"namespace {NAMESPACE}")
        _screenshot(page, view, artifacts / "01-introduction.png")

        errors = [text for text in page.locator(ERROR_OUTPUTS).all_inner_texts() if ERROR_TEXT.search(text)]
        assert not errors, "cells show errors:\n\n" + "\n\n".join(errors)
        assert finished, f"not every cell ran within {RUN_ALL_SECONDS} s: prompts {page.evaluate(CODE_PROMPTS)}"
        assert view.count() == 1, "the cluster view did not render as a widget (is jupyterlab_widgets installed?)"
        boxes = view.locator("div[title]").evaluate_all("boxes => boxes.map(box => box.title)")
        kuards = [title for title in boxes if re.fullmatch(r"kuard-[a-z0-9]+-[a-z0-9]+\nRunning 1/1\nkuard", title)]
        assert len(kuards) == KUARD_REPLICAS, f"the cluster view's pods: {boxes}"
        assert f"{KUARD_REPLICAS + 1} pods" in view.inner_text(), "the view counts kuard's pods and the client pod"
    finally:
        context.close()


def _wait_for_an_idle_kernel(jupyterlab: JupyterLab, page: Any) -> None:
    page.locator(".jp-Notebook .jp-CodeCell").first.wait_for()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        sessions = jupyterlab.api("sessions")
        if sessions and all(session["kernel"]["execution_state"] == "idle" for session in sessions):
            return
        time.sleep(0.5)
    pytest.fail(f"the notebook's kernel was not idle within 60 s: {jupyterlab.api('sessions')}")


def _close_the_left_sidebar(page: Any) -> None:
    """Clicking the open sidebar's tab folds it: the file browser would only narrow the screenshot."""
    page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click()
    page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").wait_for(state="detached")


def _menu(page: Any, menu: str, command: str) -> None:
    page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{menu}$")).click()
    page.locator(f'.lm-Menu-item[data-command="{command}"]').click()


def _wait_until_every_cell_ran(page: Any) -> bool:
    """Whether every code cell shows an execution count; False when Run All stopped early or took too long.

    Run All marks every cell `[*]` at once; the kernel then numbers them one by one. When a cell fails, JupyterLab
    clears the marks of the cells after it, which end up `[ ]`.
    """
    deadline = time.monotonic() + RUN_ALL_SECONDS
    while time.monotonic() < deadline:
        prompts = page.evaluate(CODE_PROMPTS)
        if prompts and not any("*" in prompt for prompt in prompts) and re.search(r"\d", prompts[0]):
            return all(re.search(r"\d", prompt) for prompt in prompts)
        time.sleep(1)
    return False


def _screenshot(page: Any, view: Any, path: Path) -> None:
    """The page with the cell that shows the cluster view near the top, the markdown that introduces it above."""
    if view.count() == 1:
        view.evaluate(
            "view => (view.closest('.jp-Cell').previousElementSibling || view)"
            ".scrollIntoView({block: 'start', behavior: 'instant'})"
        )
    page.screenshot(path=str(path))
