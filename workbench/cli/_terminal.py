"""What the command line writes to a terminal: user text (part numbers, party names, letter
references) may hold escape sequences, bells or bidi overrides, which a terminal would run or use
to hide what follows. On a terminal they are shown escaped (ESC as \\x1b); a pipe or a file gets
the exact text (JSON already escapes them; a CSV keeps the data as it is)."""

from __future__ import annotations

import sys
from typing import TextIO

_KEEP = "\n\t"  # layout the command line itself writes


def terminal_safe(text: str, keep: str = "") -> str:
    """``text`` with every non-printable character except spaces and ``keep`` written as an escape."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " or ch in keep else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)


class EscapingStream:
    """A text stream that writes terminal_safe text (line breaks and tabs kept) to ``stream``."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(terminal_safe(text, _KEEP))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def escape_terminal_streams() -> None:
    """Wrap stdout and stderr when they are terminals (a real run of the command line)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        try:
            tty = stream.isatty()
        except (AttributeError, ValueError):
            tty = False
        if tty and not isinstance(stream, EscapingStream):
            setattr(sys, name, EscapingStream(stream))
