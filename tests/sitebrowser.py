"""Read a built course site in headless Chromium, as a visitor would: the helpers behind tests/test_site.py.

Each page is opened (from disk, or from a local HTTP server serving the site's folder), MathJax is given time
to typeset, and the page is reported on: its images and whether each loaded, its tables, its maths (typeset,
and any TeX error), error outputs and tracebacks, and what the browser fetched from outside the site.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path

import labbrowser

# MathJax 3 exposes a promise that settles when the page's maths is typeset; pages without MathJax skip it
WAIT_FOR_MATHJAX = """const done = arguments[arguments.length - 1];
if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
  MathJax.startup.promise.then(() => done('typeset'), (err) => done('failed: ' + err));
} else { done('none'); }"""

REPORT = """const images = [...document.querySelectorAll('main img, article img')];
return {
  images: images.map((i) => ({src: i.getAttribute('src'), loaded: i.complete && i.naturalWidth > 0})),
  tables: document.querySelectorAll('article table').length,
  maths: document.querySelectorAll('.math').length,
  typeset: document.querySelectorAll('mjx-container').length,
  tex_errors: [...document.querySelectorAll('mjx-merror')].map((e) => e.textContent).slice(0, 5),
  error_outputs: document.querySelectorAll('.output.error, .output.traceback, .output.stderr').length,
  text: document.body.innerText,
  outside: performance.getEntriesByType('resource').map((r) => r.name)
    .filter((n) => !n.startsWith(location.origin) && !n.startsWith('file:') && !n.startsWith('data:')),
};"""


@dataclass
class PageReport:
    page: str
    mathjax: str
    images: list[dict]
    tables: int
    maths: int
    typeset: int
    tex_errors: list[str]
    error_outputs: int
    tracebacks: int
    outside: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """What a visitor would see broken on this page (empty when nothing is)."""
        found = [f"image {i['src']} did not load" for i in self.images if not i["loaded"]]
        if self.maths and (self.mathjax != "typeset" or not self.typeset):
            found.append(f"{self.maths} maths element(s) but MathJax {self.mathjax}, {self.typeset} typeset")
        found += [f"TeX error: {e}" for e in self.tex_errors]
        if self.error_outputs:
            found.append(f"{self.error_outputs} error or stderr output(s)")
        if self.tracebacks:
            found.append("'Traceback' in the page's text")
        found += [f"fetched from outside the site: {name}" for name in self.outside]
        return found


def site_pages(site: Path) -> list[Path]:
    """The site's content pages: the landing page, the claims page and one per notebook."""
    return sorted(p for p in Path(site).glob("*.html") if p.stem not in ("genindex", "search"))


def read_page(driver, url: str, screenshot: Path | None = None) -> PageReport:
    driver.get(url)
    labbrowser.wait_for(lambda: driver.execute_script("return document.readyState") == "complete", 60,
                        f"{url} to load")
    driver.set_script_timeout(60)
    mathjax = driver.execute_async_script(WAIT_FOR_MATHJAX)
    seen = driver.execute_script(REPORT)
    if screenshot is not None:
        driver.save_screenshot(str(screenshot))
    return PageReport(page=url.rsplit("/", 1)[-1], mathjax=mathjax, images=seen["images"], tables=seen["tables"],
                      maths=seen["maths"], typeset=seen["typeset"], tex_errors=seen["tex_errors"],
                      error_outputs=seen["error_outputs"], tracebacks=seen["text"].count("Traceback"),
                      outside=seen["outside"])


@contextlib.contextmanager
def served(folder: Path):
    """The folder served over HTTP on a free loopback port (as a static host would): yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass
