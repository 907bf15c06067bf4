"""ipywidgets panels built from pure render functions, each with a static fallback.

A render function takes the controls' values as keyword arguments and returns a matplotlib Figure. It is
tested directly; the panel only wires it to the controls with `observe`. Every panel cell is followed by
`static_views(...)`, so a notebook read without a kernel (GitHub, nbviewer, a PDF) still shows the idea.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Mapping, Sequence

import ipywidgets as widgets
import matplotlib.image as mpimg
import matplotlib.pyplot as plt

from .viz import figure_png

PNG_MAGIC = b"\x89PNG"

# Every panel this kernel has built, in order: what `check_extremes` walks through after a notebook has run.
_BUILT: list[widgets.VBox] = []


def panel(render: Callable[..., plt.Figure], controls: Mapping[str, widgets.ValueWidget],
          css_class: str = "course-panel") -> widgets.VBox:
    """Controls above an image; moving a control re-renders the image.

    Every panel carries the class `course-panel`, and css_class names this one (and `<css_class>-<control
    name>` each control) so a browser test can find them. `box.image.value` is the PNG currently shown. The
    control row wraps onto more lines when the page is narrow, rather than scrolling sideways.
    """
    image = widgets.Image(format="png")

    def redraw(_change=None):
        image.value = figure_png(render(**{name: c.value for name, c in controls.items()}))

    for name, control in controls.items():
        control.add_class(f"{css_class}-{name}")
        control.observe(redraw, names="value")
    redraw()
    row = widgets.HBox(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap"))
    row.add_class("course-controls")
    box = widgets.VBox([row, image])
    box.add_class("course-panel")
    box.add_class(css_class)
    box.image, box.controls, box.render = image, dict(controls), render
    _BUILT.append(box)
    return box


def built_panels() -> list[widgets.VBox]:
    """The panels built in this kernel so far, oldest first."""
    return list(_BUILT)


def extremes(control: widgets.ValueWidget) -> list:
    """The values a check has to render for one control: a slider's two ends, every option of a dropdown or
    of toggle buttons (a selection slider's first and last), both states of a checkbox."""
    if isinstance(control, widgets.SelectionSlider):
        return [control.options[0], control.options[-1]] if control.options else []
    if isinstance(control, (widgets.Dropdown, widgets.ToggleButtons, widgets.RadioButtons, widgets.Select)):
        # `options` may hold (label, value) pairs or bare values.
        return [o[1] if isinstance(o, tuple) else o for o in control.options]
    if isinstance(control, (widgets.IntSlider, widgets.FloatSlider)):
        return [control.min, control.max]
    if isinstance(control, (widgets.Checkbox, widgets.ToggleButton)):
        return [False, True]
    raise TypeError(f"widgets.extremes does not know the {type(control).__name__} control; teach it its extremes")


def check_extremes(box: widgets.VBox) -> list[dict]:
    """Call a panel's render function with each control, one at a time, at each of its extremes (the others
    where they stand), then with every control at its first extreme and at its last. Each call must give a
    figure that saves as a PNG, without a warning: a student who moves a slider to its end should see a
    picture, not a traceback or a wall of warnings. Returns the settings rendered."""
    start = {name: c.value for name, c in box.controls.items()}
    ends = {name: extremes(c) for name, c in box.controls.items()}
    settings = [{**start, name: v} for name, values in ends.items() for v in values]
    settings += [{name: values[i] for name, values in ends.items()} for i in (0, -1)]
    for setting in settings:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                png = figure_png(box.render(**setting))
            except Exception as error:
                raise AssertionError(f"the panel {box._dom_classes[-1]} failed at {setting}: {error!r}") from error
        if not png.startswith(PNG_MAGIC):
            raise AssertionError(f"the panel {box._dom_classes[-1]} gave no PNG at {setting}")
    return settings


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
