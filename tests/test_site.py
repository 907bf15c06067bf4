"""The course site (course_utils/site): the claims recorder, the pages, a partial build and a browser's read.

The partial build (00 and 02) runs the real `course-site build` once per session; the browser test opens each
of its pages from disk and from a local HTTP server in headless Chromium. Set COURSE_SITE to the folder of
a full build to have the browser test read that site's pages as well.
"""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import labbrowser
import nbformat
import pytest
import sitebrowser
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

from course_utils.site import build, claims, pages

REPO = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------------------------------- the recorder

def run_rewritten(code: str, record: Path, cell: int = 7, execution_count: int | None = None) -> dict:
    """Execute `code` with its asserts rewritten as the kernel's transformer rewrites them while it runs as cell
    `cell` (the history then ends with it; `execution_count`, the shell's counter meanwhile, is `cell` unless
    given); returns its namespace."""
    history = SimpleNamespace(input_hist_parsed=[""] * cell + [code])
    shell = SimpleNamespace(execution_count=cell if execution_count is None else execution_count,
                            history_manager=history)
    tree = claims._Transformer(shell).visit(ast.parse(code))
    namespace = {claims.HOOK: claims.Recorder(record)}
    exec(compile(tree, "<cell>", "exec"), namespace)
    return namespace


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_rewritten_asserts_record_their_numbers_and_pass_or_fail_as_before(tmp_path):
    log = tmp_path / "claims.jsonl"
    run_rewritten("import numpy as np\nx = np.float32(0.25)\nassert 0.1 < x <= 0.5  # in range\n"
                  "assert x * 4 == 1\nassert isinstance(x, np.floating)\n", log)
    assert records(log) == [
        {"cell": 7, "line": 3, "source": "0.1 < x <= 0.5", "held": True, "values": [0.1, 0.25, 0.5]},
        {"cell": 7, "line": 4, "source": "x * 4 == 1", "held": True, "values": [1.0, 1.0]}]
    with pytest.raises(AssertionError, match="too big"):
        run_rewritten("y = 3\nassert y < 2, 'too big'\n", log)
    assert records(log)[-1] == {"cell": 7, "line": 2, "source": "y < 2", "held": False, "values": [3.0, 2.0]}


def test_asserts_are_tagged_with_the_running_cells_number_under_ipython_8_and_9(tmp_path):
    """IPython 9 raises `execution_count` before it runs a cell, IPython 8 after; the claims page finds an
    assert's cell by its number, so the tag must be the running cell's under both (here: cell 5)."""
    for execution_count in (5, 6):  # what IPython 8, then IPython 9, holds while cell 5 runs
        log = tmp_path / f"claims-{execution_count}.jsonl"
        run_rewritten("x = 1\nassert x < 2", log, cell=5, execution_count=execution_count)
        assert [r["cell"] for r in records(log)] == [5], f"tagged wrongly at execution_count {execution_count}"


def test_a_chained_comparison_evaluates_each_operand_once_and_stops_where_python_stops(tmp_path):
    code = ("calls = []\ndef f(v):\n    calls.append(v)\n    return v\n"
            "try:\n    assert f(1) > f(2) > f(3)\nexcept AssertionError:\n    pass\nassert f(1) < f(2) < f(3)\n")
    namespace = run_rewritten(code, tmp_path / "claims.jsonl")
    assert namespace["calls"] == [1, 2, 1, 2, 3]  # f(3) never runs once 1 > 2 has failed, as in plain Python
    assert [r["values"] for r in records(tmp_path / "claims.jsonl")] == [[1.0, 2.0], [1.0, 2.0, 3.0]]


def test_an_assert_whose_operand_binds_a_name_is_left_as_it_is(tmp_path):
    namespace = run_rewritten("assert (n := 3) > 2\nm = n\n", tmp_path / "claims.jsonl")
    assert namespace["m"] == 3 and not (tmp_path / "claims.jsonl").exists()


