"""A pre-flight for JSON from users (letter files): refuses what json.loads would get wrong or
crash on, naming the JSON path.

- a key given twice in one object (json.loads keeps the last one silently);
- nesting deeper than a letter ever needs (json.loads and pydantic recurse: a 3,000-deep ``not``
  raised RecursionError);
- a number with more digits than any figure needs (Python refuses to convert integers of more
  than 4,300 digits with a ValueError, and a long one costs quadratic time).

The scan is iterative (no recursion, so no depth can crash it), one pass over the text. Syntax
errors are left to json.loads, which reports them with line and column.
"""

from __future__ import annotations

import re
from json.decoder import scanstring
from typing import Optional, Union

from workbench.errors import UserError

MAX_DEPTH = 64
MAX_NUMBER_CHARS = 40  # "-1.2345678901234567e+308" is 24

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_SPACE = re.compile(r"[ \t\n\r]*")


class JsonProblem(UserError, ValueError):
    """One line: the JSON path and what is wrong with it."""


def json_path(parts: list[Union[str, int]]) -> str:
    """['covered', 'criteria', 0, 'id'] -> 'covered.criteria[0].id' ('(top level)' for [])."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _short_path(parts: list[Union[str, int]]) -> str:
    if len(parts) <= 12:
        return json_path(parts)
    return f"{json_path(parts[:6])}...{json_path(parts[-2:])} ({len(parts)} levels)"


def check_json_text(text: str, max_depth: int = MAX_DEPTH, max_number_chars: int = MAX_NUMBER_CHARS) -> None:
    """Raise JsonProblem for the first duplicate key, over-deep nesting or over-long number."""
    # Each open container: [kind, keys seen (objects) or index (arrays), current key, expecting a key]
    stack: list[list] = []
    path: list[Union[str, int]] = []  # the path of the value being read
    i, n = 0, len(text)
    while i < n:
        i = _SPACE.match(text, i).end()
        if i >= n:
            break
        ch = text[i]
        top: Optional[list] = stack[-1] if stack else None
        if ch in "{[":
            if len(stack) >= max_depth:
                raise JsonProblem(f"{_short_path(path)}: nested more than {max_depth} levels deep "
                                  f"(expected at most {max_depth})")
            stack.append(["obj", set(), None, True] if ch == "{" else ["arr", 0, None, False])
            if ch == "[":
                path.append(0)
            i += 1
        elif ch in "}]":
            if top is not None:
                stack.pop()
                if top[0] == "arr" or top[2] is not None:
                    path.pop() if path else None
            i += 1
        elif ch == ",":
            if top is not None and top[0] == "arr":
                top[1] += 1
                path[-1] = top[1]
            elif top is not None:
                top[3] = True
                if top[2] is not None:
                    path.pop()
                    top[2] = None
            i += 1
        elif ch == ":":
            i += 1
        elif ch == '"':
            try:
                value, i = scanstring(text, i + 1)
            except ValueError:
                return  # json.loads reports the syntax error with its position
            if top is not None and top[0] == "obj" and top[3]:
                if value in top[1]:
                    raise JsonProblem(f"{_short_path(path + [value])}: the key '{value}' is given twice in one "
                                      "object (expected each key once)")
                top[1].add(value)
                top[2], top[3] = value, False
                path.append(value)
        else:
            m = _NUMBER.match(text, i)
            if m is not None and m.end() > i:
                if m.end() - i > max_number_chars:
                    raise JsonProblem(f"{_short_path(path)}: a number of {m.end() - i:,} characters (expected at most "
                                      f"{max_number_chars})")
                i = m.end()
            else:
                i += 1  # true, false, null, or a syntax error json.loads reports
