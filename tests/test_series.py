"""course-run, on two tiny notebooks made by the test (the real series runs in test_notebooks)."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from course_utils import series


def make_notebook(path, body):
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [new_code_cell("seed: int = 0  # a seed\nsteps: int = 1  # steps", metadata={"tags": ["parameters"]}),
                new_code_cell(body)]
    nbformat.write(nb, path)


@pytest.fixture
def folder(tmp_path):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    make_notebook(nbs / "01_fine.ipynb", "import os\nassert os.environ['COURSE_PROFILE'] == 'quick'\nprint(seed * 2)")
    make_notebook(nbs / "02_broken.ipynb", "assert steps < 5, f'steps is {steps}'")
    return nbs


def test_parse_value():
    assert series.parse_value("3") == 3 and series.parse_value("0.5") == 0.5
    assert series.parse_value("True") is True and series.parse_value("adam") == "adam"


def test_runs_chosen_notebooks_with_a_parameter(folder, tmp_path, capsys):
    out = tmp_path / "out"
    code = series.main(["01", "--profile", "quick", "--out", str(out), "-p", "seed", "21",
                        "--notebook-dir", str(folder)])
    text = capsys.readouterr().out
    assert code == 0
    assert "[1/1] 01_fine (quick, seed=21) ..." in text and "1 ran, 0 failed" in text
    executed = nbformat.read(out / "01_fine.ipynb", as_version=4)
    assert "42" in executed.cells[-1].outputs[0]["text"]


def test_a_failing_notebook_fails_the_run_and_the_others_still_run(folder, tmp_path, capsys):
    code = series.main(["--profile", "quick", "--out", str(tmp_path / "out"), "-p", "steps", "9",
                        "--notebook-dir", str(folder)])
    text = capsys.readouterr().out
    assert code == 1
    # where it stopped: the cell as numbered in the executed copy (after papermill's injected one) and the line
    assert "FAILED: In [3], line 1: assert steps < 5, f'steps is {steps}': AssertionError: steps is 9" in text
    table = text.split("seconds  status")[1]
    assert "01_fine" in table and "02_broken" in table and "1 ran, 1 failed" in text


def test_claims_not_held_at_other_settings_are_counted_and_the_run_goes_on(folder, tmp_path, capsys):
    table = "{'03_explored': {'steps': {'quick': 1, 'full': 1}}}"
    make_notebook(folder / "03_explored.ipynb", "from course_utils import promises\n"
                                                f"promises.enforce('03_explored', globals(), table={table})")
    nb = nbformat.read(folder / "03_explored.ipynb", as_version=4)
    nb.cells.append(new_code_cell("assert steps < 5, 'too many steps'\nassert steps < 6\nprint('went on')"))
    nbformat.write(nb, folder / "03_explored.ipynb")
    code = series.main(["03", "--profile", "quick", "--out", str(tmp_path / "out"), "-p", "steps", "9",
                        "--notebook-dir", str(folder)])
    assert code == 0
    assert "ok (2 checks of the text's claims failed at these settings)" in capsys.readouterr().out
    assert series.main(["03", "--profile", "quick", "--out", str(tmp_path / "out"), "--notebook-dir", str(folder)]) == 0
    assert "    ok in" in capsys.readouterr().out  # at the text's settings nothing fails here


def test_refuses_an_output_folder_inside_notebooks(folder):
    with pytest.raises(SystemExit):
        series.main(["--out", str(folder / "executed"), "--notebook-dir", str(folder)])


def test_unknown_notebook_and_parameter(folder, tmp_path):
    with pytest.raises(SystemExit, match="no notebook '09'"):
        series.main(["09", "--out", str(tmp_path), "--notebook-dir", str(folder)])
    with pytest.raises(SystemExit):
        series.main(["-p", "learning_rate", "1", "--out", str(tmp_path), "--notebook-dir", str(folder)])


def test_an_unwritable_out_folder_is_one_line_and_exit_2(folder, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert series.main(["01", "--out", str(blocker / "x"), "--notebook-dir", str(folder)]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"course-run: cannot write to --out {blocker / 'x'} (Not a directory); choose a folder you can write to"]


def test_stopped_cells_name_the_cell_the_line_and_the_first_line_of_the_message(tmp_path):
    nb = new_notebook()
    shown = new_code_cell("table = make()\nassert table.ok, table", execution_count=5)
    # as the kernel sends it: the cell's frame in the terminal's colours, the assert's message a printed table
    shown.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="   a  b\n0  1  2\n1  3  4",
                                            traceback=["\x1b[0;31mAssertionError\x1b[0m Traceback",
                                                       "Cell \x1b[0;32mIn[5], line 2\x1b[0m", "----> 2 assert"])]
    fine = new_code_cell("x = 1", execution_count=6)
    bare = new_code_cell("raise KeyboardInterrupt", execution_count=7)
    bare.outputs = [nbformat.v4.new_output("error", ename="KeyboardInterrupt", evalue="", traceback=[])]
    # a chained exception: the KeyError's frames first (this cell's line 2, then line 3 of a function of cell 3),
    # then the ValueError raised while handling it, at this cell's line 4
    chained = new_code_cell("try:\n    lookup({})\nexcept KeyError:\n    raise ValueError('no x')", execution_count=8)
    chained.outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="no x", traceback=[
        "KeyError Traceback", "Cell In[8], line 2", "Cell In[3], line 3, in lookup(d)",
        "During handling of the above exception, another exception occurred:", "Cell In[8], line 4"])]
    nb.cells = [shown, fine, bare, chained]
    nbformat.write(nb, tmp_path / "run.ipynb")
    assert series.stopped_cells(tmp_path / "run.ipynb") == [
        "In [5], line 2: assert table.ok, table: AssertionError: a  b ...", "In [7]: KeyboardInterrupt",
        "In [8], line 4: raise ValueError('no x'): ValueError: no x"]
    # no cell shows an error: papermill's own account of it
    nb.cells = [fine]
    nbformat.write(nb, tmp_path / "run.ipynb")
    assert series.stopped_cells(tmp_path / "run.ipynb") == []
    assert series.stopped_cells(tmp_path / "run.ipynb", RuntimeError("the kernel died")) == [
        "RuntimeError: the kernel died"]
