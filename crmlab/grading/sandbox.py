"""The sandbox each submission runs in: bubblewrap on Linux, or nothing and a warning.

:func:`find` looks for bubblewrap (``bwrap``, Debian's ``bubblewrap`` package) and checks
that it can create the namespaces here; :meth:`Sandbox.command` wraps the command of the
notebook runner (:mod:`crmlab.grading.runner`) in it. Inside:

* a read-only view of the system (``/usr`` and its links), the Python installation, the
  virtual environment and the ``crmlab`` package with its data, and nothing else of the
  host: no home folder, no submissions, no solutions, no output folder;
* the answer key masked: each chapter checker ``crmlab/exercises/chNN.py`` is replaced by
  a stub that raises :data:`HIDDEN_KEY` on import, its bytecode cache is hidden, and any
  folder the grader names (solutions, submissions, output) that lies inside the view is
  covered by an empty one;
* one private, size-limited writable work folder (a ``tmpfs``, the current folder and
  ``$HOME``) and a private ``/tmp``; a fresh ``/dev`` and ``/proc``;
* its own user, PID, network (loopback only), IPC, UTS and cgroup namespaces, no
  capabilities, no new privileges, no further user namespaces, a new session (no terminal
  injection), and a clean environment; the whole sandbox dies with its parent, and every
  process it started dies when its first process ends (PID namespace).

The runner sets the resource limits (address space, processes, CPU time, file size, open
files) on itself before it starts the kernel; the grader enforces the wall clock from
outside (:mod:`crmlab.grading.execute`) and kills the sandbox at the end of its time.

bubblewrap is the sandbox of Flatpak, a small setuid-free tool that does exactly this job;
only the list of what to mount, which depends on where Python and crmlab are installed,
is written here.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from crmlab.exercises.answers import HIDDEN_KEY

__all__ = ["HIDDEN_KEY", "NO_SANDBOX_RISKS", "ROOT", "WORK", "Sandbox", "answer_key_files",
           "environment", "find", "install_hint", "view"]

#: The folder that holds the sandbox's own folders (not a host path).
ROOT = "/crmlab-sandbox"

#: The private writable work folder inside the sandbox (current folder and ``$HOME``).
WORK = f"{ROOT}/work"


#: What grading without a sandbox risks (printed by ``crmlab grade --no-sandbox``).
NO_SANDBOX_RISKS = (
    "Grading without a sandbox: each submission runs with your user's rights. It can read, "
    "change or delete any file you can (other submissions, the solutions, the grade table, "
    "the installed crmlab and its checkers), read the answer key (crmlab.exercises) and "
    "your command line, use the network, and leave processes running after grading. "
    "Resource limits (memory, processes, CPU time, file size) and time limits still apply, "
    "and answers are still judged outside the student's kernel. Grade only notebooks you "
    "trust this way."
)

#: Limits of the private folders (bytes).
WORK_BYTES = 256 * 1024 ** 2
TMP_BYTES = 256 * 1024 ** 2

_STUB = (
    '"""Hidden while grading: the answer key is not part of the grading sandbox."""\n'
    f"raise ImportError('crmlab: {HIDDEN_KEY} (' + __name__ + ')')\n"
)


def install_hint() -> str:
    """Say how to get a sandbox on this machine.

    Examples
    --------
    >>> "bubblewrap" in install_hint()
    True
    """
    return ("install bubblewrap (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: "
            "`sudo dnf install bubblewrap`) and allow user namespaces; on macOS or Windows, "
            "grade inside a Linux virtual machine or container that allows them")


def answer_key_files() -> list[Path]:
    """Return the chapter checkers of the installed crmlab (the answer key), by name.

    Examples
    --------
    >>> [p.name for p in answer_key_files()][:2]
    ['ch01.py', 'ch02.py']
    """
    import crmlab.exercises

    folder = Path(crmlab.exercises.__file__).resolve().parent
    return sorted(folder.glob("ch[0-9][0-9].py"))


def _package_folders() -> list[Path]:
    """The crmlab package and its data, wherever they are installed (editable or not)."""
    import importlib.resources

    import crmlab

    folders = [Path(crmlab.__file__).resolve().parent]
    data = importlib.resources.files("crmlab._data")
    folders.append(Path(str(data)).resolve())
    return folders


def _python_folders() -> list[Path]:
    """The Python installation and the environment: prefixes and their library folders."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable))}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        paths.add(sysconfig.get_paths().get(key, sys.prefix))
    return [Path(p).resolve() for p in paths if p]


def _minimal(paths: list[Path]) -> list[Path]:
    """Drop the paths that lie inside another one of the list."""
    out: list[Path] = []
    for p in sorted(set(paths), key=lambda q: len(q.parts)):
        if not any(p == q or q in p.parents for q in out):
            out.append(p)
    return out


def view(hide: list[Path] = ()) -> list[str]:
    """Return bubblewrap's mount options: the read-only view of system, Python and crmlab.

    Parameters
    ----------
    hide : list of Path
        Host folders or files to cover if they lie inside the view (the solutions, the
        submissions, the output).

    Returns
    -------
    list of str

    Examples
    --------
    >>> opts = view()
    >>> opts[:3]
    ['--ro-bind', '/usr', '/usr']
    >>> any(Path(a).name == "crmlab" for a in opts)  # the package, read-only
    True
    """
    opts = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            opts += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            opts += ["--ro-bind", str(path), str(path)]
    for name in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "alternatives"):
        opts += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    usr = Path("/usr")
    shown = [p for p in _minimal(_python_folders() + _package_folders())
             if p != usr and usr not in p.parents]
    for path in shown:
        opts += ["--ro-bind", str(path), str(path)]
    for path in hide:
        path = Path(path).resolve()
        if path.exists() and any(path == p or p in path.parents for p in [*shown, usr]):
            opts += ["--tmpfs" if path.is_dir() else "--ro-bind", *(
                [str(path)] if path.is_dir() else ["/dev/null", str(path)])]
    return opts


