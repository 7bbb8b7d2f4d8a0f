"""Run every notebook in the browser, a few tabs at a time, in a background thread.

The test module asks for one notebook at a time (one test each) while this runner works
ahead: one Chromium, ``workers`` JupyterLab tabs on one server, a queue of notebooks in
the order the tests will ask for them. Each notebook's result (or the exception it
raised) comes back through a ``concurrent.futures.Future``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import threading
import time
from pathlib import Path

from .pages import WIDGET_MIME, LabPage, NotebookRun, redraw_ok, safe_name

WIDGET_SECONDS = 30.0  # a kernel round trip takes 0.3-3 s here, even on a busy machine


def _code_cells(saved: dict) -> list[int]:
    return [i for i, c in enumerate(saved["cells"]) if c["cell_type"] == "code"]


async def run_chapter(tab: LabPage, path: str, shots: Path, timeout: float) -> NotebookRun:
    """Open a worked notebook, run it all, look at what it shows, move every explorer."""
    run = NotebookRun(path)
    t0 = time.monotonic()
    await tab.open(path, timeout)
    run.seconds["open"] = time.monotonic() - t0
    t1 = time.monotonic()
    await tab.run_all(timeout)
    run.seconds["run"] = time.monotonic() - t1
    t2 = time.monotonic()
    run.saved = await tab.save()
    run.seconds["save"] = time.monotonic() - t2
    expected = sum(WIDGET_MIME in o.get("data", {}) for c in run.saved["cells"]
                   for o in c.get("outputs", []))
    t2 = time.monotonic()
    if expected:
        await tab.wait_widgets(expected, timeout)
    run.dom_images, run.broken_images = await tab.images()
    run.broken_widget_text = await tab.broken_widget_text()
    for i in range(expected):
        move = await tab.poke_widget(i, WIDGET_SECONDS)
        if not redraw_ok(move):  # see test_browser.STRICT_WIDGETS: move it once more
            move["retry"] = await tab.poke_widget(i, WIDGET_SECONDS)
        run.widgets.append(move)
    run.seconds["widgets"] = time.monotonic() - t2
    t3 = time.monotonic()
    await tab.wait_idle(timeout)
    run.cell_texts = await tab.cell_output_texts()
    run.layout = await tab.probe_layout()
    run.cjk = await tab.probe_cjk()
    run.seconds["probe"] = time.monotonic() - t3
    t4 = time.monotonic()
    run.screenshot = await tab.screenshot(shots / f"{safe_name(path)}.png")
    run.seconds["shot"] = time.monotonic() - t4
    t5 = time.monotonic()
    await tab.close()
    run.seconds["close"] = time.monotonic() - t5
    run.seconds["total"] = time.monotonic() - t0
    return run


async def view_edition(tab: LabPage, path: str, shots: Path, timeout: float) -> NotebookRun:
    """Open a notebook of the Chinese edition as committed (not run): how it shows.

    Its code is the English edition's (tests/test_editions.py), which run_chapter runs in
    this browser; nbval runs the Chinese notebooks themselves. Here: the committed figures
    decode in the page, Chinese is drawn with a real font, the page is not blank.
    """
    run = NotebookRun(path)
    t0 = time.monotonic()
    await tab.open(path, timeout)
    run.saved = json.loads((tab.lab.root / path).read_text(encoding="utf-8"))
    run.dom_images, run.broken_images = await tab.images()
    run.cell_texts = await tab.cell_output_texts()
    run.layout = await tab.probe_layout()
    run.cjk = await tab.probe_cjk()
    run.screenshot = await tab.screenshot(shots / f"{safe_name(path)}.png")
    await tab.close()
    run.seconds["total"] = time.monotonic() - t0
    return run


async def run_exercise(tab: LabPage, path: str, shots: Path, timeout: float) -> NotebookRun:
    """Open a student notebook and run every cell, as a student pressing Shift+Enter would.

    Run All stops at the first failing check (the kernel drops the queued cells), so after
    each stop we run again from the first cell that has not run yet.
    """
    run = NotebookRun(path)
    t0 = time.monotonic()
    await tab.open(path, timeout)
    run.seconds["open"] = time.monotonic() - t0
    t1 = time.monotonic()
    await tab.run_all(timeout)
    for _ in range(200):
        counts = await tab.execution_counts()
        pending = [i for i, n in enumerate(counts) if n is None]
        if not pending:
            break
        await tab.run_from(pending[0], timeout)
    run.seconds["run"] = time.monotonic() - t1
    run.saved = await tab.save()
    run.cell_texts = await tab.cell_output_texts()
    run.cjk = await tab.probe_cjk()
    first_error = tab.page.locator(
        ".jp-NotebookPanel .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    ).first
    if await first_error.count():
        await first_error.scroll_into_view_if_needed()
    run.screenshot = shots / f"{safe_name(path)}.png"
    await tab.page.locator(".jp-NotebookPanel").first.screenshot(path=str(run.screenshot))
    await tab.close()
    run.seconds["total"] = time.monotonic() - t0
    return run


class BrowserRunner:
    """Chromium + ``workers`` JupyterLab tabs working through a list of notebooks.

    Parameters
    ----------
    lab : JupyterLab
        A started server.
    chromium : Path
        The browser to launch.
    args : list of str
        Chromium's command-line flags.
    shots : Path
        Folder for the screenshots.
    jobs : list of (path, kind)
        Notebooks in the order they are wanted; kind is "chapter", "exercise" or "view"
        (open as committed, not run).
    workers : int
        Tabs working at the same time (each has its own kernel).
    timeout : float
        Seconds allowed for each step of a notebook.
    """

    def __init__(self, lab, chromium: Path, args: list[str], shots: Path,
                 jobs: list[tuple[str, str]], workers: int = 2, timeout: float = 150.0):
        self.lab, self.chromium, self.args, self.shots = lab, chromium, args, shots
        self.jobs, self.workers, self.timeout = jobs, workers, timeout
        self.futures = {path: concurrent.futures.Future() for path, _ in jobs}
        self.started = concurrent.futures.Future()
        self._thread = threading.Thread(target=self._main, name="crmlab-browser", daemon=True)
        self.console_errors: list[str] = []
        self.startup_seconds = 0.0

    def start(self) -> BrowserRunner:
        self._thread.start()
        self.started.result(timeout=300)  # re-raises a launch failure here
        return self

    def result(self, path: str, timeout: float = 600.0) -> NotebookRun:
        return self.futures[path].result(timeout=timeout)

    def join(self, timeout: float = 120.0) -> None:
        self._thread.join(timeout)

    def _main(self) -> None:
        try:
            asyncio.run(self._amain())
        except BaseException as exc:  # noqa: BLE001 - hand it to whoever waits
            for future in [self.started, *self.futures.values()]:
                if not future.done():
                    future.set_exception(exc)

    async def _amain(self) -> None:
        from playwright.async_api import async_playwright

        t0 = time.monotonic()
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=str(self.chromium),
                                               args=self.args, headless=True)
            try:
                context = await browser.new_context(viewport={"width": 1280, "height": 900},
                                                    device_scale_factor=1)
                tabs = []
                for n in range(self.workers):
                    page = await context.new_page()
                    page.on("console", self._on_console)
                    tabs.append(LabPage(page, self.lab, f"crmlab-test-{n}"))
                await asyncio.gather(*(tab.load() for tab in tabs))
                self.startup_seconds = time.monotonic() - t0
                self.started.set_result(True)
                queue: asyncio.Queue = asyncio.Queue()
                for job in self.jobs:
                    queue.put_nowait(job)
                await asyncio.gather(*(self._work(tab, queue) for tab in tabs))
                await context.close()
            finally:
                await browser.close()

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text[:300])

    async def _work(self, tab: LabPage, queue: asyncio.Queue) -> None:
        while not queue.empty():
            path, kind = queue.get_nowait()
            future = self.futures[path]
            runner = {"exercise": run_exercise, "view": view_edition}.get(kind, run_chapter)
            try:
                future.set_result(await runner(tab, path, self.shots, self.timeout))
            except Exception as exc:  # noqa: BLE001 - reported by that notebook's test
                future.set_exception(exc)
                try:  # start the next notebook from a clean tab
                    await tab.close()
                except Exception:  # noqa: BLE001
                    pass
                await tab.load()
