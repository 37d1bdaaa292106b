"""What every live view shares: its watches, its widget, how it displays, and how it stops.

A view follows one or more lists (`WatchedList`, one daemon thread each) and renders their objects two ways, both
pure functions of the same state: `text()` for a terminal, a test or a notebook without widgets, and `html()` for an
`ipywidgets.HTML` that is updated in place (at most every 0.3 s) while the watches run, so a cell's output keeps
showing the cluster as it is.

Displayed in JupyterLab with ipywidgets installed, a view shows its widget; anywhere else (a plain Python prompt,
`KUARLAB_PLAIN=1`, nbval runs, no ipywidgets) it prints its text. ipywidgets is imported only when a widget is
wanted, so the views work without it.

`close()` stops the watches. A view that is garbage-collected, or still open when the kernel exits, is closed by a
`weakref.finalize`, so a notebook never leaves threads or connections behind; the threads hold no reference to the
view for the same reason.
"""

from __future__ import annotations

import html
import os
import time
import weakref
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from kuarlab.views.watching import Object, Throttle, WatchedList

JOIN_SECONDS = 2.0
FIRST_LIST_SECONDS = 5.0


class View(ABC):
    """A live picture of some objects of one namespace; subclasses say what they follow and how they render it."""

    def __init__(self, api_client: Any, namespace: str):
        self.api_client = api_client
        self.namespace = namespace
        self._lists: dict[str, WatchedList] = {}
        self._widget: Any = None
        self._throttle = Throttle(_weak_call(self._refresh))
        self._on_event = _weak_call(self._seen)
        self._finalizer: weakref.finalize | None = None

    @abstractmethod
    def text(self) -> str:
        """What the view shows now, as plain text."""

    @abstractmethod
    def html(self) -> str:
        """What the view shows now, as the widget's HTML."""

    def snapshot(self) -> str:
        """The plain text of the view now."""
        return self.text()

    def wait_for(self, predicate: Callable[[str], bool], timeout: float = 60.0) -> bool:
        """Whether the view's text satisfied `predicate` within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not predicate(self.text()):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True

    def close(self) -> None:
        if self._finalizer is not None:
            self._finalizer()

    @property
    def closed(self) -> bool:
        return self._finalizer is not None and not self._finalizer.alive

    def widget(self) -> Any:
        """The ipywidgets.HTML showing this view (created on first use; needs ipywidgets)."""
        if self._widget is None:
            import ipywidgets

            self._widget = ipywidgets.HTML(value=self.html())
        return self._widget

    def _follow(self, name: str, list_objects: Callable[..., Any], **arguments: Any) -> None:
        self._lists[name] = WatchedList(name, list_objects, self._on_event, **arguments)

    def _started(self) -> None:
        """Called by subclasses once they follow everything: from here on the view stops with the kernel.

        It waits (briefly) for the first answer of every list, so that a view displayed as text right away shows
        the cluster rather than an empty picture of lists not received yet.
        """
        self._finalizer = weakref.finalize(self, _stop, list(self._lists.values()), self._throttle)
        deadline = time.monotonic() + FIRST_LIST_SECONDS
        for each in self._lists.values():
            each.answered.wait(max(deadline - time.monotonic(), 0))

    def _objects(self, name: str) -> list[Object]:
        return self._lists[name].objects()

    def _errors(self) -> list[str]:
        return [f"watching {name}: {each.error}" for name, each in self._lists.items() if each.error]

    def _changed(self) -> None:  # noqa: B027 - an optional hook: most views keep no history
        """Hook for views that keep a history of what they saw: called on every change a watch brings, from its
        thread, so that no step is missed between two renders."""

    def _seen(self) -> None:
        self._changed()
        self._throttle()

    def _refresh(self) -> None:
        if self._widget is not None:
            try:
                self._widget.value = self.html()
            except Exception as error:  # odd objects must not end the watch behind the widget
                self._widget.value = f"<pre>{html.escape(f'kuarlab could not draw this view: {error!r}')}</pre>"

    def __repr__(self) -> str:
        return self.text()

    def _ipython_display_(self) -> None:
        if _widgets_wanted():
            from IPython.display import display

            display(self.widget())
        else:
            print(self.text())

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        if _widgets_wanted():
            bundle: dict[str, Any] = self.widget()._repr_mimebundle_(include=include, exclude=exclude)
            return bundle
        return {"text/plain": self.text()}


def _widgets_wanted() -> bool:
    """A widget is shown only inside a Jupyter kernel with ipywidgets installed, unless KUARLAB_PLAIN=1."""
    if os.environ.get("KUARLAB_PLAIN") == "1":
        return False
    try:
        import ipywidgets  # noqa: F401 - only asking whether it is installed
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _weak_call(method: Callable[[], None]) -> Callable[[], None]:
    """Calls a bound method without keeping its object alive (the watch threads must not keep a view open)."""
    reference = weakref.WeakMethod(method)

    def call() -> None:
        target = reference()
        if target is not None:
            target()

    return call


def _stop(lists: list[WatchedList], throttle: Throttle) -> None:
    throttle.close()
    for each in lists:
        each.stop()
    for each in lists:
        each.join(JOIN_SECONDS)
