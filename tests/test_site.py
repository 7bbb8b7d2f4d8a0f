"""The course website in a real browser: every page of both editions loads without console
errors, every internal link and figure resolves, the language switch and the search work,
and Chinese text renders with a real font.

The site is built here from the committed notebooks (``tools/build_site.py``, what
``make site`` runs; warnings are errors), served over HTTP on 127.0.0.1, and opened in
Debian's headless Chromium through Playwright (as ``tests/test_browser.py`` does).
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
from browser.lab import CHROMIUM_ARGS, find_chromium

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

pytestmark = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip("sphinx", reason="the website needs Sphinx and MyST-NB "
                        "(pip install -c constraints.txt -e '.[site]')")
    pytest.importorskip("myst_nb")
    import build_site

    return build_site.build(out=tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no access log in the test output
        pass


@pytest.fixture(scope="module")
def browser():
    pytest.importorskip("playwright", reason="Playwright for Python is not installed")
    path, why = find_chromium()
    if path is None:
        pytest.skip(f"no Chromium for the site test: {why}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(path), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _pages(site: Path) -> list[str]:
    skip = {"genindex.html", "search.html"}
    return sorted(p.relative_to(site).as_posix() for p in site.glob("*/**/*.html")
                  if not p.relative_to(site).parts[1].startswith("_") and p.name not in skip)


PAGE_CHECK = """async () => {
  if (window.MathJax && window.MathJax.Hub) {  // formulas typeset, their fonts loaded
    await new Promise(done => window.MathJax.Hub.Queue(done));
  }
  await document.fonts.ready;
  const imgs = Array.from(document.images).map(i => ({src: i.currentSrc || i.src,
      ok: i.complete && i.naturalWidth > 0}));
  const links = Array.from(document.querySelectorAll("a[href]")).map(a => a.href);
  const lang = document.getElementById("crmlab-language");
  const text = document.querySelector("main, article, body").innerText;
  const cjk = /[\\u4e00-\\u9fff]/.test(text);
  let font = null;
  if (cjk) {
    const faces = await document.fonts.load('16px "crmlab CJK"', "客户关系管理");
    font = faces.length > 0 && document.fonts.check('16px "crmlab CJK"', "客户关系管理");
  }
  return {imgs, links, switch: lang ? lang.href : null, cjk, font};
}"""


def test_every_page_of_both_editions_loads_clean(site, server, browser):
    pages = _pages(site)
    assert {p.split("/")[0] for p in pages} == {"en", "zh"}
    assert len(pages) >= 40
    context = browser.new_context()
    page = context.new_page()
    problems, bad_requests = [], []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    # the browser fetches the icon in the background and drops it when the next page loads
    page.on("requestfailed", lambda r: bad_requests.append(f"failed: {r.url}")
            if not r.url.endswith("favicon.png") else None)
    page.on("response", lambda r: bad_requests.append(f"{r.status}: {r.url}")
            if r.status >= 400 else None)
    figures = cjk_pages = 0
    for rel in pages:
        before = len(problems) + len(bad_requests)
        page.goto(server + rel, wait_until="load")
        found = page.evaluate(PAGE_CHECK)
        for img in found["imgs"]:
            figures += 1
            if not img["ok"]:
                problems.append(f"{rel}: figure does not show: {img['src'][:80]}")
        for href in found["links"]:
            url = urlparse(href)
            if url.netloc != urlparse(server).netloc:
                continue
            target = site / unquote(url.path.lstrip("/"))
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{rel}: broken link {href}")
        other = found["switch"]
        assert other and (site / unquote(urlparse(other).path.lstrip("/"))).exists(), (
            f"{rel}: the language switch goes to {other}")
        assert rel.split("/")[0] not in urlparse(other).path.split("/")[1], rel
        if found["cjk"]:
            cjk_pages += 1
            if not found["font"]:
                problems.append(f"{rel}: Chinese text without the CJK font")
        if len(problems) + len(bad_requests) > before:
            problems.append(f"... on {rel}")
    context.close()
    assert not problems + bad_requests, "\n".join((problems + bad_requests)[:40])
    assert figures > 50 and cjk_pages >= len(pages) // 2


@pytest.mark.parametrize(("language", "query"), [("en", "lifetime"), ("zh", "客户")])
def test_the_search_finds_chapters(site, server, browser, language, query):
    page = browser.new_page()
    page.goto(urljoin(server, f"{language}/search.html?q={query}"), wait_until="load")
    page.wait_for_selector("#search-results li", timeout=20_000)
    hits = page.locator("#search-results li a").all_inner_texts()
    page.close()
    assert len(hits) >= 2, hits
