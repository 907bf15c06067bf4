import ipywidgets
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from course_utils import viz, widgets

matplotlib.use("Agg")


def test_tile_places_each_image_in_its_cell():
    images = torch.stack([torch.full((1, 4, 4), v) for v in (-1.0, 0.0, 1.0)])
    canvas = viz.tile(images, nrow=2, padding=1, pad_value=0.5)
    assert canvas.shape == (1 + 2 * 5, 1 + 2 * 5, 1)
    assert canvas[1:5, 1:5].max() == 0.0  # -1 maps to black
    assert np.allclose(canvas[1:5, 6:10], 0.5)  # 0 maps to mid grey
    assert canvas[6:10, 1:5].min() == 1.0  # +1 maps to white
    assert np.allclose(canvas[6:10, 6:10], 0.5)  # the empty cell keeps the padding value


def test_the_snapshot_strip_spaces_its_pictures_by_step():
    # notebook 09's face GAN: a snapshot every 1,687 steps and one at the end, two steps after the last of them
    steps = [0, 1687, 3374, 5061, 6748, 6750]
    fig = viz.snapshot_strip([(s, torch.zeros(2, 1, 8, 8)) for s in steps], count=5)
    assert [ax.get_title() for ax in fig.axes] == ["step 0", "step 1687", "step 3374", "step 5061", "step 6750"]
    plt.close(fig)


def test_figures_are_returned_not_shown():
    before = len(plt.get_fignums())
    figs = [
        viz.image_grid(torch.zeros(20, 1, 8, 8), nrow=10, row_labels=["a", "b"], title="t"),
        viz.image_grid(torch.zeros(4, 3, 8, 8), nrow=2),
        viz.snapshot_strip([(0, torch.zeros(4, 1, 8, 8)), (10, torch.ones(4, 1, 8, 8))]),
        viz.curves({"loss": np.linspace(1, 0, 50)}, smooth=5, hlines={"target": 0.5}),
        viz.field_2d(lambda p: torch.sigmoid(p[:, 0]), (-2, 2), (-2, 2), points={"fake": torch.randn(10, 2)},
                     arrows=(torch.zeros(3, 2), torch.ones(3, 2)), resolution=20),
    ]
    assert all(isinstance(f, plt.Figure) for f in figs)
    assert len(plt.get_fignums()) == before + len(figs)
    png = viz.figure_png(figs[0])
    assert png.startswith(b"\x89PNG") and len(plt.get_fignums()) == before + len(figs) - 1
    for f in figs[1:]:
        plt.close(f)


def test_auto_smoothing_averages_over_a_sixtieth_of_any_run():
    # a run of 6,750 steps and one of 150 are both averaged over a sixtieth of their length; a short one stays raw
    for length, points in ((6750, 6750 - 112 + 1), (150, 150 - 2 + 1), (40, 40)):
        fig = viz.curves({"loss": np.arange(length, dtype=float)}, smooth="auto")
        (line,) = fig.axes[0].get_lines()
        assert len(line.get_ydata()) == points, length
        plt.close(fig)
    assert viz.moving_average_window(6750) == 112 and viz.moving_average_window(30, points=50) == 1


@pytest.mark.parametrize("smooth", [0, -3, 2.5, "yes"])
def test_curves_refuses_a_window_that_is_not_a_count(smooth):
    with pytest.raises(ValueError, match="smooth"):
        viz.curves({"loss": [1.0, 2.0]}, smooth=smooth)


def test_field_2d_evaluates_the_function_on_the_grid():
    seen = []
    fig = viz.field_2d(lambda p: seen.append(p) or p[:, 0] * 0, (0, 1), (0, 2), resolution=11)
    grid = seen[0]
    assert grid.shape == (121, 2) and grid[:, 0].min() == 0 and grid[:, 1].max() == 2
    plt.close(fig)


def render_square(size, colour="red"):
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.add_patch(plt.Rectangle((0, 0), size, size, color=colour))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    return fig


def test_panel_redraws_when_a_control_moves():
    slider = ipywidgets.IntSlider(value=2, min=1, max=9)
    box = widgets.panel(render_square, {"size": slider}, css_class="t-panel")
    first = bytes(box.image.value)
    assert first.startswith(b"\x89PNG")
    slider.value = 8
    assert bytes(box.image.value) != first
    assert {"course-panel", "t-panel"} <= set(box._dom_classes)
    assert "t-panel-size" in slider._dom_classes


def test_static_views_shows_each_setting():
    fig = widgets.static_views(render_square, [{"size": 2}, {"size": 8, "colour": "blue"}])
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["size=2", "size=8, colour=blue"]
    plt.close(fig)


def test_extremes_of_each_kind_of_control():
    assert widgets.extremes(ipywidgets.IntSlider(value=3, min=1, max=9)) == [1, 9]
    assert widgets.extremes(ipywidgets.FloatSlider(value=0.0, min=-3.0, max=3.0)) == [-3.0, 3.0]
    assert widgets.extremes(ipywidgets.SelectionSlider(options=[10, 20, 30], value=20)) == [10, 30]
    dropdown = ipywidgets.Dropdown(options=[("small", 1), ("large", 5)], value=5)
    assert widgets.extremes(dropdown) == [1, 5]
    assert widgets.extremes(ipywidgets.ToggleButtons(options=["a", "b", "c"])) == ["a", "b", "c"]
    assert widgets.extremes(ipywidgets.Checkbox(value=True)) == [False, True]
    with pytest.raises(TypeError, match="Text control"):
        widgets.extremes(ipywidgets.Text())


