"""Faces, offline first: a procedural face renderer with known identities and attributes, and CelebA.

The renderer draws small RGB portraits (32 x 32 by default, 64 x 64 or any size from 16 up on request)
from a seed, deterministically. Two kinds of factor decide a face:

- the **identity**, fixed for an identity id: face shape (width, height, jaw), skin tone, eye spacing,
  eye size, eye colour, eyebrow weight, nose length, mouth width and hair style;
- the **attributes**, free for every image: pose (left / frontal / right), expression (neutral /
  smiling), lighting (from the left / even / from the right), eyeglasses and hair colour.

A little nuisance (position, scale, background and shirt colour) varies from image to image, as it does
in any photograph. Besides the picture the renderer can return a semantic label map (skin, hair, eyes,
...), which is what a pix2pix "label map -> face" set needs.

The attribute schema lives here, once: `ATTRIBUTES` (names and values), the named column indices (`POSE`,
`SMILING`, ...), and the one coding the models, the judges and the losses share (`attribute_vector` in,
`predict_attributes` out). `course_utils.data.celeba` reads CelebA into the same `FaceSet`: images in
[-1, 1], integer attributes (N, A) and identity ids.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from .imageset import ImageSet, check_split

# Bump when the drawing changes: cached face judges are keyed by it and then retrained.
RENDERER_VERSION = 1


@dataclass(frozen=True)
class Attribute:
    name: str
    values: tuple  # names of the values; two values make a binary attribute (0 = absent, 1 = present)

    @property
    def binary(self) -> bool:
        return len(self.values) == 2


ATTRIBUTES = (
    Attribute("pose", ("left", "frontal", "right")),
    Attribute("smiling", ("no", "yes")),
    Attribute("lighting", ("left", "even", "right")),
    Attribute("eyeglasses", ("no", "yes")),
    Attribute("hair_colour", ("black", "brown", "blond", "red")),
)
ATTRIBUTE_NAMES = tuple(a.name for a in ATTRIBUTES)
ATTRIBUTE_SIZES = tuple(len(a.values) for a in ATTRIBUTES)  # what the models take: 2 means binary
POSE, SMILING, LIGHTING, EYEGLASSES, HAIR_COLOUR = range(len(ATTRIBUTES))  # column indices, by name
FRONTAL, EVEN_LIGHT = ATTRIBUTES[POSE].values.index("frontal"), ATTRIBUTES[LIGHTING].values.index("even")
HAIR_STYLES = ("short", "long", "fringe", "curly")
SEGMENT_NAMES = ("background", "skin", "hair", "eye", "eyebrow", "nose", "mouth", "glasses", "neck", "clothes")


def attribute_vector(attributes: torch.Tensor, attribute_set: Sequence[Attribute] = ATTRIBUTES) -> torch.Tensor:
    """Integer attributes (N, A) -> the float vector G and D are given: one entry per binary attribute,
    one-hot blocks for categorical ones (pose, lighting, hair colour)."""
    attributes = torch.as_tensor(attributes)
    parts = []
    for j, attribute in enumerate(attribute_set):
        column = attributes[:, j].long()
        if attribute.binary:
            parts.append(column.float().unsqueeze(1))
        else:
            parts.append(torch.nn.functional.one_hot(column, len(attribute.values)).float())
    return torch.cat(parts, 1)


def vector_width(sizes: Sequence[int]) -> int:
    """Entries of the attribute vector and of the attribute logits: 1 per binary attribute, k per k-way one."""
    return sum(1 if k == 2 else k for k in sizes)


def split_logits(logits: torch.Tensor, sizes: Sequence[int]) -> list[torch.Tensor]:
    """Cut (N, vector_width) logits into one block per attribute: (N, 1) for binary, (N, k) for categorical."""
    return list(torch.split(logits, [1 if k == 2 else k for k in sizes], dim=1))


def predict_attributes(logits: torch.Tensor, sizes: Sequence[int]) -> torch.Tensor:
    """Integer attributes (N, A) from logits: logit > 0 for binary, argmax for categorical."""
    columns = [(block.squeeze(1) > 0).long() if k == 2 else block.argmax(1)
               for block, k in zip(split_logits(logits, sizes), sizes)]
    return torch.stack(columns, 1)


def attribute_confidence(logits: torch.Tensor, sizes: Sequence[int]) -> torch.Tensor:
    """(N, A): the probability the logits give the value `predict_attributes` reads, per attribute.

    max(p, 1 - p) for a binary attribute, the largest softmax share for a categorical one: 1 is sure,
    0.5 (binary) or 1 / k (k-way) is a coin toss.
    """
    columns = []
    for block, k in zip(split_logits(logits, sizes), sizes):
        if k == 2:
            p = torch.sigmoid(block.squeeze(1))
            columns.append(torch.maximum(p, 1 - p))
        else:
            columns.append(block.softmax(1).max(1).values)
    return torch.stack(columns, 1)


@dataclass
class FaceSet:
    images: torch.Tensor  # (N, 3, H, W) float32 in [-1, 1]
    attributes: torch.Tensor  # (N, A) int64, column j indexes attribute_set[j].values
    identities: torch.Tensor  # (N,) int64; -1 where the identity is unknown
    attribute_set: tuple  # the Attribute of each column
    source: str
    segments: torch.Tensor | None = None  # (N, H, W) int64 indexes into SEGMENT_NAMES, when asked for

    def __len__(self) -> int:
        return len(self.images)

    @property
    def attribute_names(self) -> tuple:
        return tuple(a.name for a in self.attribute_set)

    def vectors(self) -> torch.Tensor:
        return attribute_vector(self.attributes, self.attribute_set)

    def describe(self) -> str:
        n_ids = len(torch.unique(self.identities[self.identities >= 0]))
        size = "x".join(map(str, self.images.shape[-2:]))
        return (f"{len(self):,} faces ({size}) of {n_ids:,} identities from {self.source}; "
                f"attributes: {', '.join(self.attribute_names)}")


# --------------------------------------------------------------------------------------------------------
# The renderer. Every part of a face is a soft mask (N, H, W) painted over what is below it, so a batch of
# faces is drawn with array operations only, and edges are anti-aliased by a one-pixel ramp.
# Coordinates: x to the right, y downwards, the image spans [-1, 1] in both.

SKIN_TONES = np.array([[0.98, 0.85, 0.74], [0.93, 0.76, 0.62], [0.83, 0.64, 0.48], [0.68, 0.49, 0.34],
                       [0.52, 0.36, 0.24], [0.38, 0.26, 0.18]])
HAIR_COLOURS = np.array([[0.09, 0.07, 0.07], [0.40, 0.24, 0.12], [0.93, 0.78, 0.42], [0.72, 0.26, 0.10]])
EYE_COLOURS = np.array([[0.25, 0.15, 0.08], [0.20, 0.40, 0.70], [0.25, 0.50, 0.30], [0.10, 0.08, 0.08]])


def identity_traits(identities: Sequence[int], seed: int = 0) -> dict[str, np.ndarray]:
    """The traits of each identity id: the same id (and seed) always gives the same person."""
    rows = []
    for identity in np.asarray(identities, dtype=np.int64):
        rng = np.random.default_rng([seed, 7919, int(identity)])
        tone = rng.uniform(0, len(SKIN_TONES) - 1)
        low = int(np.floor(tone))
        skin = SKIN_TONES[low] + (tone - low) * (SKIN_TONES[min(low + 1, len(SKIN_TONES) - 1)] - SKIN_TONES[low])
        rows.append({
            "face_w": rng.uniform(0.40, 0.54), "face_h": rng.uniform(0.54, 0.66), "jaw": rng.uniform(0.0, 0.35),
            "skin": skin, "eye_gap": rng.uniform(0.15, 0.24), "eye_size": rng.uniform(0.85, 1.2),
            "eye_y": rng.uniform(-0.14, -0.04), "eye_colour": EYE_COLOURS[rng.integers(len(EYE_COLOURS))],
            "brow": rng.uniform(0.025, 0.05), "nose": rng.uniform(0.12, 0.22), "mouth_w": rng.uniform(0.12, 0.2),
            "hair_style": rng.integers(len(HAIR_STYLES)), "hair_shade": rng.uniform(0.85, 1.1),
        })
    return {key: np.array([r[key] for r in rows]) for key in rows[0]}


def _cover(distance: np.ndarray, pixel: float) -> np.ndarray:
    """Coverage of a pixel by a shape, from the signed distance to its edge (negative inside)."""
    return np.clip(0.5 - distance / pixel, 0.0, 1.0)


def _ellipse(x, y, cx, cy, a, b):
    """Approximate signed distance to an ellipse with centre (cx, cy) and half-axes a, b."""
    return (np.sqrt(((x - cx) / a) ** 2 + ((y - cy) / b) ** 2) - 1.0) * np.minimum(a, b)


def _col(v):
    """(N,) -> (N, 1, 1) so per-face numbers broadcast over the pixel grid."""
    return np.asarray(v, dtype=np.float32)[:, None, None]


class _Canvas:
    def __init__(self, n: int, size: int):
        self.rgb = np.zeros((n, 3, size, size), dtype=np.float32)  # channels first: long runs of pixels
        self.segments = np.zeros((n, size, size), dtype=np.int64)

    def paint(self, mask: np.ndarray, colour: np.ndarray, segment: int) -> None:
        """rgb * (1 - mask) + colour * mask in place; a float64 mask makes the canvas float64, as the sum would."""
        m = mask[:, None]
        colour = np.asarray(colour, dtype=np.float32)
        colour = colour[:, :, None, None] if colour.ndim == 2 else colour[:, None, None]
        dtype = np.result_type(self.rgb, m)
        if self.rgb.dtype != dtype:
            self.rgb = self.rgb.astype(dtype)
        self.rgb *= 1 - m
        self.rgb += colour * m
        self.segments[mask > 0.5] = segment


def render(identities: Sequence[int], attributes: np.ndarray, *, seed: int = 0, size: int = 32,
           nuisance_seed: int | None = None, segments: bool = False):
    """Draw one face per row: identity ids (N,) and integer attributes (N, 5) in ATTRIBUTES' order.

    Returns images (N, 3, size, size) float32 in [-1, 1], and with segments=True also the label map
    (N, size, size) int64 (indexes into SEGMENT_NAMES). `nuisance_seed` draws the per-image position,
    scale, background and shirt colour (it defaults to a value derived from `seed`).
    """
    if size < 16:
        raise ValueError(f"size must be at least 16 pixels; got {size}")
    attributes = np.asarray(attributes, dtype=np.int64)
    identities = np.asarray(identities, dtype=np.int64)
    n = len(identities)
    if attributes.shape != (n, len(ATTRIBUTES)):
        raise ValueError(f"attributes must be ({n}, {len(ATTRIBUTES)}) for {n} identities; got {attributes.shape}")
    for j, attribute in enumerate(ATTRIBUTES):
        if n and (attributes[:, j].min() < 0 or attributes[:, j].max() >= len(attribute.values)):
            raise ValueError(f"attribute {attribute.name} takes values 0..{len(attribute.values) - 1} "
                             f"({', '.join(attribute.values)}); got {sorted(set(attributes[:, j].tolist()))}")
    traits = identity_traits(identities, seed)
    rng = np.random.default_rng([seed, 104729] if nuisance_seed is None else [seed, 104729, nuisance_seed])
    nuisance = {"shift_x": rng.uniform(-0.06, 0.06, n), "shift_y": rng.uniform(-0.05, 0.07, n),
                "scale": rng.uniform(0.93, 1.07, n)}
    nuisance["background"] = rng.uniform(0.25, 0.85, (n, 3)) * rng.uniform(0.6, 1.0, (n, 1))
    nuisance["shirt"] = rng.uniform(0.1, 0.9, (n, 3))
    images = torch.empty((n, 3, size, size))
    labels = torch.empty((n, size, size), dtype=torch.int64) if segments else None  # 8 bytes a pixel: only if asked
    # Faces are drawn 128 at a time so that the canvas stays in the processor's cache. Each face is drawn on its
    # own, so the pixels do not depend on the blocks (tests/test_faces.py checks it).
    for start in range(0, n, _FACES_AT_ONCE):
        part = slice(start, start + _FACES_AT_ONCE)
        images[part], block_labels = _draw({k: v[part] for k, v in traits.items()}, attributes[part],
                                           {k: v[part] for k, v in nuisance.items()}, size)
        if segments:
            labels[part] = block_labels
    return (images, labels) if segments else images


_FACES_AT_ONCE = 128


def _draw(t: dict, attributes: np.ndarray, nuisance: dict, size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The faces of `render`, with their identities' traits, attributes and per-picture nuisance given."""
    n = len(attributes)
    pose, smile, light, glasses, hair_colour = (attributes[:, j] for j in range(len(ATTRIBUTES)))
    shift_x, shift_y, scale = nuisance["shift_x"], nuisance["shift_y"], nuisance["scale"]
    background, shirt = nuisance["background"], nuisance["shirt"]

    pixel = 2.0 / size
    grid = ((np.arange(size) + 0.5) * pixel - 1.0).astype(np.float32)
    # Work in face coordinates: translate and scale the grid instead of every shape.
    x = (grid[None, None, :] - _col(shift_x)) / _col(scale)
    y = (grid[None, :, None] - _col(shift_y)) / _col(scale)
    x, y = np.broadcast_to(x, (n, size, size)), np.broadcast_to(y, (n, size, size))
    px = pixel / _col(scale)

    canvas = _Canvas(n, size)
    vertical = 0.85 + 0.3 * (y + 1) / 2  # the background darkens towards the bottom
    canvas.rgb = (background[:, :, None, None] * vertical[:, None]).astype(np.float32)

    fw, fh, cy = _col(t["face_w"]), _col(t["face_h"]), -0.12
    turn = _col(pose - 1)  # -1 looks left, 0 frontal, +1 looks right
    hair = np.clip(HAIR_COLOURS[hair_colour] * t["hair_shade"][:, None], 0, 1)
    style = t["hair_style"]
    skin = t["skin"]
    is_style = {name: _col(style == i) for i, name in enumerate(HAIR_STYLES)}

    # hair behind the head: long hair falls to the shoulders, curly hair is a wide round mass
    long_back = _cover(_ellipse(x, y, 0.0, cy + 0.25, fw * 1.38, fh * 1.25), px) * (y > cy - 0.2)
    curly_back = _cover(_ellipse(x, y, 0.0, cy - 0.12, fw * 1.5, fh * 1.15), px)
    canvas.paint(long_back * is_style["long"] + curly_back * is_style["curly"], hair, 2)
    # shoulders in a shirt, then the neck
    canvas.paint(_cover(_ellipse(x, y, 0.0, 1.22, 0.95, 0.55), px), shirt, 9)
    neck = _cover(np.maximum(np.abs(x) - fw * 0.5, y - 0.85), px) * (y > cy)
    canvas.paint(neck, skin * 0.8, 8)

    # the face: an ellipse whose lower half narrows towards the jaw
    narrowing = 1.0 - _col(t["jaw"]) * np.clip((y - cy) / fh, 0, 1) ** 2
    face = _cover(_ellipse(x / narrowing, y, 0.0, cy, fw, fh), px)
    # ears: both when frontal, only the one on the far side when the head is turned
    ear_y = cy + _col(t["eye_y"]) + 0.08
    for side in (-1, 1):
        visible = (turn == 0) | (turn == -side)
        ear = _cover(_ellipse(x, y, side * fw * 1.0 - turn * 0.06, ear_y, 0.08, 0.13), px) * visible
        canvas.paint(ear, skin * 0.88, 1)
    canvas.paint(face, skin, 1)

    # features move sideways when the head turns, and the far eye is foreshortened
    fx = turn * fw * 0.4
    eye_y = cy + _col(t["eye_y"])
    gap = _col(t["eye_gap"])
    eye_size = _col(t["eye_size"])
    brow_colour = hair * 0.55 + 0.05
    eyes = []
    for side in (-1, 1):
        squash = np.where(turn == side, 1.0, np.where(turn == 0, 1.0, 0.72))
        ex = fx + side * gap * np.where(turn == 0, 1.0, 0.85)
        ew, eh = 0.085 * eye_size * squash, 0.05 * eye_size
        eyes.append((ex, ew, eh))
        canvas.paint(_cover(_ellipse(x, y, ex, eye_y, ew, eh), px), np.array([0.96, 0.96, 0.94]), 3)
        iris = _cover(_ellipse(x, y, ex + turn * ew * 0.35, eye_y, 0.045 * eye_size * squash, 0.045 * eye_size),
                      px) * _cover(_ellipse(x, y, ex, eye_y, ew, eh), px)
        canvas.paint(iris, t["eye_colour"], 3)
        brow_y = eye_y - 0.1 * eye_size - 0.01
        brow = _cover(np.maximum(np.abs(y - brow_y + 0.5 * (x - ex) ** 2) - _col(t["brow"]),
                                 np.abs(x - ex) - ew * 1.15), px)
        canvas.paint(brow, brow_colour, 4)

    # nose: a shaded ridge frontal, a wedge pointing the way the head turns in profile-ish poses
    nose_top, nose_len = eye_y + 0.04, _col(t["nose"])
    nose_y = np.clip((y - nose_top) / nose_len, 0, 1)
    ridge = np.maximum(np.abs(x - fx - turn * 0.09 * nose_y) - (0.025 + 0.05 * nose_y ** 3),
                       np.maximum(nose_top - y, y - nose_top - nose_len))
    canvas.paint(_cover(ridge, px) * 0.55, skin * 0.62, 5)
    nostril = _cover(_ellipse(x, y, fx + turn * 0.07, nose_top + nose_len, 0.065, 0.028), px)
    canvas.paint(nostril * 0.7, skin * 0.5, 5)

    # mouth: a closed line when neutral; wider, curved upward and open with teeth when smiling
    smiling = _col(smile)
    mouth_y = nose_top + nose_len + 0.13
    mw = _col(t["mouth_w"]) * (1.0 + 0.3 * smiling) * np.where(turn == 0, 1.0, 0.85)
    u = (x - fx - turn * 0.03) / mw
    inside = np.abs(u) < 1
    lips = np.array([0.70, 0.30, 0.30]) * 0.6 + skin * 0.4
    upper = mouth_y - 0.03 * (1 - smiling) + smiling * (0.06 * u ** 2 - 0.02)
    lower = mouth_y + 0.03 * (1 - smiling) + smiling * (0.13 * (1 - u ** 2) - 0.01 + 0.06 * u ** 2)
    lip_shape = np.maximum(np.maximum(upper - y, y - lower), np.abs(u) * mw - mw)
    canvas.paint(_cover(lip_shape, px) * inside, lips, 6)
    opening = np.maximum(np.maximum(upper + 0.02 - y, y - lower + 0.025), (np.abs(u) - 0.85) * mw)
    canvas.paint(_cover(opening, px) * smiling, np.array([0.35, 0.05, 0.08]), 6)
    teeth = np.maximum(np.maximum(upper + 0.02 - y, y - (upper + 0.06)), (np.abs(u) - 0.7) * mw)
    canvas.paint(_cover(teeth, px) * smiling, np.array([0.97, 0.96, 0.9]), 6)

    # hair on top of the head, by style
    crown = _cover(_ellipse(x, y, -turn * 0.05, cy - 0.03, fw * 1.1, fh * 1.08), px)
    hairline = cy - fh * 0.48 + 0.06 * np.abs(x) / fw
    short = crown * _cover(y - hairline, px)
    fringe = crown * _cover(y - (eye_y - 0.16 - 0.03 * np.cos(9 * x)), px)
    long_top = crown * _cover(y - (hairline + 0.1 * (np.abs(x) / fw) ** 2), px)
    sides = _cover(np.maximum(np.abs(np.abs(x + turn * 0.05) - fw) - 0.08, y - (cy + 0.25)), px) * (y > cy - fh * 0.5)
    curls = crown * _cover(y - hairline - 0.04 * np.cos(14 * x), px)
    top = (short * is_style["short"] + fringe * is_style["fringe"] + np.maximum(long_top, sides) * is_style["long"]
           + curls * is_style["curly"])
    canvas.paint(np.clip(top, 0, 1), hair, 2)

    # eyeglasses: two rims, a bridge and the arms towards the ears
    frame = np.array([0.06, 0.06, 0.08])
    rims = np.zeros_like(x)
    for ex, ew, _eh in eyes:
        ring = np.abs(_ellipse(x, y, ex, eye_y, ew + 0.06, 0.105 * eye_size)) - 0.018
        rims = np.maximum(rims, _cover(ring, px))
    left_rim, right_rim = eyes[0][0] + eyes[0][1] + 0.06, eyes[1][0] - eyes[1][1] - 0.06
    bridge = _cover(np.maximum(np.abs(y - eye_y + 0.02) - 0.016, np.maximum(left_rim - x, x - right_rim)), px)
    arms = _cover(np.maximum(np.abs(y - eye_y + 0.03) - 0.016, np.abs(x) - fw), px) * (face > 0.5)
    arms = arms * ((x < eyes[0][0] - eyes[0][1]) | (x > eyes[1][0] + eyes[1][1]))
    canvas.paint(np.maximum(rims, np.maximum(bridge, arms)) * _col(glasses), frame, 7)

    # lighting: a key light from one side darkens the other side of the head (not the background)
    foreground = np.isin(canvas.segments, (1, 2, 3, 4, 5, 6, 7, 8))
    direction = _col(light - 1)  # -1 lit from the left, 0 even, +1 lit from the right
    shade = 1.0 + direction * np.clip(x / (fw * 1.1), -1, 1) * 0.45 - np.abs(direction) * 0.05
    shade = np.where(foreground, shade, 1.0)
    rgb = np.clip(canvas.rgb * shade[:, None], 0, 1)
    return torch.from_numpy((rgb * 2 - 1).astype(np.float32)), torch.from_numpy(canvas.segments)


