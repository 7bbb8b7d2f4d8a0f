"""The notebook runner: runs one prepared submission in a kernel, inside the sandbox.

``python -I .../crmlab/grading/runner.py`` (:data:`COMMAND`) is what
:mod:`crmlab.grading.execute` starts in the sandbox (:mod:`crmlab.grading.sandbox`), or as
a plain process with ``--no-sandbox``. It reads one job (JSON) from standard input: the
cells to run, the files of the work folder, the time and resource limits. Then it

1. moves its result channel to a private file descriptor (standard output becomes
   ``/dev/null`` for everything it starts, so the kernel cannot write results) and makes
   itself non-dumpable (no ``ptrace``, no ``/proc/PID/mem`` from the kernel);
2. sets the resource limits on itself, inherited by the kernel and whatever it starts:
   address space, processes, CPU time, file size, open files, no core files;
3. writes the files into the work folder and starts a kernel with nbclient;
4. runs the cells one by one, each with the time left (a cell over its limit is
   interrupted; a kernel that does not answer the interrupt within the grace period
   ends the run: ``stuck``; the notebook's total time ends it too: ``total``);
5. writes one JSON line per event: ``ready``, ``cell`` (its error and, for an export
   cell, the plain answers it displayed), ``stuck``, ``total``, ``dead`` and ``done``.

Only answers as plain data leave the runner; the grader reads at most so many bytes,
parses them as JSON and judges them in its own process. This module imports no answer
key and nothing of crmlab's, so it runs the same in any environment with nbclient.
"""

from __future__ import annotations

import json
import os
import sys
import time

__all__ = ["COMMAND", "LIMITS", "main"]

#: How the grader starts the runner: this file as a script, in isolated mode (no
#: ``PYTHONPATH``, no user site), without importing the crmlab package first.
COMMAND = [sys.executable, "-I", os.path.abspath(__file__)]

#: The resource limits the runner sets (``resource`` names), with their meaning.
LIMITS = {
    "RLIMIT_AS": "address space (memory), bytes",
    "RLIMIT_NPROC": "processes and threads of the sandbox's user",
    "RLIMIT_CPU": "CPU seconds per process",
    "RLIMIT_FSIZE": "largest file written, bytes",
    "RLIMIT_NOFILE": "open files per process",
    "RLIMIT_CORE": "core dump size (0)",
}

#: The most bytes of job the runner reads.
MAX_JOB = 64 * 1024 ** 2

#: The most bytes of one error message sent back.
MAX_EVALUE = 300


class _Channel:
    """The result channel: standard output moved to a private descriptor."""

    def __init__(self) -> None:
        fd = os.dup(1)
        os.set_inheritable(fd, False)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)  # what the runner starts writes to /dev/null
        os.dup2(null, 2)
        os.close(null)
        self.out = os.fdopen(fd, "w", encoding="utf-8")

    def send(self, **event) -> None:
        self.out.write(json.dumps(event) + "\n")
        self.out.flush()


