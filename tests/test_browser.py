"""The widgets as students meet them: JupyterLab in a real (headless) Chromium.

Every notebook under notebooks/ whose code calls `widgets.panel(` is found by itself, copied with its
`pretrained` parameter set (so the panels show a trained model, and nothing trains twice: nbval and the
benchmark tests execute the training code), opened in JupyterLab, run with Run All in the quick profile, and
checked to fit a 1,000-pixel-wide window without a sideways scroll bar; then each control of each
`course-panel` is moved the way a student would, and the panel's image must change; the judge's reading
under the controls must change with the controls that the panel says change it and stay put with those that
the panel says leave it (at least one panel of each notebook promises both). Screenshots go to
$BROWSER_SCREENSHOTS, or a temporary folder that the test prints. Needs Debian's chromium and chromium-driver
(bash setup.sh test installs them) and the selenium and jupyterlab packages: it skips without them, except
under CI (CI set), where it fails instead.
"""

import shutil
from pathlib import Path

import labbrowser
import nbformat
import papermill
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from notebook_outputs import loaded_shipped_weights, warnings_in

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = labbrowser.notebooks_with_panels(REPO / "notebooks")
STUDENT_NOTEBOOK = "02_xy_game.ipynb"  # the student edition a student answers in the browser test


@pytest.fixture(scope="session")
def browser_bits():
    labbrowser.require_browser()


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    """The folder JupyterLab serves: notebooks/ holds the pretrained copies of the notebooks with panels."""
    root = tmp_path_factory.mktemp("course")
    labbrowser.pretrained_copies(NOTEBOOKS, root / "notebooks")
    (root / "student").mkdir()
    shutil.copyfile(REPO / "student" / STUDENT_NOTEBOOK, root / "student" / STUDENT_NOTEBOOK)
    return root


@pytest.fixture(scope="session")
def lab(browser_bits, course, tmp_path_factory):
    """JupyterLab serving the copies, started once, stopped by its pid at the end."""
    workdir = tmp_path_factory.mktemp("jupyterlab")
    runs = tmp_path_factory.mktemp("browser-runs")
    server = labbrowser.start_lab(course, workdir, env={"COURSE_PROFILE": "quick", "COURSE_RUNS": str(runs)})
    yield server
    labbrowser.stop_lab(server)


@pytest.fixture(scope="session")
def screenshots(browser_bits, tmp_path_factory):
    return labbrowser.screenshots_folder(tmp_path_factory.mktemp("browser-screenshots"))


def test_notebooks_with_panels_are_found(tmp_path):
    """The discovery the browser test relies on: a panel call in a code cell counts, one in prose does not."""
    nbformat.write(new_notebook(cells=[new_code_cell("p = widgets.panel(render, controls)")]), tmp_path / "02_b.ipynb")
    prose = new_markdown_cell("call `widgets.panel(render, ...)`")
    nbformat.write(new_notebook(cells=[prose]), tmp_path / "01_a.ipynb")
    nbformat.write(new_notebook(cells=[new_code_cell("x = widgets.panel(f, c)")]), tmp_path / "00_c.ipynb")
    assert [p.name for p in labbrowser.notebooks_with_panels(tmp_path)] == ["00_c.ipynb", "02_b.ipynb"]


def test_the_copies_load_the_shipped_weights(tmp_path):
    copies = labbrowser.pretrained_copies(NOTEBOOKS, tmp_path)
    for original, copy in zip(NOTEBOOKS, copies):
        params = papermill.inspect_notebook(str(copy))
        if "pretrained" in params:
            assert params["pretrained"]["default"] == "True", f"{copy.name} would train in the browser"
        cells = nbformat.read(copy, as_version=4).cells
        assert len(cells) == len(nbformat.read(original, as_version=4).cells) + 1
        assert cells[-1].source == labbrowser.EXTREMES_CELL


def test_missing_browser_skips_here_and_fails_under_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(labbrowser, "CHROMEDRIVER", tmp_path / "no-chromedriver")
    with pytest.raises(pytest.skip.Exception, match="no-chromedriver"):
        labbrowser.require_browser({})
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        labbrowser.require_browser({"CI": "true"})


@pytest.mark.browser
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_control_changes_its_panel(notebook, lab, course, screenshots, capsys):
    copy = course / "notebooks" / notebook.name
    report = labbrowser.check_notebook(lab, copy, screenshots)
    with capsys.disabled():
        print(f"\n[browser] {report}")
    assert report.moves, f"{notebook.name}: no control was moved"
    # Content, not just change: some panel's judge reading changed with one control and stayed with another.
    kinds = {}
    for panel, kind, _control, _part in report.promises:
        kinds.setdefault(panel, set()).add(kind)
    assert {"changes", "keeps"} in kinds.values(), \
        f"{notebook.name}: no panel promises both (widgets.panel's changes= and keeps=)"
    assert report.panels == labbrowser.panel_calls(notebook), f"{notebook.name}: {report.panels} panels on the page"
    assert f"widget extremes: {report.panels} panel(s)" in report.outputs, "the extremes check did not run"
    assert not warnings_in(report.outputs), warnings_in(report.outputs)
    if "pretrained" in papermill.inspect_notebook(str(notebook)):  # the judged promises hold for the shipped run
        assert loaded_shipped_weights(report.outputs), report.outputs[:2000]
    assert not lab.saved(copy), f"JupyterLab saved {notebook.name} (autosave is meant to be off)"


@pytest.mark.browser
def test_a_student_answers_a_question_and_sees_its_check_pass(lab, course, screenshots, capsys):
    """In the student edition of 02: run the set-up cells, check question 2 unanswered (it fails), type the
    answer over the `...`, run the answer and the check again (it passes)."""
    driver = labbrowser.new_driver(width=labbrowser.WINDOW_WIDTH)
    try:
        labbrowser.open_notebook(driver, lab, course / "student" / STUDENT_NOTEBOOK)
        texts = [labbrowser.cell_text(c) for c in labbrowser.code_cells(driver)]
        answer = next(i for i, t in enumerate(texts) if t.startswith("my_eg_limit = ..."))
        assert texts[answer + 1] == 'grader.check("q2")'
        for index in range(2):  # the Colab guard, then the imports that make `grader`
            labbrowser.run_cell(driver, index)
        unanswered = labbrowser.run_cell(driver, answer + 1)
        labbrowser.replace_placeholder(driver, answer, 0, "1.0")
        labbrowser.run_cell(driver, answer)
        answered = labbrowser.run_cell(driver, answer + 1)
        driver.save_screenshot(str(screenshots / "student-02-q2-passed.png"))
    finally:
        driver.quit()
        labbrowser.shutdown_kernels(lab)
    with capsys.disabled():
        print(f"\n[browser] student edition, q2: before the answer {unanswered.splitlines()[:1]}, "
              f"after it {answered.splitlines()[:1]}")
    assert "passed" not in unanswered and "q2" in unanswered
    assert "q2 passed" in answered, answered
