"""Where a translated digit's ink goes wrong, measured against the outline it was drawn from (notebook 06).

An outline (`paired.outline`: dilation minus erosion of the strokes) splits the image into three kinds of
pixel: the **band** (the outline itself: the pixel on each side of every edge of a stroke, so the whole of a stroke
up to two pixels thick), the regions the band **encloses** (pixels off the band that no path off the band links to
the image border: the core of a thick stroke, a hole wide enough to survive the band, or the inside of a loop whose
opening is too narrow to survive it) and the **outside**. A hole of a digit (background that its ink cuts off from
the border) *shows* in the outline when some of its pixels lie in an enclosed region; a hole narrower than the band
lies wholly inside it, and the outline does not mark it at all.

Images are (N, 1, H, W) in [-1, 1]; ink is a pixel above 0, as `paired.outline` thresholds it. Connectivity
is 4-neighbour (scipy's default).
"""

from __future__ import annotations

import numpy as np
import torch
from scipy import ndimage

REGIONS = ("band", "enclosed", "outside")


def _masks(images: torch.Tensor) -> np.ndarray:
    if images.ndim != 4 or images.shape[1] != 1:
        raise ValueError(f"need (N, 1, H, W) images; got {tuple(images.shape)}")
    return images[:, 0].cpu().numpy() > 0


def _enclosed_one(barrier: np.ndarray) -> np.ndarray:
    labels, _ = ndimage.label(~barrier)
    at_border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    return (labels > 0) & ~np.isin(labels, at_border)


def enclosed(barrier: torch.Tensor) -> torch.Tensor:
    """(N, 1, H, W) bool: the pixels off `barrier` (images in [-1, 1], barrier where > 0) that no path off the
    barrier links to the image border."""
    return torch.from_numpy(np.stack([_enclosed_one(b) for b in _masks(barrier)]))[:, None]


def regions(outlines: torch.Tensor) -> dict[str, torch.Tensor]:
    """The band, the regions it encloses and the outside, each an (N, 1, H, W) bool mask; they cover every pixel
    once."""
    band = torch.from_numpy(_masks(outlines))[:, None]
    inside = enclosed(outlines)
    return {"band": band, "enclosed": inside, "outside": ~band & ~inside}


def ink_errors(outputs: torch.Tensor, targets: torch.Tensor, outlines: torch.Tensor) -> dict[str, torch.Tensor]:
    """Per image, the pixels of extra ink (ink where the real digit has none) and of missing ink, in each region
    of the outline: keys 'extra ink, band', 'missing ink, enclosed', ... each an (N,) int tensor."""
    if not outputs.shape == targets.shape == outlines.shape:
        raise ValueError(f"outputs, targets and outlines must have one shape; got {tuple(outputs.shape)}, "
                         f"{tuple(targets.shape)} and {tuple(outlines.shape)}")
    out, real = torch.from_numpy(_masks(outputs))[:, None], torch.from_numpy(_masks(targets))[:, None]
    counts = {}
    for name, where in regions(outlines).items():
        counts[f"extra ink, {name}"] = (out & ~real & where).flatten(1).sum(1)
        counts[f"missing ink, {name}"] = (~out & real & where).flatten(1).sum(1)
    return counts


def holes(digits: torch.Tensor, outlines: torch.Tensor,
          outputs: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
    """Per image, the holes of `digits` (the real digits, or G's translations): 'holes', how many 'shown' in the
    outline (some pixel in a region the outline encloses) and, given translated `outputs`, how many of the digits'
    holes G 'filled' (ink on more than half the hole's pixels) and how many of those the outline did not show
    ('filled, not shown'). Each an (N,) int tensor."""
    real, inside = _masks(digits), enclosed(outlines)[:, 0].numpy()
    ink = _masks(outputs) if outputs is not None else None
    keys = ("holes", "shown") + (("filled", "filled, not shown") if ink is not None else ())
    counts = {key: np.zeros(len(real), dtype=np.int64) for key in keys}
    for i, digit in enumerate(real):
        labels, n = ndimage.label(_enclosed_one(digit))
        for k in range(1, n + 1):
            hole = labels == k
            shown = bool(inside[i][hole].any())
            counts["holes"][i] += 1
            counts["shown"][i] += shown
            if ink is not None and ink[i][hole].mean() > 0.5:
                counts["filled"][i] += 1
                counts["filled, not shown"][i] += not shown
    return {key: torch.from_numpy(value) for key, value in counts.items()}