def test_an_assert_in_a_class_body_is_left_as_it_is(tmp_path):
    # a lambda there would read the global lr (5), not the class's (0.1), and fail a claim that holds
    namespace = run_rewritten("lr = 5\nclass C:\n    lr = 0.1\n    assert lr < 1\n    def f(self):\n"
                              "        assert lr > 1\nC().f()\n", tmp_path / "claims.jsonl")
    assert namespace["C"].lr == 0.1
    assert [r["source"] for r in records(tmp_path / "claims.jsonl")] == ["lr > 1"]  # a method's assert still is


def test_an_assert_in_a_loop_is_recorded_at_most_per_site_times(tmp_path):
    run_rewritten("for i in range(25):\n    assert i >= 0\n", tmp_path / "claims.jsonl")
    assert len(records(tmp_path / "claims.jsonl")) == claims.PER_SITE


def executed_notebook() -> nbformat.NotebookNode:
    """A notebook as a site build leaves it: a section, a checked result, and a graded question's test."""
    cells = [new_markdown_cell("## 1 · Training\nwords"),
             new_code_cell("best = 0.07\n# G gets close\nassert best < 0.5", execution_count=3),
             new_raw_cell("# BEGIN QUESTION\nname: q1"),
             new_code_cell("assert answer > 0  # checks the student's answer", execution_count=4),
             new_raw_cell("# END QUESTION"),
             new_code_cell("for v in (0.3, 0.4):\n    assert 0.25 < v < 0.75  # stays near 1/2", execution_count=5)]
    return new_notebook(cells=cells)


def test_claims_are_read_beside_their_cells_without_the_questions_checks(tmp_path):
    log = tmp_path / "claims.jsonl"
    lines = [{"cell": 3, "line": 3, "source": "best < 0.5", "held": True, "values": [0.07, 0.5]},
             {"cell": 4, "line": 1, "source": "answer > 0", "held": True, "values": [1.0, 0.0]},
             {"cell": 5, "line": 2, "source": "0.25 < v < 0.75", "held": True, "values": [0.25, 0.3, 0.75]},
             {"cell": 5, "line": 2, "source": "0.25 < v < 0.75", "held": True, "values": [0.25, 0.4, 0.75]}]
    log.write_text("".join(json.dumps(line) + "\n" for line in lines))
    rows = claims.claims(executed_notebook(), log)
    assert rows == [
        {"cell": 1, "section": "1 · Training", "claim": "best < 0.5", "why": "G gets close",
         "measured": {"best": [0.07]}, "held": True},
        {"cell": 5, "section": "1 · Training", "claim": "0.25 < v < 0.75", "why": "stays near 1/2",
         "measured": {"v": [0.3, 0.4]}, "held": True}]
    page = pages.claims_page([{"stem": "01_x", "title": "01 · X", "claims": rows}])
    assert "2 checks over 1 notebooks" in page and "**1 · Training**" in page
    assert "| `0.25 < v < 0.75` | 0.3, 0.4 | stays near 1/2 |" in page
    assert "| `best < 0.5` | 0.07 | G gets close |" in page
    assert pages.measured_text({"a": [1.0], "b": [2.5]}) == "`a` = 1; `b` = 2.5"


# ---------------------------------------------------------------------------------------------- the pages

def test_a_published_notebook_loses_the_builds_cell_and_its_live_widgets_and_gains_its_links():
    nb = executed_notebook()
    injected = new_code_cell("claims.watch('x')", execution_count=1)
    injected.metadata["tags"] = [pages.INJECTED]
    panel = new_code_cell("widgets.panel(...)", execution_count=6, outputs=[new_output(
        "display_data", data={pages.WIDGET_VIEW: {"model_id": "abc"}, "text/plain": "VBox(...)"})])
    nb.cells = [injected, *nb.cells, panel]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    page = pages.publishable(nb, "01_x")
    assert "widgets" not in page.metadata
    assert not any(pages.INJECTED in c.metadata.get("tags", []) for c in page.cells)
    assert page.cells[0].cell_type == "markdown" and f"{pages.COLAB}/notebooks/01_x.ipynb" in page.cells[0].source
    assert page.cells[-1].outputs[0]["data"] == {"text/html": pages.WIDGET_NOTE}
    assert "widgets" in nb.metadata  # the executed notebook itself is left as it was


