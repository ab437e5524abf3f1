"""Worker processes end when the analyzer that started them is killed (issue 23, item 3)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kill -9 and /proc")

DRIVER = """
import json, multiprocessing.resource_tracker as rt, os, sys, time
from corroborator.batch import LocalEngine

engine = LocalEngine(workers=2)
pool = engine._start()
for future in [pool.submit(time.sleep, 1.0) for _ in range(2)]:
    future.result()
workers = sorted(pool._processes)
tracker = rt._resource_tracker._pid
print(json.dumps({"workers": workers, "tracker": tracker}), flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as ended)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def test_workers_and_resource_tracker_end_after_kill_9_of_the_driver():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    driver = subprocess.Popen([sys.executable, "-c", DRIVER], stdout=subprocess.PIPE,
                              text=True, env=env)
    try:
        started = json.loads(driver.stdout.readline())
    finally:
        driver.send_signal(signal.SIGKILL)
        driver.wait()
    pids = [*started["workers"], *([started["tracker"]] if started["tracker"] else [])]
    assert len(started["workers"]) == 2
    deadline = time.monotonic() + 15
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [p for p in pids if _alive(p)]
    for pid in left:                                   # do not leak them past a failure
        os.kill(pid, signal.SIGKILL)
    assert left == [], f"still running after the driver's kill -9: {left}"