def _not_dumpable() -> None:
    """PR_SET_DUMPABLE 0: a process of the same user cannot ptrace or read this one."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _set_limits(limits: dict) -> None:
    import resource

    for name, value in limits.items():
        which = getattr(resource, name, None)
        if which is None or value is None:
            continue
        value = int(value)
        soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        # CPU: the soft limit sends SIGXCPU, the hard one SIGKILL a second later
        resource.setrlimit(which, (value, value + 1 if name == "RLIMIT_CPU" and (
            hard == resource.RLIM_INFINITY or value + 1 <= hard) else value))


def _write_files(files: dict) -> None:
    import base64

    for name, data in files.items():
        if not isinstance(name, str) or "/" in name or name in ("", ".", "..") \
                or name.startswith("."):
            continue
        with open(name, "wb") as f:
            f.write(base64.b64decode(data))


def _client_class():
    from nbclient import NotebookClient

    class Client(NotebookClient):
        """Keeps only errors and the answers of export cells: memory stays small."""

        keep: set = set()
        mime: str = ""

        def output(self, outs, msg, display_id, cell_index):
            kind = msg["msg_type"]
            if kind == "error" or (cell_index in self.keep and kind == "display_data"
                                   and self.mime in msg["content"].get("data", {})):
                return super().output(outs, msg, None, cell_index)
            return None

    return Client


def _error(cell, reply: dict | None) -> dict | None:
    """The cell's first error output, or the error its execute reply reports.

    A kernel short of memory may fail to send the error output of a cell that raised;
    its reply still says ``status: error``.
    """
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return {"ename": str(out.get("ename", ""))[:80],
                    "evalue": str(out.get("evalue", ""))[:MAX_EVALUE]}
    content = (reply or {}).get("content", {})
    if content.get("status") in ("error", "aborted"):
        return {"ename": str(content.get("ename", "") or "Error")[:80],
                "evalue": str(content.get("evalue", ""))[:MAX_EVALUE]}
    return None


def _exports(cell, mime: str) -> list:
    found = []
    for out in cell.get("outputs", []):
        data = out.get("data", {}).get(mime)
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                continue
        if isinstance(data, dict):
            found.append(data)
    return found


async def _run(job: dict, channel: _Channel) -> None:
    import subprocess

    # nbformat imports jsonschema, whose optional IRI format check builds a grammar for
    # over a second at import (rfc3987_syntax); the runner validates no notebook: skip it
    sys.modules.setdefault("rfc3987_syntax", None)
    import nbformat
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    start = time.monotonic()
    deadline = start + float(job["total"])
    cells = job["cells"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c["source"]) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    Client = _client_class()
    client = Client(
        nb, timeout=int(job["timeout"]), kernel_name="python3", allow_errors=True,
        interrupt_on_timeout=True, iopub_timeout=int(job["grace"]),
        raise_on_iopub_timeout=True, shutdown_kernel="immediate",
        startup_timeout=int(job.get("startup", 60)),
        error_on_timeout={"ename": job["timeout_error"], "evalue": "time limit",
                          "traceback": []},
        resources={"metadata": {"path": os.getcwd()}},
    )
    client.keep = {i for i, c in enumerate(cells) if c.get("export")}
    client.mime = job["mime"]
    replies: dict = {}

    def executed(cell, cell_index, execute_reply):
        replies[cell_index] = execute_reply

    client.on_cell_executed = executed
    async with client.async_setup_kernel(stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL):
        channel.send(event="ready", seconds=round(time.monotonic() - start, 3))
        for index, cell in enumerate(nb.cells):
            left = deadline - time.monotonic()
            if left < 1:
                channel.send(event="total", index=index)
                return
            client.timeout = max(1, min(int(job["timeout"]), int(left)))
            try:
                await client.async_execute_cell(cell, index, execution_count=index + 1)
            except CellTimeoutError:  # interrupted, and no answer within the grace period
                channel.send(event="stuck", index=index)
                return
            except DeadKernelError:
                channel.send(event="dead", index=index)
                return
            error = _error(cell, replies.get(index))
            timed_out = bool(error and error["ename"] == job["timeout_error"])
            channel.send(event="cell", index=index, error=error, timeout=timed_out,
                         total=timed_out and client.timeout < int(job["timeout"]),
                         exports=_exports(cell, job["mime"]) if index in client.keep else [])
            cell.outputs = []
    channel.send(event="done")


def main() -> int:
    """Run the job on standard input; results go to standard output as JSON lines."""
    channel = _Channel()
    _not_dumpable()
    try:
        job = json.loads(sys.stdin.buffer.read(MAX_JOB))
        _set_limits(job.get("limits", {}))
        _write_files(job.get("files", {}))
    except Exception as err:  # a broken job is the grader's problem: say so
        channel.send(event="failed", stage="job", error=type(err).__name__)
        return 1
    import asyncio

    try:
        asyncio.run(_run(job, channel))
    except Exception as err:  # the kernel did not start, or the client failed
        channel.send(event="failed", stage="kernel", error=type(err).__name__)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
