"""course-site: the course as a static website, for people deciding whether to use it and for students.

    course-site build                      # every notebook, into ./runs/site (open runs/site/index.html)
    course-site build --notebooks 00 02    # a fast partial build
    course-site build --out public --mathjax /path/to/mathjax/es5

Each notebook is executed with `pretrained=True` where it takes it (the weights of the project's full-profile
run), in the chosen profile, with papermill, as course-run does; the build's first cell records every number
the notebook asserts (claims.py). The executed copies become pages with Sphinx, myst-nb and the book theme:
a landing page, one page per notebook, and the claims page. MathJax is copied into the site, so the pages
fetch nothing at view time, whether opened from disk or served from a folder; the build checks that.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from .. import series
from ..checkpoints import cannot_write
from ..runtime import PROFILES, REPO_ROOT, REPOSITORY
from . import claims, pages

MARK = ".course-site"  # the file that tells a later build this folder is a site it may replace
MATHJAX = REPO_ROOT / "node_modules" / "mathjax" / "es5"  # `npm ci` puts it there (package.json pins it)
# What the pages use of MathJax 3: the TeX-to-HTML bundle, its fonts, the TeX extensions it loads on demand
MATHJAX_PARTS = ("tex-mml-chtml.js", "output/chtml/fonts", "input/tex/extensions")
# A page that still names one of these would fetch it at view time
REMOTE = re.compile(r"""<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)=["']((?:https?:)?//[^"']+)""", re.I)

CONF = '''# Written by course-site build; edit course_utils/site/build.py instead.
project = "GAN course companion"
author = "the GAN course companion authors"
html_title = project
extensions = ["myst_nb"]
html_theme = "sphinx_book_theme"
html_theme_options = {{"repository_url": "https://github.com/{repository}", "use_repository_button": True}}
nb_execution_mode = "off"  # executed by the build, with the shipped weights
nb_output_stderr = "remove"  # kernel warnings and progress lines are not part of the lesson
myst_enable_extensions = ["dollarmath", "amsmath"]
mathjax_path = "mathjax/tex-mml-chtml.js"  # copied into _static: nothing is fetched at view time
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_copy_source = False  # the executed notebooks hold their figures; a second copy would double the site
html_show_sourcelink = False
exclude_patterns = ["_build"]
'''

# The notebooks' code is written to 110 columns: a wider article and a smaller code font show it unscrolled
CSS = """.bd-page-width { max-width: 100rem; }
.bd-main .bd-content .bd-article-container { max-width: 64rem; }
div.cell div.highlight pre, div.cell_output pre { font-size: 0.8rem; }
"""


def find_mathjax(given: Path | None) -> Path:
    folder = Path(given) if given else MATHJAX
    if not (folder / "tex-mml-chtml.js").is_file():
        raise SystemExit(f"course-site: no MathJax 3 in {folder} (tex-mml-chtml.js); run `npm ci` in the "
                         f"repository (package.json pins mathjax 3.2.2) or pass --mathjax with its es5 folder")
    return folder


def copy_mathjax(source: Path, static: Path) -> None:
    for part in MATHJAX_PARTS:
        target = static / "mathjax" / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if (source / part).is_dir():
            shutil.copytree(source / part, target)
        else:
            shutil.copyfile(source / part, target)
    licence = source.parent / "LICENSE"
    if licence.is_file():
        shutil.copyfile(licence, static / "mathjax" / "LICENSE")


def execute(paths: list[Path], work: Path, profile: str) -> list[dict]:
    """Each notebook run with the claims recorder first and `pretrained=True` where it has that parameter."""
    import papermill

    for sub in ("src", "executed", "claims", "runs"):
        (work / sub).mkdir(parents=True, exist_ok=True)
    # the kernels inherit them; COURSE_CLAIMS: every claim recorded as it stands, none softened (course_utils.promises)
    os.environ.update({"COURSE_PROFILE": profile, "COURSE_RUNS": str(work / "runs"), "COURSE_CLAIMS": "strict"})
    os.environ.pop("COURSE_RECORD", None)  # a site build records no benchmark
    results = []
    for i, path in enumerate(paths, 1):
        nb = nbformat.read(path, as_version=4)
        record = work / "claims" / f"{path.stem}.jsonl"
        first = nbformat.v4.new_code_cell(f"from course_utils.site import claims\nclaims.watch({str(record)!r})")
        first.metadata["tags"] = [pages.INJECTED]
        nb.cells.insert(0, first)
        source = work / "src" / path.name
        nbformat.write(nb, source)
        parameters = {"pretrained": True} if "pretrained" in papermill.inspect_notebook(str(path)) else {}
        print(f"[{i}/{len(paths)}] {path.stem} ({profile}{', pretrained' if parameters else ''}) ...", flush=True)
        status, seconds = series.execute(source, work / "executed" / path.name, parameters, cwd=path.parent)
        print(f"    {status} in {seconds:.1f} s", flush=True)
        results.append({"stem": path.stem, "status": status, "seconds": seconds, "record": record,
                        "executed": work / "executed" / path.name})
    return results


def write_sources(results: list[dict], site: Path, mathjax: Path) -> list[dict]:
    """The Sphinx source folder: the pages, conf.py and the bundled MathJax; returns the pages' summaries."""
    shutil.rmtree(site, ignore_errors=True)  # a kept folder of an earlier build must not leave its pages in
    site.mkdir(parents=True)
    built = []
    for result in results:
        executed = nbformat.read(result["executed"], as_version=4)
        name = pages.title(executed, result["stem"])
        nbformat.write(pages.publishable(executed, result["stem"]), site / f"{result['stem']}.ipynb")
        built.append({"stem": result["stem"], "title": name, "seconds": result["seconds"],
                      "claims": claims.claims(executed, result["record"])})
    readme = (REPO_ROOT / "README.md").read_text()
    index = pages.landing_page(readme, built)
    for image in re.findall(r"!\[[^\]]*\]\(([^):\s]+)\)", index):  # README pictures the landing page shows
        (site / image).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO_ROOT / image, site / image)
    (site / "index.md").write_text(index)
    (site / "claims.md").write_text(pages.claims_page(built))
    (site / "conf.py").write_text(CONF.format(repository=REPOSITORY))
    copy_mathjax(mathjax, site / "_static")
    (site / "_static" / "course.css").write_text(CSS)
    return built


