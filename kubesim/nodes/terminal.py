"""The pseudo-terminal of `kubectl exec -it`: what the kernel's tty line discipline does between kubectl and the shell.

With `-t`, kubectl puts the local terminal in raw mode and sends every key as it is typed; the container's pty
(canonical mode, echo on, as a shell starts in) turns keys into lines: it echoes what is typed, ends a line at
Enter (CR becomes NL), erases with Backspace, kills the line with Ctrl-U, sends end-of-file with Ctrl-D on an
empty line and interrupts the running command with Ctrl-C (echoing `^C`). Escape sequences (arrow keys) are
dropped: there is no line editing or history. Output gets CR before every NL, as ONLCR does, so lines start at
the left margin of kubectl's raw terminal.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

INTERRUPT, END_OF_FILE, KILL_LINE, ESCAPE = 0x03, 0x04, 0x15, 0x1B
ERASE = (0x7F, 0x08)
MAX_LINE = 4095  # N_TTY_BUF_SIZE - 1: a longer line is cut there, as Linux does


class Terminal:
    """One pty: keys in through `feed`, lines out through `read`; the program's output through `write`."""

    def __init__(self, send: Callable[[bytes], None], interrupt: Callable[[], None]) -> None:
        self._send, self._interrupt = send, interrupt
        self._line = bytearray()
        self._lines: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._escape = False

    def feed(self, keys: bytes) -> None:
        for key in keys:
            self._key(key)

    def hang_up(self) -> None:
        """The client went away: the program reads end-of-file."""
        self._lines.put_nowait(None)

    async def read(self) -> bytes | None:
        """The next line the user ended with Enter (with its newline); None at end-of-file."""
        return await self._lines.get()

    def write(self, output: bytes) -> None:
        self._send(output.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))

    def _key(self, key: int) -> None:
        if self._escape:  # ESC [ ... final byte: skip the whole sequence
            self._escape = key == ord("[") or not (0x40 <= key <= 0x7E)
            return
        if key == ESCAPE:
            self._escape = True
        elif key in (ord("\r"), ord("\n")):
            self._send(b"\r\n")
            self._lines.put_nowait(bytes(self._line) + b"\n")
            self._line.clear()
        elif key in ERASE:
            if self._line:
                self._line.pop()
                self._send(b"\b \b")
        elif key == KILL_LINE:
            self._send(b"\b \b" * len(self._line))
            self._line.clear()
        elif key == INTERRUPT:
            self._send(b"^C\r\n")
            self._line.clear()
            self._interrupt()
        elif key == END_OF_FILE:
            if self._line:
                self._lines.put_nowait(bytes(self._line))
                self._line.clear()
            else:
                self._lines.put_nowait(None)
        elif key >= 0x20 and len(self._line) < MAX_LINE:
            self._line.append(key)
            self._send(bytes([key]))
