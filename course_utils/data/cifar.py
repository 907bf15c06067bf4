"""CIFAR-10 in torchvision's folder layout (`root/cifar-10-batches-py/`, the "python version" of the
dataset), read directly: 50,000 training and 10,000 test images, 3 x 32 x 32, ten classes."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import torch

from ..runtime import DATA_ROOT
from .fetch import torchvision_download
from .imageset import ImageSet, check_split

CIFAR_FOLDER = "cifar-10-batches-py"
CIFAR_SOURCE = "https://www.cs.toronto.edu/~kriz/cifar.html (the CIFAR-10 python version)"
_BATCHES = {"train": [f"data_batch_{i}" for i in range(1, 6)], "test": ["test_batch"]}


def _unpickle(path: Path) -> dict:
    # the dataset's own format is a pickle (torchvision reads it the same way): only open files you fetched
    try:
        with open(path, "rb") as f:
            return pickle.load(f, encoding="latin1")
    except (OSError, EOFError, pickle.UnpicklingError, ValueError) as err:
        raise ValueError(f"{path} is not a readable CIFAR-10 batch ({err}); delete the folder and fetch it "
                         "again") from err


def _missing(folder: Path, split: str) -> list[str]:
    return [name for name in ["batches.meta", *_BATCHES[split]] if not (folder / name).is_file()]


def load_cifar10(split: str = "train", root: Path | str = DATA_ROOT, download: bool = False) -> ImageSet:
    """CIFAR-10 from root/cifar-10-batches-py (downloaded there first if download=True and it is missing)."""
    check_split(split)
    folder = Path(root) / CIFAR_FOLDER
    if download and _missing(folder, split):
        torchvision_download("CIFAR10", Path(root), "about 170 MB", [{"train": True}, {"train": False}])
    missing = _missing(folder, split)
    if missing:
        raise FileNotFoundError(
            f"CIFAR-10 was not found: {folder} needs {', '.join(missing)} (torchvision's layout: the folder "
            f"{CIFAR_FOLDER}/ with data_batch_1 .. data_batch_5, test_batch and batches.meta). Get it from "
            f"{CIFAR_SOURCE} and unpack it under {Path(root)}, or run with download=True when online "
            "(notebook 05: -p download True)"
        )
    names = tuple(_unpickle(folder / "batches.meta")["label_names"])
    pixels, labels = [], []
    for name in _BATCHES[split]:
        batch = _unpickle(folder / name)
        data = np.asarray(batch["data"], dtype=np.uint8)
        if data.ndim != 2 or data.shape[1] != 3 * 32 * 32 or len(data) != len(batch["labels"]):
            raise ValueError(f"{folder / name} is not a CIFAR-10 batch: want N rows of 3,072 bytes and N labels; "
                             f"got data {data.shape} and {len(batch['labels'])} labels")
        pixels.append(data.reshape(-1, 3, 32, 32))
        labels.append(np.asarray(batch["labels"], dtype=np.int64))
    images = torch.from_numpy(np.concatenate(pixels)).float().div_(127.5).sub_(1.0)
    return ImageSet(images, torch.from_numpy(np.concatenate(labels)), names, f"CIFAR-10 ({folder})", split)
