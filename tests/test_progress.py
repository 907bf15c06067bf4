import nbformat
import papermill

from course_utils import progress

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_the_bar_is_off_in_the_quick_profile_and_on_in_the_full_one(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    assert progress.progress_bar(10, "quick").disable
    monkeypatch.setenv("COURSE_PROFILE", "full")
    with progress.progress_bar(10, "full") as bar:
        assert not bar.disable
        bar.update(10)


def test_an_executed_notebook_keeps_no_finished_bar_only_one_that_stopped_short(tmp_path, monkeypatch):
    """A finished job's widget bar would read '0%| 0/5' wherever widgets do not render; one that stopped short
    shows where it stopped."""
    monkeypatch.setenv("COURSE_PROFILE", "full")
    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                 "language": "python"}})
    job = "print('before')\nwith progress_bar(5, 'a job') as bar:\n    bar.update({})\nprint('after')"
    notebook.cells = [nbformat.v4.new_code_cell("from course_utils.progress import progress_bar\n" + job.format(5)),
                      nbformat.v4.new_code_cell(job.format(3))]
    nbformat.write(notebook, tmp_path / "bar.ipynb")
    papermill.execute_notebook(str(tmp_path / "bar.ipynb"), str(tmp_path / "out.ipynb"), progress_bar=False,
                               kernel_name="python3")
    finished, stopped = (cell.outputs for cell in nbformat.read(tmp_path / "out.ipynb", as_version=4).cells)
    for outputs in (finished, stopped):
        assert [o.get("text") for o in outputs if o.output_type == "stream"] == ["before\n", "after\n"]
    assert [o.data for o in finished if o.output_type == "display_data"] == [{}], finished
    [bar] = [o for o in stopped if o.output_type == "display_data"]
    assert WIDGET_VIEW in bar.data and "a job:  60%" in bar.data["text/plain"] and "3/5" in bar.data["text/plain"]
