"""bubblewrap for the sandbox tests: installed with apt-get when we may, else a reason to skip.

A plain module, not a test file (like ``browser/lab.py``'s ``find_chromium``): pytest puts
``tests/`` on ``sys.path``, so test modules do ``from sandbox_helpers import find_bwrap``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def find_bwrap() -> tuple[str | None, str]:
    """Return the ``bwrap`` binary, installing Debian's ``bubblewrap`` when we may; else why not.

    Two pytest-xdist workers may get here at once: one installs under a file lock (the one
    the Chromium install uses too), the other waits. Returns ``(path, "")`` or
    ``(None, reason)``.
    """
    found = shutil.which("bwrap")
    if found:
        return found, ""
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        how = "there is no apt-get" if apt is None else "we are not root"
        return None, ("bubblewrap (bwrap) is missing and " + how + ": install it with "
                      "`sudo apt-get install -y bubblewrap`")
    import fcntl

    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    wait = ["-o", "DPkg::Lock::Timeout=600"]
    install = [apt, *wait, "install", "-y", "-q", "bubblewrap"]
    tail = ""
    with open(Path(tempfile.gettempdir()) / "crmlab-apt.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        # installing may first need the package lists (`apt-get update`)
        for cmd in (install, [apt, *wait, "update", "-q"], install):
            if shutil.which("bwrap"):
                break
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
            if done.returncode != 0:
                tail = f"`{' '.join(cmd)}` failed: " + " / ".join(
                    (done.stdout + done.stderr).strip().splitlines()[-3:])
    found = shutil.which("bwrap")
    if found is None:
        return None, tail or "`apt-get install bubblewrap` did not install bwrap"
    return found, ""
