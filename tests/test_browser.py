"""The course in a real browser: JupyterLab + headless Chromium, end to end.

nbval proves that every cell computes the committed text; it never looks at a page. Here a
throwaway JupyterLab server (this environment's ``jupyter``, a free port on 127.0.0.1, a
random token) serves a copy of notebooks/, solutions/ and exercises/, and Debian's
Chromium, driven by Playwright, does what a student does:

* every worked notebook (``notebooks/``, ``solutions/``): Run → Run All Cells, wait for
  the status bar to say the kernel is idle, save, and then assert that no cell has an
  error output (read from the saved file), that every figure shows as a decoded image,
  that every ipywidgets explorer renders as a live widget (not "Loading widget..." or
  "model not found") and redraws after a slider, dropdown or toggle is moved;
* every student notebook (``exercises/``): run every cell (Run All stops at the first
  failing check, so we resume below it), and assert that the stub cells run and every
  check cell fails with the short friendly feedback ("Not answered yet"), no traceback;
* every chapter of the Chinese edition (``zh/notebooks``), opened as committed: its
  figures decode, Chinese is drawn with a real font (not boxes), no traceback shows
  (its code is the English edition's, run above; nbval runs it, and ``zh/solutions``);
* one screenshot per notebook, which must not be blank.

The server and its kernels run under the second numeric environment of
``tests/numeric_env.py`` (another OpenBLAS kernel, one thread), and every worked
notebook's saved outputs must equal the committed ones, compared as nbval compares
them: nbval checks the machine's own kernels, this test another CPU's. (When no browser
can run here, ``tests/test_numeric_env.py`` does that comparison with nbclient instead.)

Chromium comes from Debian (``apt-get install -y chromium``, done here when missing and
allowed); Playwright never downloads a browser. One server and one browser serve all
notebooks, two tabs at a time. Screenshots and a JSON report (timings, layout findings)
go to ``$CRMLAB_BROWSER_ARTIFACTS`` or a temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from browser.lab import CHROMIUM_ARGS, JupyterLab, find_chromium
from browser.pages import NotebookRun, redraw_ok
from numeric_env import ENVIRONMENTS, SECOND, comparable, sanitizers

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("notebooks", "solutions", "exercises", "zh")
CHAPTERS = [p.relative_to(ROOT).as_posix() for folder in ("notebooks", "solutions")
            for p in sorted((ROOT / folder).glob("*.ipynb"))]
# the Chinese edition, opened as committed: its code is the English edition's, run above
EDITION = [p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "zh/notebooks").glob("*.ipynb"))]
EXERCISES = [p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "exercises").glob("*.ipynb"))]
WORKERS = int(os.environ.get("CRMLAB_BROWSER_WORKERS", "2"))
# The first move of an explorer must redraw it. (When the explorers drew through pyplot's
# global state, a first move after Run All sometimes drew a blank figure; they now draw
# on their own Figure.) CRMLAB_BROWSER_STRICT_WIDGETS=0 accepts a good second move instead.
STRICT_WIDGETS = os.environ.get("CRMLAB_BROWSER_STRICT_WIDGETS", "1") == "1"

pytestmark = [
    # Playwright's asyncio transport to its driver can be collected late, in another test
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


def _png_is_blank(path: Path) -> tuple[bool, str]:
    from PIL import Image, ImageStat

    with Image.open(path) as image:
        gray = image.convert("L")
        colours = len(image.convert("RGB").getcolors(maxcolors=1 << 16) or range(1 << 16))
        spread = ImageStat.Stat(gray).stddev[0]
        size = image.size
    return colours < 16 or spread < 5.0, f"{size}, {colours} colours, grey std {spread:.1f}"


@pytest.fixture(scope="module")
def chromium():
    pytest.importorskip("playwright", reason="Playwright for Python is not installed "
                        "(`pip install playwright`; never `playwright install`)")
    path, why = find_chromium()
    if path is None:
        pytest.skip(f"no Chromium for the browser test: {why}")
    return path


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory):
    folder = os.environ.get("CRMLAB_BROWSER_ARTIFACTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder)
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="module")
def runner(request, chromium, artifacts, tmp_path_factory):
    from browser.session import BrowserRunner

    # only the notebooks whose tests were selected, in the order they will run
    wanted = [item.callspec.params["path"] for item in request.session.items
              if getattr(item, "module", None) is request.module and hasattr(item, "callspec")]
    kinds = {**{p: "exercise" for p in EXERCISES}, **{p: "view" for p in EDITION}}
    jobs = [(p, kinds.get(p, "chapter")) for p in dict.fromkeys(wanted)]
    t0 = time.monotonic()
    lab = JupyterLab(tmp_path_factory.mktemp("jupyterlab"),
                     {name: ROOT / name for name in FOLDERS}, env=ENVIRONMENTS[SECOND]).start()
    server_seconds = time.monotonic() - t0
    browser = BrowserRunner(lab, chromium, CHROMIUM_ARGS, artifacts, jobs, workers=WORKERS)
    try:
        browser.start()
        yield browser
    finally:
        for future in browser.futures.values():  # let the worker finish before stopping
            try:
                future.result(timeout=600)
            except Exception:  # noqa: BLE001,S110 - reported by that notebook's test
                pass
        browser.join()
        lab.stop()
        _write_report(artifacts, browser, server_seconds, time.monotonic() - t0)


def _write_report(folder: Path, browser, server_seconds: float, total: float) -> None:
    notebooks = {}
    for path, future in browser.futures.items():
        if future.done() and future.exception() is None:
            run: NotebookRun = future.result()
            notebooks[path] = {"seconds": {k: round(v, 1) for k, v in run.seconds.items()},
                               "widgets": run.widgets, "layout": run.layout, "cjk": run.cjk,
                               "images": run.dom_images, "findings": run.findings(),
                               "screenshot": str(run.screenshot)}
        else:
            notebooks[path] = {"error": repr(future.exception()) if future.done() else "not run"}
    report = {"server_start_seconds": round(server_seconds, 1),
              "browser_start_seconds": round(browser.startup_seconds, 1),
              "total_seconds": round(total, 1), "workers": browser.workers,
              "console_errors": browser.console_errors[:50], "notebooks": notebooks}
    (folder / "browser-report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False),
                                                encoding="utf-8")


def _errors(saved: dict) -> list[str]:
    found = []
    for i, cell in enumerate(saved["cells"]):
        for out in cell.get("outputs", []):
            if out["output_type"] == "error":
                found.append(f"cell {i}: {out['ename']}: {out['evalue'][:200]}")
    return found


def _changed_outputs(path: str, saved: dict) -> list[str]:
    """Cells whose outputs (as nbval compares them) differ from the committed notebook."""
    committed = json.loads((ROOT / path).read_text(encoding="utf-8"))
    rules = sanitizers()
    changed = []
    for i, (old, new) in enumerate(zip(committed["cells"], saved["cells"], strict=True)):
        if old["cell_type"] != "code" or "NBVAL_IGNORE_OUTPUT" in "".join(old["source"]):
            continue
        a, b = comparable(old, rules), comparable(new, rules)
        if a != b:
            changed.append(f"cell {i}: committed {a!r:.300} / in JupyterLab {b!r:.300}")
    return changed


def _committed_images(path: str) -> int:
    nb = json.loads((ROOT / path).read_text(encoding="utf-8"))
    return sum("image/png" in o.get("data", {}) for c in nb["cells"]
               for o in c.get("outputs", []))


@pytest.mark.parametrize("path", CHAPTERS)
def test_notebook_in_jupyterlab(runner, path):
    run = runner.result(path)
    saved = run.saved

    assert not _errors(saved), "cells failed in JupyterLab:\n" + "\n".join(_errors(saved))
    counts = [c["execution_count"] for c in saved["cells"] if c["cell_type"] == "code"]
    assert None not in counts, "Run All did not reach every cell"
    stderr = [i for i, c in enumerate(saved["cells"]) for o in c.get("outputs", [])
              if o.get("name") == "stderr"]
    assert not stderr, f"cells {stderr} wrote to stderr in JupyterLab"
    changed = _changed_outputs(path, saved)
    assert not changed, (f"under the numeric environment {SECOND} "
                         f"({ENVIRONMENTS[SECOND]}) these outputs differ from the committed "
                         f"ones:\n" + "\n".join(changed))

    saved_images = sum("image/png" in o.get("data", {}) for c in saved["cells"]
                       for o in c.get("outputs", []))
    assert run.broken_images == 0, f"{run.broken_images} figures did not decode in the page"
    assert run.dom_images == saved_images == _committed_images(path), (
        f"figures: {run.dom_images} shown, {saved_images} saved, "
        f"{_committed_images(path)} committed")

    assert not run.broken_widget_text, f"widgets not live: {run.broken_widget_text}"
    widget_outputs = sum("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                         for c in saved["cells"] for o in c.get("outputs", []))
    assert len(run.widgets) == widget_outputs
    for first in run.widgets:
        assert first["control"], f"explorer {first['index']} has no slider, dropdown or toggle"
        moves = [first, first["retry"]] if "retry" in first else [first]
        if STRICT_WIDGETS:
            moves = moves[:1]
        move = moves[-1]
        what = f"explorer {move['index']} after moving {move['label']!r}"
        assert move["changed"], f"{what}: the output did not change (dead widget)"
        assert move["images"] >= move["images_before"], f"{what}: its figure disappeared"
        assert redraw_ok(move), (
            f"{what}: a blank or half-drawn figure (distinct colours: {move['colours']})")

    blank, how = _png_is_blank(run.screenshot)
    assert not blank, f"blank screenshot {run.screenshot}: {how}"


@pytest.mark.parametrize("path", EDITION)
def test_chinese_notebook_shows_in_jupyterlab(runner, path):
    """The Chinese edition as a student opens it: figures decode, Chinese has a real font."""
    run = runner.result(path)
    assert run.broken_images == 0, f"{run.broken_images} figures did not decode in the page"
    assert run.dom_images == _committed_images(path), (
        f"figures: {run.dom_images} shown, {_committed_images(path)} committed")
    assert run.cjk.get("glyphs"), f"Chinese drawn as boxes (font {run.cjk.get('font')!r})"
    shown = "".join(run.cell_texts)
    assert "Traceback" not in shown
    blank, how = _png_is_blank(run.screenshot)
    assert not blank, f"blank screenshot {run.screenshot}: {how}"


@pytest.mark.parametrize("path", EXERCISES)
def test_exercise_shows_friendly_failures(runner, path):
    run = runner.result(path)
    saved = run.saved
    cells = saved["cells"]
    checks = [i for i, c in enumerate(cells)
              if c["cell_type"] == "code" and re.search(r"\bcrmlab\.check\(", "".join(c["source"]))]
    assert checks, "no check cells"
    counts = [c["execution_count"] for c in cells if c["cell_type"] == "code"]
    assert None not in counts, "some cells never ran"

    for i, cell in enumerate(cells):
        errors = [o for o in cell.get("outputs", []) if o["output_type"] == "error"]
        if i in checks:
            assert [e["ename"] for e in errors] == ["CheckFailed"], (
                f"cell {i}: a blank exercise's check must fail with CheckFailed, got "
                f"{[e['ename'] for e in errors]}")
            shown = run.cell_texts[i]
            assert "Not answered yet" in shown, f"cell {i} shows {shown[:300]!r}"
            assert "Traceback" not in shown and "File " not in shown, (
                f"cell {i} shows a traceback: {shown[:300]!r}")
            assert len(shown.strip().splitlines()) <= 6, f"cell {i}: feedback too long: {shown!r}"
        else:
            assert not errors, f"cell {i} (not a check) failed: {errors[0]['evalue'][:200]}"

    blank, how = _png_is_blank(run.screenshot)
    assert not blank, f"blank screenshot {run.screenshot}: {how}"
