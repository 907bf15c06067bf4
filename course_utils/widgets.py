"""ipywidgets panels built from pure render functions, each with a static fallback.

A render function takes the controls' values as keyword arguments and returns a matplotlib Figure, or a
Figure and a reading: what the lesson's judge makes of the picture, as {part: text} (the judge's class of a
sample, the residual at a step). It is tested directly; the panel only wires it to the controls with
`observe` and shows the reading as text under the controls, where a browser test can read it. Every panel
cell is followed by `static_views(...)`, so a notebook read without a kernel (GitHub, nbviewer, a PDF) still
shows the idea.
"""

from __future__ import annotations

import html
import io
import re
import textwrap
import warnings
from collections.abc import Callable, Mapping, Sequence

import ipywidgets as widgets
import matplotlib.image as mpimg
import matplotlib.pyplot as plt

from .viz import figure_png

PNG_MAGIC = b"\x89PNG"
PANEL_CLASS = "course-panel"  # every panel's box carries it: the browser tests and the site find panels by it

# Every panel this kernel has built, in order: what `check_extremes` walks through after a notebook has run.
_BUILT: list[widgets.VBox] = []


Reading = Mapping[str, str]


def rendered(result) -> tuple[plt.Figure, dict[str, str]]:
    """A render function's result as (figure, reading); a bare figure has an empty reading."""
    if isinstance(result, plt.Figure):
        return result, {}
    fig, reading = result
    if not isinstance(fig, plt.Figure) or not isinstance(reading, Mapping) or \
            not all(isinstance(k, str) and isinstance(v, str) and v for k, v in reading.items()):
        raise TypeError("a render function returns a Figure, or (Figure, {part: non-empty text}); "
                        f"got {type(fig).__name__} and {reading!r}")
    return fig, dict(reading)


def css_name(part: str) -> str:
    """A reading part's name as it appears in CSS classes: 'L1+cGAN' -> 'l1-cgan'."""
    return re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-")


def panel(render: Callable[..., plt.Figure | tuple[plt.Figure, Reading]],
          controls: Mapping[str, widgets.ValueWidget], css_class: str = PANEL_CLASS,
          changes: Mapping[str, str] | None = None, keeps: Mapping[str, str] | None = None) -> widgets.VBox:
    """Controls, the judge's reading, then the image; moving a control re-renders both.

    `changes` and `keeps` say what the lesson promises of the reading: {control: part} where moving that
    control must change that part of the reading (the label slider changes the class the judge reads), or
    must leave it as it is (the noise slider does not). They are written on the controls as the classes
    `course-changes-<part>` and `course-keeps-<part>`, for the browser test to check in JupyterLab.

    Every panel carries the class `course-panel`, and css_class names this one (and `<css_class>-<control
    name>` each control) so a browser test can find them; each part of the reading is an HTML widget with the
    class `course-reading-<part>`, showing "part: text". `box.image.value` is the PNG currently shown,
    `box.reading` the reading. The control row wraps onto more lines when the page is narrow, rather than
    scrolling sideways.
    """
    promises = {"changes": dict(changes or {}), "keeps": dict(keeps or {})}
    image = widgets.Image(format="png")
    readings = widgets.HBox(layout=widgets.Layout(flex_flow="row wrap", padding="2px 0 4px 10px"))
    readings.add_class("course-readings")
    labels: dict[str, widgets.HTML] = {}

    def redraw(_change=None):
        fig, reading = rendered(render(**{name: c.value for name, c in controls.items()}))
        if list(reading) != list(labels):
            labels.clear()
            for part in reading:
                labels[part] = widgets.HTML(layout=widgets.Layout(margin="0 1.6em 0 0"))
                labels[part].add_class(f"course-reading-{css_name(part)}")
            readings.children = list(labels.values())
        for part, text in reading.items():  # the reading first: when the image changes, the text is new too
            labels[part].value = f"<b>{html.escape(part)}</b>: {html.escape(text)}"
        box.reading = reading
        image.value = figure_png(fig)

    row = widgets.HBox(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap"))
    row.add_class("course-controls")
    box = widgets.VBox([row, readings, image])
    redraw()
    for kind, promised in promises.items():
        for name, part in promised.items():
            if name not in controls:
                raise ValueError(f"{kind}={{{name!r}: ...}} names no control; the controls are {', '.join(controls)}")
            if part not in box.reading:
                raise ValueError(f"{kind}={{{name!r}: {part!r}}}: the reading has no part {part!r}; "
                                 f"its parts are {', '.join(box.reading) or 'none'}")
            controls[name].add_class(f"course-{kind}-{css_name(part)}")
    for name, control in controls.items():
        control.add_class(f"{css_class}-{name}")
        control.observe(redraw, names="value")
    box.add_class(PANEL_CLASS)
    box.add_class(css_class)
    box.image, box.controls, box.render, box.promises = image, dict(controls), render, promises
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
    figure that saves as a PNG, without a warning, and every part of the reading that the panel's promises
    name: a student who moves a slider to its end should see a picture, not a traceback or a wall of
    warnings. Returns the settings rendered."""
    start = {name: c.value for name, c in box.controls.items()}
    ends = {name: extremes(c) for name, c in box.controls.items()}
    settings = [{**start, name: v} for name, values in ends.items() for v in values]
    settings += [{name: values[i] for name, values in ends.items()} for i in (0, -1)]
    promised = {part for kind in box.promises.values() for part in kind.values()}
    for setting in settings:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                fig, reading = rendered(box.render(**setting))
                png = figure_png(fig)
            except Exception as error:
                raise AssertionError(f"the panel {box._dom_classes[-1]} failed at {setting}: {error!r}") from error
        if not png.startswith(PNG_MAGIC):
            raise AssertionError(f"the panel {box._dom_classes[-1]} gave no PNG at {setting}")
        if missing := promised - set(reading):
            raise AssertionError(f"the panel {box._dom_classes[-1]} has no reading of {', '.join(sorted(missing))} "
                                 f"at {setting}, which its changes/keeps promise")
    return settings


def static_views(render: Callable[..., plt.Figure | tuple[plt.Figure, Reading]], settings: Sequence[Mapping],
                 titles: Sequence[str] | None = None, width: float = 4.0) -> plt.Figure:
    """The render function at a few chosen settings, side by side in one figure (the panel's fallback); each
    title is the setting (or the title given) above the reading, if the render gives one."""
    views, headings = [], []
    for setting, title in zip(settings, titles or [None] * len(settings)):
        view, reading = rendered(render(**setting))
        views.append(mpimg.imread(io.BytesIO(figure_png(view)), format="png"))
        lines = [title or ", ".join(f"{k}={v}" for k, v in setting.items()) or "the controls as they start"]
        lines += textwrap.wrap("; ".join(f"{k}: {v}" for k, v in reading.items()), width=int(width * 14))
        headings.append("\n".join(lines))
    title_lines = max(h.count("\n") + 1 for h in headings)  # the titles get room of their own, above the images
    fig, axes = plt.subplots(1, len(settings), figsize=(width * len(settings), width * 0.8 + 0.17 * title_lines),
                             squeeze=False)
    for ax, view, heading in zip(axes[0], views, headings):
        ax.imshow(view)
        ax.axis("off")
        ax.set_title(heading, fontsize=9)
    fig.tight_layout()
    return fig
