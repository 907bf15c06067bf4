"""The course's progress bar: one per long job, off in the quick profile, gone once the job is done."""

from __future__ import annotations

from tqdm.auto import tqdm
from tqdm.notebook import tqdm as notebook_tqdm

from .runtime import is_quick


class _ProgressBar(tqdm):
    """tqdm's bar with leave=False; in a notebook its output is emptied when the job finishes.

    A notebook's widget bar with leave=False only hides itself: the executed notebook keeps the output, and
    wherever widgets do not render (GitHub, nbviewer, a benchmark's executed copy) its text reads "0%| 0/400"
    for a job that finished. So the bar is shown under a display id and that output is emptied at the end. A
    bar that stopped short (an error, an interruption) stays, red, where it stopped.
    """

    def __init__(self, *args, **kwargs):
        in_notebook = issubclass(tqdm, notebook_tqdm)
        super().__init__(*args, **(kwargs | {"display": False} if in_notebook else kwargs))
        self._shown = None
        if in_notebook and not self.disable:
            from IPython.display import display

            self._shown = display(self.container, display_id=True)

    def close(self):
        super().close()
        if self._shown is not None:
            # finished: nothing to keep; stopped short: the saved text shows where (it was the first frame's)
            if self.total is None or self.n >= self.total:
                self._shown.update({}, raw=True)
            else:
                self._shown.update(self.container)
            self._shown = None


def progress_bar(total: int, desc: str, initial: int = 0) -> tqdm:
    """The course's one progress bar per long job; off in the quick profile to keep CI logs short."""
    return _ProgressBar(total=total, desc=desc, initial=initial, disable=is_quick(), leave=False, dynamic_ncols=True)
