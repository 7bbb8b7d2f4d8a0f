"""The attempt log: every answered ``check`` of a notebook, kept beside it.

Like otter's, a per-notebook log lets the hints climb in tiers (the first wrong tries get
a nudge in words, the third a pointer to the right function) across kernel restarts, and
lets a grader report how many tries an exercise took. Each answered check (an untouched
``...`` is not a try) appends one entry ``{"exercise": "3.1", "time": "<UTC, ISO 8601>",
"passed": false}`` to the JSON list in ``.crmlab_attempts.json`` in the kernel's working
folder (Jupyter starts a notebook's kernel in the notebook's folder).

The environment variable ``CRMLAB_ATTEMPTS`` names another file, or turns the file off
(``off`` or empty). The log never stops a check: a folder that cannot be written, a file
that is not a log (unreadable, not JSON, not a list) or a full disk only mean the tries
are counted in memory for this kernel, and an unreadable log is left as it is.

Hand-written because the job is a dozen lines of :mod:`json` with an atomic replace
(:func:`os.replace`); no library does exactly this.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["FILE", "log_path", "read_attempts", "record", "wrong_tries"]

#: The log's file name, in the kernel's working folder.
FILE = ".crmlab_attempts.json"
#: The environment variable naming another log file, or ``off``.
ENV = "CRMLAB_ATTEMPTS"
#: The most entries kept (the oldest go first), so the file stays small.
KEEP = 5000

_MEMORY: list[dict] = []


def log_path() -> Path | None:
    """Return the log file in use, or None when the log is turned off.

    Examples
    --------
    >>> import os
    >>> saved = os.environ.pop(ENV, None)
    >>> log_path().name
    '.crmlab_attempts.json'
    >>> os.environ[ENV] = "off"
    >>> log_path() is None
    True
    >>> _ = os.environ.pop(ENV) if saved is None else os.environ.update({ENV: saved})
    """
    value = os.environ.get(ENV)
    if value is None:
        return Path.cwd() / FILE
    if value.strip().lower() in ("", "off", "0", "false", "no"):
        return None
    return Path(value)


def read_attempts(path: str | Path | None = None) -> list[dict]:
    """Return the entries of an attempt log (an empty list if there is none or it is unreadable).

    Parameters
    ----------
    path : str or Path, optional
        The log file; by default the one in use (:func:`log_path`).

    Returns
    -------
    list of dict
        ``{"exercise": str, "time": str, "passed": bool}`` per answered check, oldest
        first; entries of another shape are left out.

    Examples
    --------
    >>> read_attempts("no/such/folder/.crmlab_attempts.json")
    []
    """
    path = log_path() if path is None else Path(path)
    entries = _read(path) if path is not None else None
    return entries or []


def _read(path: Path) -> list[dict] | None:
    """The log's entries; [] for no file; None for a file that is not a log."""
    try:
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        return None
    if not isinstance(data, list):
        return None
    return [e for e in data if isinstance(e, dict) and isinstance(e.get("exercise"), str)
            and isinstance(e.get("passed"), bool)]


def _write(path: Path, entries: list[dict]) -> bool:
    try:
        fd, tmp = tempfile.mkstemp(prefix=".crmlab_attempts.", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(entries[-KEEP:], file, ensure_ascii=False, indent=0)
        os.replace(tmp, path)
        return True
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False


def wrong_tries(entries: list[dict], qid: str) -> int:
    """Count the wrong tries of exercise ``qid`` in a log's entries.

    Examples
    --------
    >>> wrong_tries([{"exercise": "3.1", "passed": False},
    ...              {"exercise": "3.2", "passed": False},
    ...              {"exercise": "3.1", "passed": True}], "3.1")
    1
    """
    return sum(1 for e in entries if e.get("exercise") == qid and not e.get("passed"))


def record(qid: str, passed: bool) -> int:
    """Log one answered check and return the wrong tries of ``qid`` so far (this one included).

    The count comes from the log file when it can be read and written, else from this
    kernel's memory; nothing here raises.

    Examples
    --------
    >>> import os
    >>> saved = os.environ.get(ENV)
    >>> os.environ[ENV] = "off"
    >>> record("0.9", False), record("0.9", False), record("0.9", True)
    (1, 2, 2)
    >>> _ = os.environ.pop(ENV) if saved is None else os.environ.update({ENV: saved})
    """
    entry = {"exercise": str(qid), "time": datetime.now(UTC).isoformat(timespec="seconds"),
             "passed": bool(passed)}
    _MEMORY.append(entry)
    path = log_path()
    if path is not None:
        entries = _read(path)
        if entries is not None:
            entries.append(entry)
            if _write(path, entries):
                return wrong_tries(entries, qid)
    return wrong_tries(_MEMORY, qid)