def test_check_extremes_renders_each_end_and_both_corners():
    seen = []

    def render(size, colour):
        seen.append((size, colour))
        return render_square(size, colour)

    box = widgets.panel(render, {"size": ipywidgets.IntSlider(value=4, min=1, max=9),
                                 "colour": ipywidgets.Dropdown(options=["red", "blue"], value="blue")})
    seen.clear()
    settings = widgets.check_extremes(box)
    assert seen == [(1, "blue"), (9, "blue"), (4, "red"), (4, "blue"), (1, "red"), (9, "blue")]
    assert settings == [{"size": s, "colour": c} for s, c in seen]
    assert box in widgets.built_panels()


def test_check_extremes_fails_where_a_render_breaks_or_warns():
    def breaks_at_the_end(size):
        if size == 9:
            raise ValueError("too big")
        return render_square(size)

    def warns_at_the_start(size):
        if size == 1:
            np.log(np.zeros(1))  # RuntimeWarning: divide by zero
        return render_square(size)

    for render, wanted in ((breaks_at_the_end, "too big"), (warns_at_the_start, "divide by zero")):
        box = widgets.panel(render, {"size": ipywidgets.IntSlider(value=4, min=1, max=9)}, css_class="t-broken")
        with pytest.raises(AssertionError, match=f"t-broken failed at .*{wanted}"):
            widgets.check_extremes(box)


def test_the_control_row_wraps_rather_than_scrolls():
    box = widgets.panel(render_square, {"size": ipywidgets.IntSlider(value=2, min=1, max=9)})
    row = box.children[0]
    assert row.layout.flex_flow == "row wrap" and "course-controls" in row._dom_classes


def render_judged_square(size, colour="red"):
    """A square and what a judge of it would read: its area (from size) and its colour."""
    return render_square(size, colour), {"area": f"{size * size} cells", "colour": colour}


def test_the_reading_is_shown_beside_the_image_and_follows_the_controls():
    size, colour = ipywidgets.IntSlider(value=2, min=1, max=9), ipywidgets.Dropdown(options=["red", "blue"])
    box = widgets.panel(render_judged_square, {"size": size, "colour": colour}, css_class="t-judged",
                        changes={"size": "area"}, keeps={"colour": "area"})
    readings = box.children[1]
    assert "course-readings" in readings._dom_classes
    assert [label.value for label in readings.children] == ["<b>area</b>: 4 cells", "<b>colour</b>: red"]
    assert [label._dom_classes for label in readings.children] == [("course-reading-area",), ("course-reading-colour",)]
    size.value = 3
    assert readings.children[0].value == "<b>area</b>: 9 cells" and box.reading == {"area": "9 cells", "colour": "red"}
    assert {"course-changes-area", "t-judged-size"} <= set(size._dom_classes)
    assert {"course-keeps-area", "t-judged-colour"} <= set(colour._dom_classes)


def test_promises_must_name_a_control_and_a_part_of_the_reading():
    with pytest.raises(ValueError, match="names no control; the controls are size"):
        widgets.panel(render_judged_square, {"size": ipywidgets.IntSlider(2, 1, 9)}, changes={"label": "area"})
    with pytest.raises(ValueError, match="no part 'class'; its parts are area, colour"):
        widgets.panel(render_judged_square, {"size": ipywidgets.IntSlider(2, 1, 9)}, keeps={"size": "class"})
    with pytest.raises(ValueError, match="its parts are none"):
        widgets.panel(render_square, {"size": ipywidgets.IntSlider(2, 1, 9)}, keeps={"size": "area"})


def test_a_render_returns_a_figure_or_a_figure_and_its_reading():
    with pytest.raises(TypeError, match="non-empty text"):
        widgets.panel(lambda size: (render_square(size), {"area": size}), {"size": ipywidgets.IntSlider(2, 1, 9)})
    with pytest.raises(TypeError, match="non-empty text"):
        widgets.panel(lambda size: (render_square(size), {"area": ""}), {"size": ipywidgets.IntSlider(2, 1, 9)})
    assert widgets.css_name("L1+cGAN") == "l1-cgan" and widgets.css_name("D(fake)") == "d-fake"


def test_check_extremes_fails_where_a_promised_reading_goes_missing():
    def loses_its_area(size):
        fig, reading = render_judged_square(size)
        return fig, {k: v for k, v in reading.items() if size < 9 or k != "area"}

    box = widgets.panel(loses_its_area, {"size": ipywidgets.IntSlider(4, 1, 9)}, css_class="t-lost",
                        changes={"size": "area"})
    with pytest.raises(AssertionError, match=r"t-lost has no reading of area at \{'size': 9\}"):
        widgets.check_extremes(box)


def test_static_views_print_the_reading_under_the_setting():
    fig = widgets.static_views(render_judged_square, [{"size": 2}, {"size": 3, "colour": "blue"}], titles=[None, "big"])
    assert [ax.get_title() for ax in fig.axes] == ["size=2\narea: 4 cells; colour: red",
                                                   "big\narea: 9 cells; colour: blue"]
    plt.close(fig)
    fig = widgets.static_views(lambda size=2: render_square(size), [{}])
    assert fig.axes[0].get_title() == "the controls as they start"
    plt.close(fig)


def test_reference_lines_are_named_in_the_legend_in_dashes_of_their_own():
    # a name written on the axes lay across the curves; in the legend it cannot, and two lines stay apart
    fig = viz.curves({"loss": np.linspace(2, 0, 50)}, hlines={"equilibrium": 1.386, "bar": 0.9})
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["loss", "equilibrium", "bar"]
    dashes = {line.get_label(): line.get_linestyle() for line in ax.get_lines()}
    assert dashes["equilibrium"] != dashes["bar"] and not ax.texts
    plt.close(fig)