def remote_fetches(out: Path) -> list[str]:
    """'page: address' for each script, style sheet, image or frame that a built page would fetch from the web."""
    found = []
    for page in sorted(out.rglob("*.html")):
        for address in REMOTE.findall(page.read_text(errors="replace")):
            found.append(f"{page.relative_to(out)}: {address}")
    return found


def build(names: list[str], out: Path, profile: str, mathjax: Path | None, keep: Path | None) -> int:
    from sphinx.cmd.build import build_main

    started = time.perf_counter()
    paths = series.select(names, series.NOTEBOOKS)
    mathjax_folder = find_mathjax(mathjax)
    if out.exists() and any(out.iterdir()) and not (out / MARK).exists():
        print(f"course-site: --out {out} holds files that no site build wrote; choose an empty or new folder",
              file=sys.stderr)
        return 2
    problem = cannot_write(out)
    if problem:
        print(f"course-site: cannot write to --out {out} ({problem})", file=sys.stderr)
        return 2
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="course-site-"))
    try:
        results = execute(paths, work, profile)
        failed = [r for r in results if r["status"] != "ok"]
        if failed:
            for r in failed:
                print(f"course-site: {r['stem']} {r['status']}", file=sys.stderr)
            print(f"course-site: {len(failed)} notebook(s) failed; no site built", file=sys.stderr)
            return 1
        try:
            built = write_sources(results, work / "site", mathjax_folder)
        except ValueError as err:  # an error output in an executed notebook: a page must not publish it
            print(f"course-site: {err}; no site built", file=sys.stderr)
            return 1
        if out.exists():
            shutil.rmtree(out)  # an earlier site (checked above): a page it had and this build has not must go
        print("Building the pages with Sphinx ...", flush=True)
        if build_main(["-b", "html", "-q", "-W", "--keep-going", str(work / "site"), str(out)]) != 0:
            print("course-site: Sphinx reported problems (above)", file=sys.stderr)
            return 1
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    (out / MARK).write_text("built by course-site build; the next build replaces this folder\n")
    fetches = remote_fetches(out)
    if fetches:
        print("course-site: these pages would fetch from the web at view time:\n  " + "\n  ".join(fetches),
              file=sys.stderr)
        return 1
    images = sum(1 for p in (out / "_images").glob("*")) if (out / "_images").is_dir() else 0
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    checks = sum(len(b["claims"]) for b in built)
    print(f"{len(built)} notebook pages, {images} images, {checks} checked claims, {size / 1e6:.1f} MB, "
          f"{time.perf_counter() - started:.0f} s; open {out / 'index.html'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="course-site", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("build", help="execute the notebooks and build the site")
    make.add_argument("--notebooks", nargs="*", default=[], metavar="N", help="numbers or names (default: all)")
    make.add_argument("--out", type=Path, default=REPO_ROOT / "runs" / "site", help="folder for the site")
    make.add_argument("--profile", choices=PROFILES, default="full",
                      help="the profile the notebooks run in (their trained parts load the full run's weights)")
    make.add_argument("--mathjax", type=Path, help="a MathJax 3 es5 folder (default: node_modules/mathjax/es5)")
    make.add_argument("--keep", type=Path, help="keep the executed notebooks and page sources in this folder")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if out == series.NOTEBOOKS or series.NOTEBOOKS in out.parents:
        parser.error(f"--out {args.out} is inside notebooks/; its files would be collected as tests")
    return build(args.notebooks, out, args.profile, args.mathjax, args.keep)


if __name__ == "__main__":
    sys.exit(main())