def random_attributes(n: int, rng: np.random.Generator) -> np.ndarray:
    """Attributes drawn independently and uniformly, so no attribute predicts another or the identity."""
    return np.stack([rng.integers(len(a.values), size=n) for a in ATTRIBUTES], 1)


def balanced_attributes(n: int) -> torch.Tensor:
    """n attribute rows (N, A) cycling through every combination, so each value appears equally often."""
    combos = torch.tensor(list(itertools.product(*[range(len(a.values)) for a in ATTRIBUTES])))
    return combos[torch.arange(n) % len(combos)]


def sample_faces(n: int, *, identities: int | Sequence[int] = 1000, seed: int = 0, size: int = 32,
                 segments: bool = False, chunk: int = 2000, stream: int = 0) -> FaceSet:
    """n rendered faces with uniformly random attributes.

    identities: how many identities to draw from (ids 0 .. identities-1, each used about equally often),
    or an explicit list of ids. The same (n, identities, seed, size, stream) always gives the same faces;
    a different `stream` gives other pictures of the same people.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1; got {n}")
    pool = np.arange(identities) if isinstance(identities, int) else np.asarray(identities, dtype=np.int64)
    if len(pool) == 0:
        raise ValueError("identities must name at least one identity")
    rng = np.random.default_rng([seed, 31337, stream])
    ids = pool[rng.permutation(np.resize(np.arange(len(pool)), n))]
    attributes = random_attributes(n, rng)
    images, labels = [], []
    for start in range(0, n, chunk):
        out = render(ids[start : start + chunk], attributes[start : start + chunk], seed=seed, size=size,
                     nuisance_seed=stream * 1_000_003 + start, segments=segments)
        images.append(out[0] if segments else out)
        if segments:
            labels.append(out[1])
    return FaceSet(torch.cat(images), torch.from_numpy(attributes), torch.from_numpy(ids), ATTRIBUTES,
                   f"the procedural face renderer (seed {seed})", torch.cat(labels) if segments else None)


# The colour set of notebook 05: rendered faces labelled by hair colour only (the offline stand-in for the
# source report's Animal-faces). Test faces show people no training face shows.
HAIR_SET_SIZES = {"train": 8_000, "test": 2_000}
HAIR_SET_IDENTITIES = {"train": range(0, 2_000), "test": range(500_000, 501_000)}


def hair_colour_set(split: str = "train", size: int = 32) -> ImageSet:
    """Rendered faces as an ImageSet whose labels are their hair colour (4 classes, uniformly drawn)."""
    check_split(split)
    drawn = sample_faces(HAIR_SET_SIZES[split], identities=list(HAIR_SET_IDENTITIES[split]), size=size,
                         stream=301 if split == "train" else 302)
    return ImageSet(drawn.images, drawn.attributes[:, HAIR_COLOUR].clone(), ATTRIBUTES[HAIR_COLOUR].values,
                    f"{drawn.source}, labelled by hair colour", split)
