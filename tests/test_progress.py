import nbformat
import papermill
import pytest

from course_utils import progress

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_the_bar_is_off_in_the_quick_profile_and_on_in_the_full_one(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    assert progress.progress_bar(10, "quick").disable
    monkeypatch.setenv("COURSE_PROFILE", "full")
    with progress.progress_bar(10, "full") as bar:
        assert not bar.disable
        bar.update(10)


@pytest.mark.parametrize("steps, kept", [(5, False), (3, True)])
def test_an_executed_notebook_keeps_no_finished_bar_only_one_that_stopped_short(tmp_path, monkeypatch, steps, kept):
    """A finished job's widget bar would read '0%| 0/5' wherever widgets do not render; one that stopped short
    shows where."""
    monkeypatch.setenv("COURSE_PROFILE", "full")
    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                 "language": "python"}})
    notebook.cells = [nbformat.v4.new_code_cell(
        "from course_utils.progress import progress_bar\n"
        f"print('before')\nwith progress_bar(5, 'a job') as bar:\n    bar.update({steps})\nprint('after')")]
    nbformat.write(notebook, tmp_path / "bar.ipynb")
    papermill.execute_notebook(str(tmp_path / "bar.ipynb"), str(tmp_path / "out.ipynb"), progress_bar=False,
                               kernel_name="python3")
    outputs = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells[0].outputs
    assert [o.get("text") for o in outputs if o.output_type == "stream"] == ["before\n", "after\n"]
    bars = [o for o in outputs if WIDGET_VIEW in o.get("data", {})]
    assert len(bars) == kept, outputs
    assert all(not o.data for o in outputs if o.output_type == "display_data" and o not in bars)