def test_a_published_notebook_drops_progress_bars_but_keeps_a_note_for_each_panel():
    # training that runs while a page is made shows tqdm's widget (a box of text and a bar): on a page it would
    # read as a panel that cannot move, so it goes; a course panel (its box marked course-panel) keeps its note
    nb = executed_notebook()
    views = {name: new_output("display_data", data={pages.WIDGET_VIEW: {"model_id": name}, "text/plain": name})
             for name in ("bar", "panel")}
    finished_bar = new_output("display_data", data={})  # what course_utils.progress leaves of a finished bar
    nb.cells.append(new_code_cell("train(...); widgets.panel(...)", execution_count=7,
                                  outputs=[finished_bar, *views.values()]))
    nb.metadata["widgets"] = {pages.WIDGET_STATE: {"state": {
        "bar": {"model_name": "HBoxModel", "state": {"_dom_classes": [], "children": []}},
        "panel": {"model_name": "VBoxModel", "state": {"_dom_classes": [pages.PANEL_CLASS, "nb01"]}}}}}
    outputs = pages.publishable(nb, "01_x").cells[-1].outputs
    assert [o["data"] for o in outputs] == [{"text/html": pages.WIDGET_NOTE}]


def test_a_notebook_with_an_error_output_is_refused():
    nb = executed_notebook()
    nb.cells[1].outputs = [new_output("error", ename="ValueError", evalue="bad", traceback=[])]
    with pytest.raises(ValueError, match="01_x: cell 1 ended in ValueError: bad"):
        pages.publishable(nb, "01_x")


def test_a_notebook_whose_page_would_show_an_error_builds_no_site(tmp_path, monkeypatch, capsys):
    nb = executed_notebook()
    nb.cells[1].outputs = [new_output("error", ename="ValueError", evalue="bad", traceback=[])]
    nbformat.write(nb, tmp_path / "executed.ipynb")
    ran = [{"stem": "02_xy_game", "status": "ok", "seconds": 1.0, "record": tmp_path / "none.jsonl",
            "executed": tmp_path / "executed.ipynb"}]
    monkeypatch.setattr(build, "execute", lambda paths, work, profile: ran)  # as if the kernel had run it
    (tmp_path / "mathjax").mkdir()
    (tmp_path / "mathjax" / "tex-mml-chtml.js").write_text("")
    out = tmp_path / "site"
    assert build.main(["build", "--notebooks", "02", "--out", str(out), "--mathjax", str(tmp_path / "mathjax")]) == 1
    assert "02_xy_game: cell 1 ended in ValueError: bad; no site built" in capsys.readouterr().err
    assert not (out / "index.html").exists()


def test_readme_markdown_is_made_to_work_from_the_site():
    text = ("[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.x/nb) "
            "[notebook](notebooks/01.ipynb) [top](#set-up) ![picture](docs/widget-04.png)")
    assert pages.site_links(text) == (f"[Open in Colab](https://colab.x/nb) [notebook]({pages.GITHUB}/notebooks/"
                                      "01.ipynb) [top](#set-up) ![picture](docs/widget-04.png)")


def test_the_landing_page_has_the_series_table_and_the_readmes_set_up_and_grading():
    readme = (REPO / "README.md").read_text()
    index = pages.landing_page(readme, [{"stem": "02_xy_game", "title": "02 · The xy game", "seconds": 17.8}])
    row = pages.series_rows(readme)["02"]
    assert f"| 02 | [02 · The xy game](02_xy_game.ipynb) | {row['teaches']} | 18 | {row['quick']} |" in index
    assert f"[student]({pages.COLAB}/student/02_xy_game.ipynb) |" in index  # README's grading text points to it
    assert "bash setup.sh lab" in index and "course-grade" in index
    assert "colab-badge.svg" not in index and "](notebooks/" not in index
    assert "```{toctree}" in index and "\n02_xy_game\nclaims\n```" in index


def test_remote_fetches_are_found_and_links_are_not(tmp_path):
    (tmp_path / "a.html").write_text('<a href="https://github.com/x">repo</a><img src="_images/a.png">'
                                     '<script src="https://cdn.example/require.js"></script>'
                                     '<link rel="stylesheet" href="//fonts.example/f.css">')
    assert build.remote_fetches(tmp_path) == ["a.html: https://cdn.example/require.js",
                                              "a.html: //fonts.example/f.css"]


