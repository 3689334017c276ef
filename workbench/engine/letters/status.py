"""The status machine of a letter: what may follow what, and the transition itself."""

from __future__ import annotations

from datetime import date
from typing import Optional

from workbench.engine.letters.model import (RECORDED_IN_ERROR, STATUS_LABELS, STATUSES, TRANSITIONS, Letter, StatusEvent,
                                            revalidate, status_problem)
from workbench.errors import UserError


class TransitionRefused(UserError, ValueError):
    """A status change the machine does not allow; the message says why and what is allowed."""


def check_transition(current: str, target: str, note: Optional[str] = None) -> None:
    if target not in TRANSITIONS:
        raise TransitionRefused(f"'{target}' is not a letter status (expected one of {', '.join(STATUSES)})")
    if target == current:
        raise TransitionRefused(f"the letter is already {STATUS_LABELS[current]}")
    if target == RECORDED_IN_ERROR:
        if not (note or "").strip():
            raise TransitionRefused("withdrawing a letter as recorded in error needs a reason "
                                    "(expected --reason TEXT, e.g. 'letter was addressed to another company')")
        return
    allowed = TRANSITIONS[current]
    if target not in allowed:
        if not allowed:
            raise TransitionRefused(f"a letter {STATUS_LABELS[current]} cannot change status "
                                    "(record a new letter instead)")
        if current == "closed":
            raise TransitionRefused(f"a closed letter cannot change status, except to "
                                    f"{STATUS_LABELS[RECORDED_IN_ERROR]} (record a new letter instead)")
        raise TransitionRefused(f"cannot go from {STATUS_LABELS[current]} to {STATUS_LABELS[target]} "
                                f"(expected {' or '.join(STATUS_LABELS[a] for a in allowed)})")


def transition(letter: Letter, target: str, on: date, note: Optional[str] = None) -> Letter:
    """The letter in its new status with the change in its history, or TransitionRefused."""
    check_transition(letter.status, target, note)
    problem = status_problem(target, letter.applications)
    if problem:
        raise TransitionRefused(problem)
    last = letter.history[-1].on if letter.history else letter.received
    if on < last:
        raise TransitionRefused(f"the change date {on} is before the previous event ({last})")
    events = [*letter.history, StatusEvent(status=target, on=on, note=note)]  # type: ignore[arg-type]
    return revalidate(letter, status=target, history=events)
