"""Run notebooks under other numeric environments and list every output that changes.

A committed output must not depend on the CPU: OpenBLAS picks a kernel per CPU (an
AVX-512 machine runs other code than a Haswell laptop), the thread count changes the
order of partial sums, and numpy's own SIMD loops differ in the last bit between
instruction sets. These environment variables reproduce other machines on this one:

* ``OPENBLAS_CORETYPE`` chooses OpenBLAS's kernel (``Haswell``: AVX2, ``Prescott``: SSE3);
* ``OPENBLAS_NUM_THREADS`` / ``OMP_NUM_THREADS`` the BLAS and OpenMP thread counts;
* ``NPY_DISABLE_CPU_FEATURES`` switches off numpy's AVX-512 loops.

``tests/test_numeric_env.py`` runs every notebook of ``notebooks/`` and ``solutions/``
under :data:`SECOND` during ``make test``; the full sweep over :data:`ENVIRONMENTS` is a
command (a few minutes per environment)::

    .venv/bin/python tests/numeric_env.py                 # every notebook, every environment
    .venv/bin/python tests/numeric_env.py notebooks/09_clv.ipynb --env prescott-1

It prints each cell whose ``text/plain`` or stream output differs from the committed one
(after ``tests/sanitize.cfg``, exactly as nbval compares). Hand-written on nbclient because
nbval runs its kernel in the test process's environment only.
"""

from __future__ import annotations

import argparse
import asyncio
import configparser
import difflib
import os
import platform
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SANITIZE = ROOT / "tests" / "sanitize.cfg"

_AVX512 = ("AVX512F AVX512CD AVX512_KNL AVX512_KNM AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL "
           "AVX512_SPR")

#: name -> environment variables laid over the current environment
ENVIRONMENTS: dict[str, dict[str, str]] = {
    "default-2": {"OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "2"},
    "default-1": {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
    "haswell-2": {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_NUM_THREADS": "2",
                  "OMP_NUM_THREADS": "2"},
    "haswell-1": {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_NUM_THREADS": "1",
                  "OMP_NUM_THREADS": "1"},
    "prescott-2": {"OPENBLAS_CORETYPE": "Prescott", "OPENBLAS_NUM_THREADS": "2",
                   "OMP_NUM_THREADS": "2"},
    "prescott-1": {"OPENBLAS_CORETYPE": "Prescott", "OPENBLAS_NUM_THREADS": "1",
                   "OMP_NUM_THREADS": "1"},
    "no-avx512": {"NPY_DISABLE_CPU_FEATURES": _AVX512, "OPENBLAS_CORETYPE": "Haswell"},
}

ENVIRONMENTS["armv8-1"] = {"OPENBLAS_CORETYPE": "ARMV8", "OPENBLAS_NUM_THREADS": "1",
                           "OMP_NUM_THREADS": "1"}

#: the environment ``make test`` runs the notebooks under besides the default one: the
#: kernels farthest from a modern CPU's (on x86-64 SSE3 BLAS, on ARM the generic ARMv8
#: kernels; one thread)
SECOND = "armv8-1" if platform.machine().lower() in ("aarch64", "arm64") else "prescott-1"


def sanitizers() -> list[tuple[re.Pattern, str]]:
    """The regex/replace pairs of ``tests/sanitize.cfg``, in file order."""
    parser = configparser.ConfigParser()
    parser.read(SANITIZE, encoding="utf-8")
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


def _clean(text: str, rules) -> str:
    for pattern, replace in rules:
        text = pattern.sub(replace, text)
    return text


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value  # files split lines


def comparable(cell, rules) -> list[str]:
    """What nbval compares of a code cell: text/plain results and streams, sanitized."""
    out = []
    streams: dict[str, int] = {}  # like nbval, all text of one stream name is one output
    for o in cell.get("outputs", []):
        if o["output_type"] == "stream":
            if o["name"] in streams:
                out[streams[o["name"]]] += _text(o["text"])
            else:
                streams[o["name"]] = len(out)
                out.append(f"[{o['name']}] " + _text(o["text"]))
        elif o["output_type"] in ("execute_result", "display_data"):
            plain = o.get("data", {}).get("text/plain")
            if plain is not None:
                out.append(_text(plain))
        elif o["output_type"] == "error":
            out.append(f"[error] {o['ename']}: {o['evalue']}")
    return [_clean(text, rules) for text in out]


def execute(path: Path, overrides: dict[str, str], *, timeout: int = 120):
    """Execute a copy of the notebook in a fresh kernel whose environment has ``overrides``."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    env = dict(os.environ)
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                "NPY_DISABLE_CPU_FEATURES"):
        env.pop(key, None)
    env.update(overrides)
    env.setdefault("TQDM_DISABLE", "1")
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    asyncio.run(client.async_execute(env=env))  # its own event loop, closed afterwards
    return nb


def differences(path: Path, overrides: dict[str, str]) -> list[str]:
    """One text per code cell whose compared output differs from the committed notebook."""
    import nbformat

    committed = nbformat.read(path, as_version=4)
    fresh = execute(path, overrides)
    rules = sanitizers()
    found = []
    code = 0
    for old, new in zip(committed.cells, fresh.cells, strict=True):
        if old.cell_type != "code":
            continue
        code += 1
        a, b = comparable(old, rules), comparable(new, rules)
        if a != b:
            diff = difflib.unified_diff("\n".join(a).splitlines(), "\n".join(b).splitlines(),
                                        "committed", "this environment", lineterm="", n=0)
            body = "\n".join(line for line in diff if not line.startswith(("---", "+++")))
            found.append(f"{path.relative_to(ROOT).as_posix()} code cell {code} "
                         f"(cell index {committed.cells.index(old)}):\n{body}")
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run (default: notebooks/ and solutions/)")
    parser.add_argument("--env", action="append", choices=sorted(ENVIRONMENTS),
                        help="environment(s) to run under (default: all)")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or sorted(
        [*(ROOT / "notebooks").glob("*.ipynb"), *(ROOT / "solutions").glob("*.ipynb")])
    changed = 0
    for name in args.env or list(ENVIRONMENTS):
        for path in paths:
            diffs = differences(path, ENVIRONMENTS[name])
            changed += len(diffs)
            status = "same" if not diffs else f"{len(diffs)} cell(s) differ"
            print(f"[{name}] {path.relative_to(ROOT).as_posix()}: {status}", flush=True)
            for d in diffs:
                print("  " + d.replace("\n", "\n    "), flush=True)
    print(f"{changed} changed cell output(s)")
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
