"""Animal faces (AFHQ: cats, dogs and wild animals, the source report's "Animal-faces") in its folder layout,
`root/afhq/train/{cat,dog,wild}/` and `root/afhq/val/...`, read directly; torchvision does not ship it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ..runtime import DATA_ROOT
from .imageset import ImageSet, check_split
from .pictures import picture_files, read_square

AFHQ_CLASSES = ("cat", "dog", "wild")
AFHQ_SOURCE = ("the StarGAN v2 repository (github.com/clovaai/stargan-v2: bash download.sh afhq-dataset) or "
               "Kaggle's 'Animal Faces' (andrewmvd/animal-faces)")
_SPLIT_FOLDERS = {"train": "train", "test": "val"}


def load_afhq(split: str = "train", root: Path | str = DATA_ROOT, size: int = 32, limit: int | None = None) -> ImageSet:
    """AFHQ from root/afhq: 'train' reads train/, 'test' reads val/; pictures centre-cropped and resized to
    size x size. limit: keep at most this many pictures of each class (the first by file name)."""
    check_split(split)
    if size < 8:
        raise ValueError(f"size must be at least 8 pixels; got {size}")
    folder = Path(root) / "afhq" / _SPLIT_FOLDERS[split]
    missing = [name for name in AFHQ_CLASSES if not (folder / name).is_dir()]
    if missing:
        raise FileNotFoundError(
            f"Animal faces (AFHQ) were not found: {folder} needs the folders {', '.join(n + '/' for n in missing)} "
            f"(the layout afhq/train/cat, afhq/train/dog, afhq/train/wild and the same under afhq/val, pictures "
            f"inside). torchvision cannot download it; get it from {AFHQ_SOURCE} and unpack it under {Path(root)}"
        )
    files, labels = [], []
    for label, name in enumerate(AFHQ_CLASSES):
        found = picture_files(folder / name)[:limit]
        if not found:
            raise FileNotFoundError(f"{folder / name} holds no .jpg or .png pictures")
        files += found
        labels += [label] * len(found)
    images = np.stack([read_square(path, size) for path in files])
    return ImageSet(torch.from_numpy(images), torch.tensor(labels, dtype=torch.int64), AFHQ_CLASSES,
                    f"AFHQ animal faces ({folder})", split)