def environment(work: str = WORK) -> dict[str, str]:
    """Return the whole environment of the runner and the kernel (nothing of the grader's).

    Examples
    --------
    >>> env = environment("/w")
    >>> env["HOME"], env["TMPDIR"], "PYTHONPATH" in env
    ('/w', '/tmp', False)
    """
    bindir = os.path.dirname(sys.executable)
    return {
        "PATH": f"{bindir}:/usr/local/bin:/usr/bin:/bin",
        "HOME": work, "USER": "student", "LOGNAME": "student", "TMPDIR": "/tmp",
        "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1", "MPLCONFIGDIR": "/tmp/matplotlib",
        "JUPYTER_RUNTIME_DIR": "/tmp/jupyter", "JUPYTER_CONFIG_DIR": "/tmp/jupyter-config",
        "JUPYTER_DATA_DIR": "/tmp/jupyter-data", "IPYTHONDIR": "/tmp/ipython",
        "JUPYTER_PLATFORM_DIRS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "TQDM_DISABLE": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


@dataclass
class Sandbox:
    """A way to run the notebook runner in bubblewrap.

    Attributes
    ----------
    bwrap : str
        The ``bwrap`` binary.
    hide : list of Path
        Host paths to cover inside the view (solutions, submissions, output).
    stub : Path
        The file that replaces each chapter checker (written by :meth:`prepare`).
    """

    bwrap: str
    hide: list[Path] = field(default_factory=list)
    stub: Path | None = None
    _tmp: tempfile.TemporaryDirectory | None = field(default=None, repr=False)
    # the grader's worker threads share one sandbox: one stub, written once
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def prepare(self) -> Sandbox:
        """Write the checker stub into a private folder of the grader; return self."""
        with self._lock:
            if self.stub is None:
                tmp = tempfile.TemporaryDirectory(prefix="crmlab-sandbox-")
                stub = Path(tmp.name) / "hidden_checker.py"
                stub.write_text(_STUB, encoding="utf-8")
                stub.chmod(0o444)
                self._tmp, self.stub = tmp, stub
        return self

    def close(self) -> None:
        """Remove the private folder of the stub."""
        with self._lock:
            if self._tmp is not None:
                self._tmp.cleanup()
                self._tmp, self.stub = None, None

    def command(self, argv: list[str]) -> list[str]:
        """Return ``argv`` wrapped in bubblewrap (see the module docstring for the view).

        Examples
        --------
        >>> box = Sandbox("/usr/bin/bwrap").prepare()
        >>> cmd = box.command(["python", "-m", "crmlab.grading.runner"])
        >>> cmd[0], cmd[-3:], "--unshare-all" in cmd, "--die-with-parent" in cmd
        ('/usr/bin/bwrap', ['python', '-m', 'crmlab.grading.runner'], True, True)
        >>> any(a.endswith("exercises/ch03.py") for a in cmd)  # the answer key is masked
        True
        >>> box.close()
        """
        stub = str(self.prepare().stub)
        # the private /tmp first: mounts stack, so the view binds on top of it (a course or
        # a virtual environment that lives under /tmp stays visible, read-only)
        opts = [self.bwrap, "--dev", "/dev", "--proc", "/proc",
                "--size", str(TMP_BYTES), "--tmpfs", "/tmp", *view(self.hide)]
        for checker in answer_key_files():
            opts += ["--ro-bind", stub, str(checker)]
        cache = answer_key_files()[0].parent / "__pycache__" if answer_key_files() else None
        if cache is not None and cache.is_dir():
            opts += ["--tmpfs", str(cache)]
        opts += [
            "--dir", ROOT, "--size", str(WORK_BYTES), "--tmpfs", WORK,
            "--chdir", WORK,
            "--unshare-all", "--unshare-user", "--disable-userns", "--uid", "1000",
            "--gid", "1000", "--hostname", "sandbox", "--cap-drop", "ALL",
            "--die-with-parent", "--new-session", "--clearenv",
        ]
        for key, value in environment(WORK).items():
            opts += ["--setenv", key, value]
        return [*opts, "--", *argv]


@functools.cache
def _probe(bwrap: str) -> str:
    """Run a trivial Python in the sandbox; return "" if it works, else why not."""
    box = Sandbox(bwrap).prepare()
    try:
        done = subprocess.run(box.command([sys.executable, "-c", "import crmlab"]),
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"{bwrap} could not start ({type(err).__name__}: {err})"
    finally:
        box.close()
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no message"]
        return f"{bwrap} cannot create a sandbox here: {tail[0]}"
    return ""


def find(hide: list[Path] = ()) -> tuple[Sandbox | None, str]:
    """Return a working sandbox, or ``(None, reason)`` when there is none here.

    Parameters
    ----------
    hide : list of Path
        Host paths to cover inside the sandbox's view.

    Examples
    --------
    >>> box, why = find()
    >>> (box is not None) != bool(why)
    True
    """
    if not sys.platform.startswith("linux"):
        return None, f"bubblewrap needs Linux (this is {sys.platform}); {install_hint()}"
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return None, f"bubblewrap (bwrap) is not installed: {install_hint()}"
    why = _probe(bwrap)
    if why:
        return None, f"{why}; {install_hint()}"
    return Sandbox(bwrap, [Path(p) for p in hide]), ""
