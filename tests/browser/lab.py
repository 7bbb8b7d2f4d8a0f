"""A throwaway JupyterLab server and the Chromium that looks at it.

The server runs from this environment's ``jupyter`` on 127.0.0.1, a free port and a random
token, in its own process group, with every Jupyter/IPython folder (config, data, runtime,
user settings, workspaces) in a temporary directory, so it neither reads nor writes the
user's. It serves a *copy* of the course folders, so running a notebook never touches the
committed files. ``stop()`` shuts the kernels down through the REST API, then signals the
whole process group.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")

# Flags for a headless Chromium that never phones home (no downloads work on this machine).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]

# User settings of the throwaway lab: no news toast, no update check, no extension manager
# (it would query PyPI), every cell kept in the DOM, no autosave racing our explicit save.
USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/extensionmanager-extension/plugin": {"enabled": False},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
}

# Server side: no announcements feed, no update check (this machine is offline).
SERVER_CONFIG = {"LabApp": {"news_url": None,
                            "check_for_updates_class": "jupyterlab.NeverCheckForUpdate"}}


CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def find_chromium() -> tuple[Path | None, str]:
    """Return Debian's Chromium, installing it with apt-get when we may; else why not.

    Also installs Debian's Noto CJK fonts when missing, so pages (not only the figures,
    which carry their own font) show Chinese text instead of empty boxes. Returns
    ``(path, "")`` when the browser is there (or was just installed) and
    ``(None, reason)`` when it is missing and cannot be installed here.
    """
    wanted = [pkg for pkg, path in (("chromium", CHROMIUM), ("fonts-noto-cjk", CJK_FONT))
              if not path.exists()]
    if not wanted:
        return CHROMIUM, ""
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        if CHROMIUM.exists():
            return CHROMIUM, ""  # fonts are a nicety
        how = "there is no apt-get" if apt is None else "we are not root"
        return None, (f"{CHROMIUM} is missing and {how}: install it with "
                      f"`sudo apt-get install -y chromium fonts-noto-cjk`")
    import fcntl

    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    wait = ["-o", "DPkg::Lock::Timeout=600"]
    # two pytest-xdist workers may get here at once: one installs, the other waits
    with open(Path(tempfile.gettempdir()) / "crmlab-apt.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        wanted = [pkg for pkg, path in (("chromium", CHROMIUM), ("fonts-noto-cjk", CJK_FONT))
                  if not path.exists()]
        for cmd in ([apt, *wait, "update", "-q"], [apt, *wait, "install", "-y", "-q", *wanted]):
            if not wanted:
                break
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
            if done.returncode != 0 and not CHROMIUM.exists():
                tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
                return None, f"`{' '.join(cmd)}` failed: " + " / ".join(tail)
    if not CHROMIUM.exists():
        return None, f"apt-get installed chromium but {CHROMIUM} is not there"
    return CHROMIUM, ""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLab:
    """A JupyterLab server on a private port, token and set of folders.

    Parameters
    ----------
    base : Path
        An empty temporary folder; the served files go to ``base / "root"``, the
        Jupyter folders beside it.
    folders : dict of str to Path
        Folders to copy into the served root (name in the root -> source folder).
    """

    def __init__(self, base: Path, folders: dict[str, Path], env: dict | None = None):
        self.base = Path(base)
        self.env = dict(env or {})  # laid over the server's (and its kernels') environment
        self.root = self.base / "root"
        self.root.mkdir(parents=True)
        for name, source in folders.items():
            shutil.copytree(source, self.root / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        self.token = secrets.token_hex(16)
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.log_path = self.base / "jupyterlab.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def lab_url(self, path: str = "") -> str:
        """Return the URL that opens ``path`` (relative to the served root) in the lab."""
        tree = f"/tree/{path}" if path else ""
        return f"{self.url}/lab{tree}?token={self.token}&reset"

    def _write_settings(self) -> dict[str, Path]:
        dirs = {name: self.base / name for name in
                ("config", "data", "runtime", "ipython", "settings", "workspaces")}
        for folder in dirs.values():
            folder.mkdir()
        for plugin, values in USER_SETTINGS.items():
            target = dirs["settings"] / f"{plugin}.jupyterlab-settings"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values, indent=2), encoding="utf-8")
        (dirs["config"] / "jupyter_server_config.json").write_text(
            json.dumps(SERVER_CONFIG, indent=2), encoding="utf-8")
        return dirs

    def start(self, timeout: float = 90.0) -> JupyterLab:
        """Start the server and wait until its REST API answers."""
        dirs = self._write_settings()
        bindir = Path(sys.executable).parent
        env = {
            **os.environ,
            "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
            "JUPYTER_CONFIG_DIR": str(dirs["config"]),
            "JUPYTER_DATA_DIR": str(dirs["data"]),
            "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
            "IPYTHONDIR": str(dirs["ipython"]),
            "JUPYTER_PLATFORM_DIRS": "1",
            "TQDM_DISABLE": "1",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "PYTHONWARNINGS": "",
        }
        env.pop("MPLBACKEND", None)
        env.pop("JUPYTER_PATH", None)
        env.update(self.env)
        for attempt in range(3):
            self.port = free_port()
            cmd = [
                str(bindir / "jupyter"), "lab", "--no-browser",
                "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root}",
                f"--LabApp.user_settings_dir={dirs['settings']}",
                f"--LabApp.workspaces_dir={dirs['workspaces']}",
                # window.jupyterapp: run commands and read the notebook model from the page
                "--LabApp.expose_app_in_browser=True",
            ]
            if os.geteuid() == 0:  # containers and CI runners often run as root
                cmd.append("--ServerApp.allow_root=True")
            log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
            self._log = log
            self.proc = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    self.api("GET", "status")
                    return self
                except (OSError, urllib.error.URLError):
                    time.sleep(0.25)
            else:
                self.stop()
                raise RuntimeError(f"JupyterLab did not start in {timeout:g} s:\n{self.log()}")
            self.stop()
            if "already in use" not in self.log() or attempt == 2:
                raise RuntimeError(f"JupyterLab exited at start-up:\n{self.log()}")
            self.log_path.write_bytes(b"")  # the port was taken meanwhile: try another
        raise AssertionError("unreachable")

    def api(self, method: str, path: str, timeout: float = 10.0):
        """Call the server's REST API and return the decoded JSON (or None)."""
        request = urllib.request.Request(f"{self.url}/api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            body = answer.read()
        return json.loads(body) if body else None

    def log(self, tail: int = 40) -> str:
        """Return the last lines of the server's log."""
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-tail:])

    def stop(self) -> None:
        """Shut the kernels down, then stop the server's whole process group."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            try:
                for kernel in self.api("GET", "kernels") or []:
                    self.api("DELETE", f"kernels/{kernel['id']}", timeout=20)
            except (OSError, urllib.error.URLError, ValueError):
                pass
            for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        proc.wait()
        self._log.close()
