"""Loaded by every Python process that the interrupted-run tests start (this folder is put first on
their PYTHONPATH), workers included: it holds a run at a chosen moment so that a test can kill it
there — waiting for that state, not for a time.

IKU_PAUSE_AT="module:attribute.path"  the function to hold at (``engine.pipeline:run``,
                                      ``engine.outputs.folder:_RunFolder._switch``, …)
IKU_PAUSE_CALL=N                      hold at its N-th call in a process (default 1)
IKU_PAUSE_MARK=PATH                   written (pid of the holding process) when it holds; the process
                                      goes on when the test writes PATH.go (or is killed meanwhile)
IKU_SET="module:attribute=integer"    a module constant changed before the run starts (several: separated by ";")
"""

import functools
import importlib
import os
import time


def _owner_and_name(spec: str):
    module_name, _, path = spec.partition(":")
    owner = importlib.import_module(module_name)
    *parents, name = path.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    return owner, name


def _hold(spec: str, call: int, mark: str) -> None:
    owner, name = _owner_and_name(spec)
    original = getattr(owner, name)
    calls = [0]

    @functools.wraps(original)
    def held(*args, **kwargs):
        calls[0] += 1
        if calls[0] == call:
            with open(mark + ".part", "w") as stream:
                stream.write(str(os.getpid()))
            os.replace(mark + ".part", mark)
            deadline = time.monotonic() + 120
            while not os.path.exists(mark + ".go") and time.monotonic() < deadline:
                time.sleep(0.05)  # until the test kills this process (or its parent), or lets it go on
        return original(*args, **kwargs)

    setattr(owner, name, held)


for _setting in filter(None, os.environ.get("IKU_SET", "").split(";")):
    _target, _, _value = _setting.partition("=")
    _owner, _name = _owner_and_name(_target)
    setattr(_owner, _name, int(_value))
if os.environ.get("IKU_PAUSE_AT"):
    _hold(os.environ["IKU_PAUSE_AT"], int(os.environ.get("IKU_PAUSE_CALL", "1")), os.environ["IKU_PAUSE_MARK"])
