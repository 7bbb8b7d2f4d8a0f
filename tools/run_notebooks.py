"""Execute course notebooks in place, top to bottom in a fresh kernel, as committed.

The committed outputs are what nbval compares and what students read, so they are
produced one way only: this script (``make outputs``), with the pinned environment of
``constraints.txt``, progress bars off and widget state stored so that explorers show
in JupyterLab and on the website. Execution counts run 1, 2, 3, ...; no timing
metadata is written, so a re-run that changes no output changes no byte.

    .venv/bin/python tools/run_notebooks.py                       # notebooks/ and solutions/
    .venv/bin/python tools/run_notebooks.py notebooks/09_clv.ipynb

Afterwards run ``crmlab exercises build`` so that ``exercises/`` follows ``solutions/``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(path: Path, *, timeout: int = 300) -> float:
    """Execute one notebook in place; return the seconds it took."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    env = dict(os.environ, TQDM_DISABLE="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                            record_timing=False, store_widget_state=True,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    asyncio.run(client.async_execute(env=env))  # its own event loop, closed afterwards
    seconds = time.perf_counter() - start
    nbformat.write(nb, path)
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or sorted(
        [*(ROOT / "notebooks").glob("*.ipynb"), *(ROOT / "solutions").glob("*.ipynb")])
    for path in paths:
        seconds = run(path)
        print(f"{path.relative_to(ROOT).as_posix()}: {seconds:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