# ------------------------------------------------------------------------------------------ a partial build

@pytest.fixture(scope="module")
def partial_site(tmp_path_factory):
    """`course-site build --notebooks 00 02`, run as a user runs it, once for this module."""
    if not (build.MATHJAX / "tex-mml-chtml.js").is_file():
        message = "the site build needs MathJax from npm: run `npm ci` (bash setup.sh test does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    out = tmp_path_factory.mktemp("site") / "public"
    env = {**os.environ, "COURSE_RUNS": str(tmp_path_factory.mktemp("site-runs"))}
    done = subprocess.run([sys.executable, "-m", "course_utils.site.build", "build", "--notebooks", "00", "02",
                           "--out", str(out)], capture_output=True, text=True, env=env, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out, done.stdout


@pytest.mark.slow
def test_the_partial_build_makes_the_pages_and_lists_the_claims(partial_site):
    out, printed = partial_site
    assert sorted(p.name for p in sitebrowser.site_pages(out)) == [
        "00_setup_and_tour.html", "02_xy_game.html", "claims.html", "index.html"]
    assert "2 notebook pages" in printed.splitlines()[-1]
    index = (out / "index.html").read_text()
    page = (out / "02_xy_game.html").read_text()
    assert 'href="02_xy_game.html"' in index and "Open in Colab" in page
    # each live panel gives way to a note, and the static views it points to follow it before the next section
    notes = page.split("course-widget-note")[1:]
    assert notes and all("<img" in after.split("<section")[0] for after in notes)
    assert "widget-view" not in page and "require.js" not in page
    claims_html = (out / "claims.html").read_text()
    assert "spectral" in claims_html and "heldout_accuracy" in claims_html  # from 02 and 00
    assert (out / "_static" / "mathjax" / "tex-mml-chtml.js").is_file()
    assert build.remote_fetches(out) == []


@pytest.mark.slow
def test_a_build_replaces_its_own_site_and_refuses_other_folders(partial_site, tmp_path):
    out, _ = partial_site
    assert (out / build.MARK).is_file()
    (tmp_path / "notes.txt").write_text("mine")
    assert build.main(["build", "--notebooks", "02", "--out", str(tmp_path)]) == 2
    assert (tmp_path / "notes.txt").read_text() == "mine"


# ----------------------------------------------------------------------------------------------- a browser

def built_sites(partial_site) -> list[Path]:
    sites = [partial_site[0]]
    if os.environ.get("COURSE_SITE"):
        sites.append(Path(os.environ["COURSE_SITE"]))
    return sites


@pytest.fixture(scope="module")
def site_driver():
    labbrowser.require_browser()
    driver = labbrowser.new_driver(width=1280, height=1800)
    yield driver
    driver.quit()


@pytest.mark.slow
@pytest.mark.browser
def test_every_page_shows_its_figures_tables_and_maths_from_disk_and_served(partial_site, site_driver,
                                                                           tmp_path_factory):
    shots = labbrowser.screenshots_folder(tmp_path_factory.mktemp("site-screenshots"))
    print(f"site screenshots in {shots}")
    for site in built_sites(partial_site):
        reports = [sitebrowser.read_page(site_driver, page.as_uri(), shots / f"{site.name}-{page.stem}.png")
                   for page in sitebrowser.site_pages(site)]
        with sitebrowser.served(site) as base:
            reports += [sitebrowser.read_page(site_driver, f"{base}/{page.name}")
                        for page in sitebrowser.site_pages(site)]
        problems = [f"{r.page}: {p}" for r in reports for p in r.problems()]
        assert not problems, problems
        by_page = {r.page: r for r in reports}
        for page in sitebrowser.site_pages(site):
            report = by_page[page.name]
            assert report.tables >= 1, f"{page.name} has no table"
            if page.stem[:2].isdigit():  # a notebook's page: its figures, and its maths typeset
                assert report.images and report.typeset, (page.name, len(report.images), report.typeset)
