"""Paired image sets for image-to-image translation (pix2pix), offline first.

Three sources, each behind one function that returns a PairedSet (inputs and targets in [-1, 1]):

- `edges_to_digits`: the input is the outline of an MNIST digit, the target is the digit itself.
  The outline fixes the digit almost completely, so a good translator must get the class right:
  the MNIST judge can check it.
- `procedural_facades`: a label map of a building front (wall, windows, doors, balconies, cornices)
  and a photo-like rendering of it. The renderer draws the wall colour, bricks, lighting, glass
  reflections and sensor noise at random, so the label map does NOT determine the photo: many photos
  fit one label map. That is the situation where an L1 loss alone averages the possibilities into a blur
  and an adversarial loss is needed to stay sharp. Deterministic: the same seed gives the same pixels.
- `load_cmp_facades`: the CMP facades set in pix2pix's side-by-side A|B format when it is under data/.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ..runtime import DATA_ROOT
from .imageset import check_split
from .mnist import load_mnist


@dataclass
class PairedSet:
    inputs: torch.Tensor  # (N, C_in, H, W) float32 in [-1, 1]
    targets: torch.Tensor  # (N, C_out, H, W) float32 in [-1, 1]
    source: str  # where the pairs came from
    split: str
    labels: torch.Tensor | None = None  # (N,) int64 digit classes, where there are any
    label_maps: torch.Tensor | None = None  # (N, H, W) int64 semantic classes, where there are any

    def __len__(self) -> int:
        return len(self.inputs)

    def describe(self) -> str:
        c_in, c_out, size = self.inputs.shape[1], self.targets.shape[1], tuple(self.inputs.shape[2:])
        return (f"{len(self):,} {self.split} pairs from {self.source}: "
                f"{c_in}-channel input -> {c_out}-channel target, {size[0]} x {size[1]}")


# ------------------------------------------------------------------------------------------------
# edges -> digit


def outline(images: torch.Tensor, threshold: float = 0.0, width: int = 1) -> torch.Tensor:
    """The outline of bright strokes in images in [-1, 1]: dilation minus erosion of the stroke mask.

    Returns {-1, 1} images (1 on the outline), the same shape as the input.
    """
    mask = (images > threshold).float()
    k = 2 * width + 1
    dilated = F.max_pool2d(mask, k, stride=1, padding=width)
    eroded = -F.max_pool2d(-mask, k, stride=1, padding=width)
    return (dilated - eroded) * 2 - 1


def edges_to_digits(split: str = "train", size: int = 32, root: Path | str = DATA_ROOT) -> PairedSet:
    """Edge map -> MNIST digit pairs at size x size (digits resized from 28 x 28 with bilinear filtering)."""
    if size < 8:
        raise ValueError(f"size must be at least 8 pixels; got {size}")
    digits = load_mnist(split, root=root)
    targets = digits.images
    if size != targets.shape[-1]:
        targets = F.interpolate(targets, size=(size, size), mode="bilinear", align_corners=False,
                                antialias=size < targets.shape[-1]).clamp(-1, 1)
    return PairedSet(outline(targets), targets.contiguous(), f"edges of {digits.source}", split,
                     labels=digits.labels.clone())


# ------------------------------------------------------------------------------------------------
# label map -> facade (procedural)

FACADE_CLASSES = ("background", "wall", "window", "door", "balcony", "cornice")
# the colour each class has in the input label map (in the spirit of CMP's colour-coded labels)
FACADE_PALETTE = np.array([
    [0, 0, 170],      # background (sky, neighbours)
    [13, 61, 255],    # wall
    [0, 170, 255],    # window
    [255, 170, 0],    # door
    [255, 85, 0],     # balcony
    [170, 255, 85],   # cornice
], dtype=np.float32) / 127.5 - 1.0
_SPLIT_OFFSET = {"train": 0, "test": 1_000_003}


def _facade_layout(rng: np.random.Generator, size: int) -> np.ndarray:
    """A semantic label map (size, size) of one building front."""
    labels = np.ones((size, size), dtype=np.int64)  # all wall
    sky = int(rng.integers(0, size // 8 + 1))
    labels[:sky] = 0
    floors = int(rng.integers(3, 6))
    columns = int(rng.integers(3, 6))
    top = sky + 1
    floor_h = (size - top) / floors
    col_w = size / columns
    win_w = max(2, int(col_w * rng.uniform(0.35, 0.6)))
    win_h = max(3, int(floor_h * rng.uniform(0.45, 0.65)))
    balcony_floors = rng.random(floors) < 0.35
    door_col = int(rng.integers(0, columns))
    for f in range(floors):
        y0 = int(round(top + f * floor_h))
        y1 = int(round(top + (f + 1) * floor_h))
        labels[max(y0 - 1, 0) : y0 + 1] = np.where(labels[max(y0 - 1, 0) : y0 + 1] == 0, 0, 5)  # cornice
        ground = f == floors - 1
        for c in range(columns):
            cx = int(round((c + 0.5) * col_w))
            x0, x1 = cx - win_w // 2, cx - win_w // 2 + win_w
            if ground and c == door_col:
                dw = max(win_w, int(col_w * 0.55))
                labels[y0 + 2 : y1, cx - dw // 2 : cx - dw // 2 + dw] = 3
                continue
            wy0 = y0 + 2 + max(0, (y1 - y0 - 2 - win_h) // 2)
            labels[wy0 : min(wy0 + win_h, y1 - 1), x0:x1] = 2
            if balcony_floors[f] and not ground:
                by = min(wy0 + win_h, y1 - 1)
                labels[max(by - 2, wy0 + 1) : by + 1, max(x0 - 1, 0) : x1 + 1] = 4
    return labels


def _smooth_noise(rng: np.random.Generator, size: int, cells: int) -> np.ndarray:
    """Low-frequency noise in about [-1, 1]: a coarse random grid, bilinearly upsampled."""
    coarse = torch.from_numpy(rng.standard_normal((1, 1, cells, cells)).astype(np.float32))
    return F.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=True)[0, 0].numpy()


def _render_facade(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A photo-like RGB image (3, size, size) in [-1, 1] for one label map; most of its look is random."""
    size = labels.shape[0]
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    img = np.zeros((3, size, size), dtype=np.float32)

    # wall: a random base colour, bricks or stucco, light that falls off across the front
    wall_colours = np.array([[0.80, 0.70, 0.55], [0.70, 0.38, 0.28], [0.62, 0.62, 0.60],
                             [0.85, 0.80, 0.68], [0.55, 0.45, 0.38]], dtype=np.float32)
    base = wall_colours[rng.integers(len(wall_colours))] * rng.uniform(0.85, 1.1) + rng.normal(0, 0.04, 3)
    light = 1.0 + 0.12 * rng.uniform(-1, 1) * (xx - 0.5) + 0.10 * rng.uniform(-1, 1) * (yy - 0.5)
    light = light + 0.05 * _smooth_noise(rng, size, 4)
    texture = np.zeros((size, size), dtype=np.float32)
    if rng.random() < 0.65:  # bricks with a random size and phase
        bh = int(rng.integers(3, 5))
        bw = int(rng.integers(5, 9))
        oy, ox = int(rng.integers(0, bh)), int(rng.integers(0, bw))
        rows = (np.arange(size)[:, None] + oy) // bh
        mortar_y = ((np.arange(size)[:, None] + oy) % bh) == 0
        shift = (rows % 2) * (bw // 2)
        mortar_x = ((np.arange(size)[None, :] + ox + shift) % bw) == 0
        texture = np.where(mortar_y | mortar_x, -rng.uniform(0.10, 0.20), 0.0).astype(np.float32)
        texture += rng.normal(0, 0.03, (size, size)).astype(np.float32)  # brick-to-brick variation
    else:  # stucco
        texture = 0.05 * _smooth_noise(rng, size, size // 4) + rng.normal(0, 0.035, (size, size))
    wall = base[:, None, None] * light[None] + texture[None]
    img[:] = wall

    # sky: a pale blue gradient
    sky = np.array([0.55, 0.70, 0.90], dtype=np.float32) * rng.uniform(0.8, 1.1)
    sky_img = sky[:, None, None] * (1.05 - 0.3 * yy)[None]
    img = np.where(labels[None] == 0, sky_img, img)

    # cornice: lighter than the wall, with a shadow line below
    cornice = np.clip(base * 1.2 + 0.05, 0, 1)[:, None, None] * light[None]
    img = np.where(labels[None] == 5, cornice, img)

    # windows: dark glass with a diagonal reflection of random strength and a lighter frame
    glass = np.array([0.18, 0.22, 0.30], dtype=np.float32) + rng.normal(0, 0.04, 3)
    reflection = rng.uniform(0.0, 0.35) * np.clip(np.sin((xx + yy) * rng.uniform(6, 14) + rng.uniform(0, 6)), 0, 1)
    window_img = glass[:, None, None] + reflection[None] + rng.normal(0, 0.02, (3, size, size))
    window = labels == 2
    inner = window & np.roll(window, 1, 0) & np.roll(window, -1, 0) & np.roll(window, 1, 1) & np.roll(window, -1, 1)
    frame = np.array([0.92, 0.90, 0.85], dtype=np.float32) * rng.uniform(0.7, 1.0)
    img = np.where(inner[None], window_img, np.where(window[None], frame[:, None, None], img))

    # door: wood of a random shade with vertical grain
    wood = np.array([0.40, 0.25, 0.15], dtype=np.float32) * rng.uniform(0.6, 1.3)
    grain = 0.06 * np.sin(xx * size * rng.uniform(1.5, 3.0) + rng.uniform(0, 6))
    img = np.where(labels[None] == 3, wood[:, None, None] + grain[None], img)

    # balcony: a dark railing with bars at a random spacing
    metal = np.array([0.15, 0.15, 0.17], dtype=np.float32) * rng.uniform(0.6, 1.6)
    spacing = int(rng.integers(2, 4))
    bars = ((np.arange(size)[None, :] + int(rng.integers(0, spacing))) % spacing) == 0
    railing = np.where(bars[None], metal[:, None, None], img * 0.7 + 0.3 * metal[:, None, None])
    img = np.where(labels[None] == 4, railing, img)

    # camera: exposure, colour cast and sensor noise
    img = img * rng.uniform(0.85, 1.15) + rng.normal(0, 0.03, (3, 1, 1)) + rng.normal(0, 0.02, img.shape)
    return np.clip(img, 0, 1).astype(np.float32) * 2 - 1


def label_map_image(label_maps: torch.Tensor | np.ndarray) -> torch.Tensor:
    """Colour-code (N, H, W) class indices with FACADE_PALETTE: (N, 3, H, W) in [-1, 1]."""
    maps = torch.as_tensor(np.asarray(label_maps), dtype=torch.int64)
    return torch.from_numpy(FACADE_PALETTE)[maps].permute(0, 3, 1, 2).contiguous()


def procedural_facades(n: int, split: str = "train", size: int = 64, seed: int = 0) -> PairedSet:
    """n label-map -> photo pairs. Pair i depends only on (seed, split, i): deterministic and disjoint
    between the splits."""
    check_split(split)
    if n < 1:
        raise ValueError(f"n must be at least 1; got {n}")
    if size < 32:
        raise ValueError(f"size must be at least 32 pixels for a facade; got {size}")
    maps, photos = [], []
    for i in range(n):
        rng = np.random.default_rng([seed, _SPLIT_OFFSET[split] + i])
        labels = _facade_layout(rng, size)
        maps.append(labels)
        photos.append(_render_facade(labels, rng))
    maps = torch.from_numpy(np.stack(maps))
    return PairedSet(label_map_image(maps), torch.from_numpy(np.stack(photos)),
                     f"procedural facades (seed {seed})", split, label_maps=maps)


# ------------------------------------------------------------------------------------------------
# CMP facades in pix2pix's A|B format

CMP_DIRECTIONS = ("BtoA", "AtoB")
_IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}


def load_cmp_facades(split: str = "train", root: Path | str = DATA_ROOT, direction: str = "BtoA",
                     size: int = 64) -> PairedSet:
    """The CMP facades set as pix2pix distributes it: root/facades/<split>/*.jpg, each image the photo (A)
    and its label map (B) side by side. direction 'BtoA' (labels -> photo, the usual task) or 'AtoB'.

    Images are resized to size x size (bilinear) and scaled to [-1, 1].
    """
    from PIL import Image

    if direction not in CMP_DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(CMP_DIRECTIONS)}; got {direction!r}")
    folder = Path(root) / "facades" / split
    if not folder.is_dir():
        raise FileNotFoundError(
            f"CMP facades not found: {folder} does not exist. Fix: download facades.tar.gz from the pix2pix "
            f"datasets page and unpack it under {Path(root)} (it holds facades/train, facades/val, facades/test), "
            "or use procedural_facades() offline"
        )
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in _IMAGE_SUFFIXES)
    if not files:
        raise FileNotFoundError(f"{folder} holds no .jpg or .png images")
    a_images, b_images = [], []
    for path in files:
        try:
            with Image.open(path) as im:
                pixels = np.asarray(im.convert("RGB"), dtype=np.float32)
        except OSError as err:
            raise ValueError(f"{path} is not a readable image ({err})") from err
        h, w, _ = pixels.shape
        if w != 2 * h:
            raise ValueError(f"{path} is {w} x {h}; a pix2pix A|B pair is twice as wide as it is high")
        x = torch.from_numpy(pixels).permute(2, 0, 1)[None] / 127.5 - 1
        x = F.interpolate(x, size=(size, 2 * size), mode="bilinear", align_corners=False,
                          antialias=size < h)[0]
        a_images.append(x[:, :, :size])
        b_images.append(x[:, :, size:])
    a, b = torch.stack(a_images).clamp(-1, 1), torch.stack(b_images).clamp(-1, 1)
    inputs, targets = (b, a) if direction == "BtoA" else (a, b)
    return PairedSet(inputs.contiguous(), targets.contiguous(), f"CMP facades ({folder}, {direction})", split)
