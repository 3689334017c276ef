"""Every exception the workbench defines derives from workbench.errors.WorkbenchError, so the
command line maps each to one exit code in one place and the GUI shows one kind of message."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import workbench
from workbench.errors import (EXIT_BAD_INPUT, EXIT_OVER_LIMIT, EXIT_STORE, Cancelled, OverLimitError, StorageError,
                              UserError, WorkbenchError, exit_code_for)


def _workbench_modules():
    for info in pkgutil.walk_packages(workbench.__path__, "workbench."):
        if not info.name.endswith("__main__"):  # running it would start the command line
            yield importlib.import_module(info.name)


def test_every_exception_class_derives_from_the_root():
    strays = sorted(f"{module.__name__}.{name}" for module in _workbench_modules()
                    for name, cls in inspect.getmembers(module, inspect.isclass)
                    if cls.__module__ == module.__name__ and issubclass(cls, BaseException)
                    and not issubclass(cls, WorkbenchError))
    assert strays == []


def test_each_branch_has_its_exit_code_and_bugs_have_none():
    assert exit_code_for(UserError("x")) == EXIT_BAD_INPUT == 2
    assert exit_code_for(StorageError("x")) == EXIT_STORE == 3
    assert exit_code_for(OverLimitError("x")) == EXIT_OVER_LIMIT == 4
    assert exit_code_for(Cancelled()) is not None
    assert exit_code_for(ValueError("a bug")) is None
    assert exit_code_for(KeyError("a bug")) is None


def test_there_is_one_cancelled():
    from workbench.services import reports
    from workbench.ui.shell import tasks

    assert reports.Cancelled is tasks.Cancelled is Cancelled
