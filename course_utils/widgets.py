"""ipywidgets panels built from pure render functions, each with a static fallback.

A render function takes the controls' values as keyword arguments and returns a matplotlib Figure. It is
tested directly; the panel only wires it to the controls with `observe`. Every panel cell is followed by
`static_views(...)`, so a notebook read without a kernel (GitHub, nbviewer, a PDF) still shows the idea.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence

import ipywidgets as widgets
import matplotlib.image as mpimg
import matplotlib.pyplot as plt

from .viz import figure_png


def panel(render: Callable[..., plt.Figure], controls: Mapping[str, widgets.ValueWidget],
          css_class: str = "course-panel") -> widgets.VBox:
    """Controls above an image; moving a control re-renders the image.

    Every panel carries the class `course-panel`, and css_class names this one (and `<css_class>-<control
    name>` each control) so a browser test can find them. `box.image.value` is the PNG currently shown.
    """
    image = widgets.Image(format="png")

    def redraw(_change=None):
        image.value = figure_png(render(**{name: c.value for name, c in controls.items()}))

    for name, control in controls.items():
        control.add_class(f"{css_class}-{name}")
        control.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([widgets.HBox(list(controls.values())), image])
    box.add_class("course-panel")
    box.add_class(css_class)
    box.image = image
    return box


def static_views(render: Callable[..., plt.Figure], settings: Sequence[Mapping], titles: Sequence[str] | None = None,
                 width: float = 4.0) -> plt.Figure:
    """The render function at a few chosen settings, side by side in one figure (the panel's fallback)."""
    fig, axes = plt.subplots(1, len(settings), figsize=(width * len(settings), width * 0.8), squeeze=False)
    for ax, setting, title in zip(axes[0], settings, titles or [None] * len(settings)):
        ax.imshow(mpimg.imread(io.BytesIO(figure_png(render(**setting))), format="png"))
        ax.axis("off")
        ax.set_title(title or ", ".join(f"{k}={v}" for k, v in setting.items()), fontsize=9)
    fig.tight_layout()
    return fig
