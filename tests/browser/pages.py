"""Drive one notebook in a JupyterLab page (Playwright's async API).

A :class:`LabPage` is one browser tab with JupyterLab loaded; it opens a notebook through
the lab's own commands (the ones behind the File and Run menus, reached through
``window.jupyterapp``, which the server exposes), waits on the status bar's kernel item
("Python 3 (ipykernel) | Idle"), saves with the Save command and leaves the judging of
error outputs to the saved file (in the DOM an error and plain stderr look the same).
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

KERNEL_IDLE = "Python 3 (ipykernel) | Idle"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
BROKEN_WIDGET = ("Loading widget...", "Error displaying widget", "model not found")

# Text drawn in the notebook font: if a CJK character paints exactly like a character
# no font has, the page shows boxes ("tofu") instead of Chinese.
_CJK_PROBE = """() => {
  const font = getComputedStyle(document.querySelector('.jp-RenderedMarkdown') ||
                                document.body).fontFamily;
  const paint = (text) => {
    const c = document.createElement('canvas'); c.width = 80; c.height = 40;
    const g = c.getContext('2d'); g.font = `28px ${font}`; g.fillText(text, 4, 30);
    return Array.from(g.getImageData(0, 0, 80, 40).data).join(',');
  };
  const missing = paint('\\u{10FFFD}');
  return {font, glyphs: ['客', '户'].some((ch) => paint(ch) !== missing)};
}"""

# Where the notebook's outputs do not fit the page: figures scaled down (their labels
# shrink), tables wider than the output area or longer than a screen.
_LAYOUT_PROBE = """() => {
  const nb = window.__crmlab.content.node;
  const cells = Array.from(nb.querySelectorAll('.jp-Cell'));
  const out = {images: [], tables: [], tall: []};
  cells.forEach((cell, i) => {
    cell.querySelectorAll('.jp-OutputArea-output img').forEach((img) => {
      out.images.push({cell: i, natural: img.naturalWidth, shown: img.clientWidth,
                       inWidget: !!img.closest('.widget-interact'),
                       overflow: img.getBoundingClientRect().right >
                                 nb.getBoundingClientRect().right + 1});
    });
    cell.querySelectorAll('.jp-OutputArea-output table').forEach((t) => {
      const box = t.closest('.jp-OutputArea-output');
      out.tables.push({cell: i, rows: t.querySelectorAll('tbody tr').length,
                       width: t.scrollWidth, room: box.clientWidth});
    });
    cell.querySelectorAll('.jp-OutputArea-output').forEach((o) => {
      if (o.scrollHeight > 1200) out.tall.push({cell: i, height: o.scrollHeight});
    });
  });
  return out;
}"""


# Distinct colours of each figure in an explorer's output: a blank or half-drawn
# figure has a handful, a chart hundreds.
_COLOURS = """(v) => Array.from(v.querySelectorAll('.widget-output img')).map((img) => {
  const c = document.createElement('canvas');
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  const g = c.getContext('2d'); g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data, seen = new Set();
  for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
  return seen.size;
})"""


@dataclass
class NotebookRun:
    """What the browser showed for one notebook."""

    path: str
    seconds: dict[str, float] = field(default_factory=dict)
    saved: dict | None = None          # the notebook as saved by JupyterLab (nbformat JSON)
    dom_images: int = 0                # decoded <img> outputs outside widgets
    broken_images: int = 0             # <img> outputs that did not decode
    widgets: list[dict] = field(default_factory=list)   # one per explorer
    broken_widget_text: list[str] = field(default_factory=list)
    cell_texts: list[str] = field(default_factory=list)  # rendered output text per cell
    layout: dict = field(default_factory=dict)
    cjk: dict = field(default_factory=dict)
    screenshot: Path | None = None

    def findings(self) -> list[str]:
        """Describe what does not fit the page: shrunk figures, wide or long tables,
        very tall outputs, Chinese drawn as boxes. For the report; not asserted."""
        found = []
        cells = self.saved["cells"] if self.saved else []

        def where(i: int) -> str:
            count = cells[i].get("execution_count") if i < len(cells) else None
            return f"cell {i} [{count}]" if count else f"cell {i}"

        for img in self.layout.get("images", []):
            if img["natural"] and img["shown"] < 0.9 * img["natural"]:
                found.append(f"{where(img['cell'])}: figure {img['natural']} px wide shown at "
                             f"{img['shown']} px ({100 * img['shown'] // img['natural']}%)")
        for table in self.layout.get("tables", []):
            if table["width"] > table["room"] + 2:
                found.append(f"{where(table['cell'])}: table {table['width']} px wide in a "
                             f"{table['room']} px column (scrolls sideways)")
            if table["rows"] > 25:
                found.append(f"{where(table['cell'])}: table of {table['rows']} rows")
        for out in self.layout.get("tall", []):
            found.append(f"{where(out['cell'])}: output {out['height']} px tall")
        for move in self.widgets:
            if "retry" in move:
                state = ("did not redraw" if not move["changed"] else
                         "lost its figure" if move["images"] < move["images_before"] else
                         f"drew a blank figure (colours {move['colours']})")
                found.append(f"explorer {move['index']}: the first move of "
                             f"{move['label']!r} {state}")
        if self.cjk and not self.cjk.get("glyphs", True):
            found.append("Chinese text is drawn as boxes: the browser has no CJK font")
        return found


class LabPage:
    """One browser tab with JupyterLab loaded (its own workspace).

    Parameters
    ----------
    page : playwright.async_api.Page
    lab : tests.browser.lab.JupyterLab
    workspace : str
        Name of the lab workspace this tab uses, so tabs do not share a layout.
    """

    def __init__(self, page, lab, workspace: str):
        self.page = page
        self.lab = lab
        self.workspace = workspace

    async def load(self, timeout: float = 120.0) -> None:
        """Open JupyterLab and wait until its application object is ready."""
        url = (f"{self.lab.url}/lab/workspaces/{self.workspace}"
               f"?token={self.lab.token}&reset")
        await self.page.goto(url, timeout=timeout * 1000)
        await self.page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.started !== undefined"
            " && document.querySelector('.jp-StatusBar-Widget')", timeout=timeout * 1000)
        await self.page.evaluate("() => window.jupyterapp.started")
        await self.page.evaluate("() => window.jupyterapp.restored")

    # -- kernel and commands -------------------------------------------------------------

    async def wait_idle(self, timeout: float) -> None:
        """Wait until the status bar's kernel item says the kernel is idle."""
        await self.page.wait_for_function(
            """(idle) => {
                const bar = document.querySelector('.jp-StatusBar-Widget');
                return bar && bar.innerText.includes(idle);
            }""", arg=KERNEL_IDLE, timeout=timeout * 1000, polling=100)

    async def command(self, name: str, args: dict | None = None):
        """Run a JupyterLab command (as its menu item would) and await its promise."""
        return await self.page.evaluate(
            "async ([name, args]) => { await window.jupyterapp.commands.execute(name, args);"
            " return true; }", [name, args or {}])

    async def open(self, path: str, timeout: float) -> None:
        """Open ``path`` (relative to the served root) and wait for an idle kernel."""
        await self.page.evaluate(
            """async (path) => {
                const app = window.jupyterapp;
                const w = await app.commands.execute('docmanager:open',
                                                     {path, factory: 'Notebook'});
                await w.context.ready;
                await w.sessionContext.ready;
                window.__crmlab = w;
                app.shell.activateById(w.id);
            }""", path)
        await self.page.wait_for_function(
            "() => window.__crmlab.sessionContext.session &&"
            " window.__crmlab.sessionContext.session.kernel", timeout=timeout * 1000)
        await self.wait_idle(timeout)

    async def wait_cells_done(self, timeout: float) -> None:
        """Wait until no code cell is queued or running, then for an idle kernel.

        The Run commands' promise settles as soon as one cell fails, while the cells
        queued behind it may still run (those tagged ``raises-exception``), so we also
        wait on every cell's execution state.
        """
        await self.page.wait_for_function(
            """() => {
                const cells = window.__crmlab.content.model.cells;
                for (let i = 0; i < cells.length; i++) {
                    const c = cells.get(i);
                    if (c.type === 'code' && c.executionState === 'running') return false;
                }
                return true;
            }""", timeout=timeout * 1000, polling=100)
        await self.wait_idle(timeout)

    async def run_all(self, timeout: float) -> None:
        """Run → Run All Cells; then wait for every cell and the kernel to be idle."""
        await asyncio.wait_for(self.command("notebook:run-all-cells"), timeout)
        await self.wait_cells_done(timeout)

    async def run_from(self, index: int, timeout: float) -> None:
        """Select cell ``index`` and run it and everything below it."""
        await self.page.evaluate("(i) => { window.__crmlab.content.activeCellIndex = i; }",
                                 index)
        await asyncio.wait_for(self.command("notebook:run-all-below"), timeout)
        await self.wait_cells_done(timeout)

    async def execution_counts(self) -> list[int | None]:
        """Return the execution count of every code cell, from the notebook model."""
        return await self.page.evaluate(
            """() => {
                const cells = window.__crmlab.content.model.cells;
                const out = [];
                for (let i = 0; i < cells.length; i++) {
                    const c = cells.get(i);
                    out.push(c.type === 'code' ? c.executionCount : -1);
                }
                return out;
            }""")

    async def save(self) -> dict:
        """File → Save; return the saved notebook read back through the REST API."""
        await self.command("docmanager:save")
        await self.page.wait_for_function("() => !window.__crmlab.context.model.dirty",
                                          timeout=30000)
        path = await self.page.evaluate("() => window.__crmlab.context.path")
        return self.lab.api("GET", f"contents/{path}?content=1")["content"]

    async def close(self) -> None:
        """Shut the notebook's kernel down and close its tab without a dialog."""
        await self.page.evaluate(
            """async () => {
                const w = window.__crmlab;
                if (!w) return;
                window.__crmlab = null;
                // no need to wait for the kernel to exit: the server finishes that
                w.sessionContext.shutdown().catch(() => {});
                w.dispose();
            }""")

    # -- what the page shows -------------------------------------------------------------

    async def cell_output_texts(self) -> list[str]:
        """Return the rendered output text of every cell (empty for markdown)."""
        return await self.page.evaluate(
            """() => Array.from(window.__crmlab.content.node.querySelectorAll('.jp-Cell'))
                 .map((c) => { const o = c.querySelector('.jp-OutputArea');
                               return o ? o.innerText : ''; })""")

    async def images(self) -> tuple[int, int]:
        """Return (decoded, broken) counts of output images outside widgets."""
        await self.page.wait_for_function(
            """() => Array.from(window.__crmlab.content.node.querySelectorAll(
                       '.jp-OutputArea-output img')).every((i) => i.complete)""",
            timeout=30000)
        return tuple(await self.page.evaluate(
            """() => {
                const imgs = Array.from(window.__crmlab.content.node.querySelectorAll(
                    '.jp-OutputArea-output img')).filter((i) => !i.closest('.jupyter-widgets'));
                const ok = imgs.filter((i) => i.naturalWidth > 0 && i.naturalHeight > 0);
                return [ok.length, imgs.length - ok.length];
            }"""))

    async def broken_widget_text(self) -> list[str]:
        """Return output texts that say a widget could not be shown."""
        texts = await self.cell_output_texts()
        return [t.strip()[:120] for t in texts if any(b in t for b in BROKEN_WIDGET)]

    async def wait_widgets(self, expected: int, timeout: float) -> None:
        """Wait until ``expected`` explorers are rendered, each with a drawn output."""
        await self.page.wait_for_function(
            """(n) => {
                const views = window.__crmlab.content.node.querySelectorAll('.widget-interact');
                return views.length >= n && Array.from(views).every((v) => {
                    const out = v.querySelector('.widget-output');
                    return out && out.innerText.trim().length + out.querySelectorAll('img').length;
                });
            }""", arg=expected, timeout=timeout * 1000, polling=100)

    async def poke_widget(self, index: int, timeout: float) -> dict:
        """Move the first control of explorer ``index`` and wait for its output to change.

        A slider gets ArrowRight on its handle (ArrowLeft at the maximum), a dropdown the
        next option, toggle buttons a click on another button. Returns what was moved and
        how long the kernel round trip took.
        """
        view = self.page.locator(".jp-NotebookPanel .widget-interact").nth(index)
        await view.scroll_into_view_if_needed()
        await view.evaluate("(v) => { v.__before = v.querySelector('.widget-output').innerHTML; }")
        images_before = await view.locator(".widget-output img").count()
        handle = view.locator(".noUi-handle")
        select = view.locator("select")
        toggle = view.locator("button.widget-toggle-button:not(.mod-active)")
        start = time.monotonic()
        if await handle.count():
            control = "slider"
            slider = view.locator(".widget-slider").first
            readout = slider.locator(".widget-readout")
            before = await readout.inner_text() if await readout.count() else None
            await handle.first.focus()
            await handle.first.press("ArrowRight")
            if before is not None and await readout.inner_text() == before:
                await handle.first.press("ArrowLeft")
                await handle.first.press("ArrowLeft")
            label = await slider.locator(".widget-label").first.inner_text()
        elif await select.count():
            control = "dropdown"
            options = await select.first.locator("option").all_inner_texts()
            current = await select.first.evaluate("(s) => s.selectedIndex")
            choice = options[(current + 1) % len(options)]
            await select.first.select_option(label=choice)
            label = choice
        elif await toggle.count():
            control = "toggle"
            label = await toggle.first.inner_text()
            await toggle.first.click()
        else:
            return {"index": index, "control": None, "changed": False}
        # the output changes as soon as the first display arrives (a table, say); the
        # figure comes later in the same round trip, so also wait for an idle kernel
        element = await view.element_handle()
        try:
            await self.page.wait_for_function(
                "(v) => v.querySelector('.widget-output').innerHTML !== v.__before",
                arg=element, timeout=timeout * 1000, polling=100)
        except Exception as exc:  # noqa: BLE001 - the test reports the dead explorer
            if type(exc).__name__ != "TimeoutError":
                raise
            await self.wait_idle(timeout)
            return {"index": index, "control": control, "label": label.strip(),
                    "changed": False, "images_before": images_before, "images": 0,
                    "colours": []}
        await self.wait_idle(timeout)
        try:  # the kernel is idle: the figures are on their way or will never come
            await self.page.wait_for_function(
                """([v, n]) => {
                    const imgs = Array.from(v.querySelectorAll('.widget-output img'));
                    return imgs.length >= n && imgs.every((i) => i.complete && i.naturalWidth);
                }""", arg=[element, images_before], timeout=10000, polling=100)
        except Exception as exc:  # noqa: BLE001 - the test reports the missing figure
            if type(exc).__name__ != "TimeoutError":
                raise
        seconds = time.monotonic() - start
        colours = await view.evaluate(_COLOURS, arg=None)
        return {"index": index, "control": control, "label": label.strip(), "changed": True,
                "round_trip": round(seconds, 2), "images_before": images_before,
                "images": len(colours), "colours": colours}

    async def probe_layout(self) -> dict:
        return await self.page.evaluate(_LAYOUT_PROBE)

    async def probe_cjk(self) -> dict:
        return await self.page.evaluate(_CJK_PROBE)

    async def screenshot(self, target: Path) -> Path:
        """Screenshot the notebook panel, scrolled to its first explorer or figure."""
        for selector in (".widget-interact", ".jp-RenderedImage"):
            first = self.page.locator(f".jp-NotebookPanel {selector}").first
            if await first.count():
                await first.scroll_into_view_if_needed()
                break
        await self.page.locator(".jp-NotebookPanel").first.screenshot(
            path=str(target), animations="disabled", caret="hide")
        return target


def redraw_ok(move: dict) -> bool:
    """Whether a move of an explorer's control redrew it: output changed, as many
    figures as before, none blank or half drawn (fewer than 16 colours)."""
    return (move["changed"] and move["images"] >= move["images_before"]
            and all(n >= 16 for n in move["colours"]))


def safe_name(path: str) -> str:
    """Return a file name made from a notebook path (``notebooks/03_rfm.ipynb`` ->
    ``notebooks__03_rfm``)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "__", path.removesuffix(".ipynb"))
