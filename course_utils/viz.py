"""Figures for the notebooks. Every function returns a matplotlib Figure and never calls show();
`display_figure` shows one in a notebook and closes it, so no figure is left open."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch


def tile(images: torch.Tensor, nrow: int = 8, padding: int = 2, pad_value: float = 1.0) -> np.ndarray:
    """Arrange (N, C, H, W) images in [-1, 1] into one (rows*H, nrow*W, C) array in [0, 1]

    (what torchvision's make_grid does; written here because torchvision is optional for the course).
    """
    x = ((images.detach().float().cpu().clamp(-1, 1) + 1) / 2).numpy()
    n, c, h, w = x.shape
    rows = -(-n // nrow)
    canvas = np.full((rows * (h + padding) + padding, nrow * (w + padding) + padding, c), pad_value, np.float32)
    for i in range(n):
        r, col = divmod(i, nrow)
        top, left = padding + r * (h + padding), padding + col * (w + padding)
        canvas[top : top + h, left : left + w] = x[i].transpose(1, 2, 0)
    return canvas


def _imshow(ax, canvas: np.ndarray) -> None:
    if canvas.shape[2] == 1:
        ax.imshow(canvas[:, :, 0], cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    else:
        ax.imshow(canvas, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])


def image_grid(images: torch.Tensor, nrow: int = 8, title: str | None = None, row_labels: Sequence[str] | None = None,
               scale: float = 0.6) -> plt.Figure:
    """A grid of images; row_labels name each row (for example the label a conditional GAN was given)."""
    canvas = tile(images, nrow)
    rows = -(-len(images) // nrow)
    fig, ax = plt.subplots(figsize=(max(2.0, nrow * scale), max(1.5, rows * scale)))
    _imshow(ax, canvas)
    if row_labels is not None:
        h = images.shape[-2] + 2
        ax.set_yticks([2 + h * i + h / 2 - 1 for i in range(len(row_labels))], list(row_labels))
        ax.tick_params(left=False)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def snapshot_strip(snapshots: Sequence[tuple[int, torch.Tensor]], count: int = 6, nrow: int = 8) -> plt.Figure:
    """Samples of the fixed latent batch at evenly spaced points of training, left to right: for each of `count`
    evenly spaced steps, the snapshot nearest to it (by step, so that a last snapshot taken a few steps after
    the one before it is not shown twice)."""
    steps = np.array([step for step, _ in snapshots], dtype=float)
    wanted = np.linspace(steps[0], steps[-1], min(count, len(snapshots)))
    picks = np.unique(np.abs(steps[None, :] - wanted[:, None]).argmin(1))
    fig, axes = plt.subplots(1, len(picks), figsize=(2.6 * len(picks), 2.9), squeeze=False)
    for ax, i in zip(axes[0], picks):
        step, images = snapshots[i]
        _imshow(ax, tile(images, nrow))
        ax.set_title(f"step {step}")
    fig.tight_layout()
    return fig


def moving_average_window(length: int, points: int = 60) -> int:
    """The window of a moving average over a `points`-th of a series of `length` (at least 1, which leaves a
    short series raw): a long run's curve and a short one's are then smoothed over the same share of training."""
    return max(1, length // points)


def curves(series: dict[str, Sequence[float]], x: Sequence[float] | None = None, smooth: int | str = 1,
           xlabel: str = "step", ylabel: str = "", title: str | None = None, hlines: dict | None = None,
           ax=None) -> plt.Figure:
    """Named curves on one axis, optionally smoothed by a moving average of `smooth` points; smooth="auto"
    averages each series over a sixtieth of its length (moving_average_window)."""
    if smooth != "auto" and not (isinstance(smooth, int) and smooth >= 1):
        raise ValueError(f"smooth must be a whole number of points (at least 1) or 'auto'; got {smooth!r}")
    fig, ax = (plt.subplots(figsize=(6.4, 3.6)) if ax is None else (ax.figure, ax))
    for name, values in series.items():
        y = np.asarray(values, dtype=float)
        xs = np.arange(1, len(y) + 1) if x is None else np.asarray(x, dtype=float)
        window = moving_average_window(len(y)) if smooth == "auto" else smooth
        if window > 1 and len(y) >= window:
            y = np.convolve(y, np.ones(window) / window, mode="valid")
            xs = xs[window - 1 :]
        ax.plot(xs, y, label=name)
    # reference lines are named in the legend (a label written on the axes would lie across the curves),
    # each in its own dash so that two of them can be told apart
    for (name, value), dash in zip((hlines or {}).items(), itertools.cycle(("--", ":", "-."))):
        ax.axhline(value, ls=dash, lw=1, color="gray", label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if series or hlines:
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def field_2d(value_fn: Callable[[torch.Tensor], torch.Tensor], xlim: tuple, ylim: tuple, *,
             points: dict[str, torch.Tensor] | None = None, arrows: tuple[torch.Tensor, torch.Tensor] | None = None,
             resolution: int = 120, title: str | None = None, cbar_label: str = "", ax=None,
             vmin: float | None = 0.0, vmax: float | None = 1.0) -> plt.Figure:
    """A heat map of value_fn over the plane, scatter plots of `points`, and arrows (positions, vectors).

    value_fn takes an (M, 2) tensor of points and returns M values (for example D's probability of 'real').
    """
    xs, ys = np.linspace(*xlim, resolution), np.linspace(*ylim, resolution)
    gx, gy = np.meshgrid(xs, ys)
    grid = torch.tensor(np.stack([gx.ravel(), gy.ravel()], 1), dtype=torch.float32)
    with torch.no_grad():
        values = value_fn(grid).detach().float().cpu().numpy().reshape(gx.shape)
    fig, ax = (plt.subplots(figsize=(5.2, 4.4)) if ax is None else (ax.figure, ax))
    mesh = ax.pcolormesh(gx, gy, values, cmap="RdBu_r", shading="auto", vmin=vmin, vmax=vmax)
    fig.colorbar(mesh, ax=ax, label=cbar_label)
    for (name, pts), color in zip((points or {}).items(), ["k", "gold", "lime", "m"]):
        p = pts.detach().cpu().numpy()
        ax.scatter(p[:, 0], p[:, 1], s=3, c=color, label=name, alpha=0.6)
    if arrows is not None:
        where, vectors = (t.detach().cpu().numpy() for t in arrows)
        ax.quiver(where[:, 0], where[:, 1], vectors[:, 0], vectors[:, 1], color="k", alpha=0.8,
                  angles="xy", width=0.004)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    if points:
        ax.legend(loc="upper right", fontsize=8, markerscale=3)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def figure_png(fig: plt.Figure, dpi: int = 90) -> bytes:
    """PNG bytes of a figure, which is then closed (what an ipywidgets Image displays)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    return buffer.getvalue()


def display_figure(fig: plt.Figure) -> None:
    """Show a figure in the notebook, then close it so the inline backend does not show it twice."""
    from IPython.display import display

    display(fig)
    plt.close(fig)
