"""The colour sets' loaders (CIFAR-10, animal faces, CelebA as labelled images, the rendered hair colours),
exercised on small fake files written here, in each dataset's own layout."""

import pickle
from pathlib import Path

import nbformat
import numpy as np
import papermill
import pytest
import torch
from PIL import Image

from course_utils.data import afhq, celeba, cifar, datasets, faces, fetch
from course_utils.judges import labels
from course_utils.runtime import DATA_ROOT
from tests.test_faces import ROWS, _fake_celeba

CPU = torch.device("cpu")
CIFAR_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def fake_cifar(root, rows_per_batch=4, skip=()):
    """cifar-10-batches-py with tiny batches: image k of a batch is red if its label is even, else blue."""
    folder = root / cifar.CIFAR_FOLDER
    folder.mkdir(parents=True)
    with open(folder / "batches.meta", "wb") as f:
        pickle.dump({"label_names": CIFAR_NAMES, "num_vis": 3072}, f)
    for b, name in enumerate([f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]):
        if name in skip:
            continue
        labels = [(b + k) % 10 for k in range(rows_per_batch)]
        data = np.zeros((rows_per_batch, 3, 32, 32), dtype=np.uint8)
        for k, label in enumerate(labels):
            data[k, 0 if label % 2 == 0 else 2] = 255
        with open(folder / name, "wb") as f:
            pickle.dump({"data": data.reshape(rows_per_batch, -1), "labels": labels}, f)
    return root


def test_cifar_reads_five_training_batches_and_the_test_batch(tmp_path):
    root = fake_cifar(tmp_path)
    train, test = cifar.load_cifar10("train", root), cifar.load_cifar10("test", root)
    assert train.images.shape == (20, 3, 32, 32) and len(test) == 4
    assert train.class_names == tuple(CIFAR_NAMES) and train.channels == 3 and train.size == 32
    assert train.labels[:4].tolist() == [0, 1, 2, 3] and test.labels.tolist() == [5, 6, 7, 8]
    # channel order survives: even labels were written red (channel 0), odd ones blue (channel 2)
    assert train.images.min() == -1.0 and train.images.max() == 1.0
    assert (train.images[0, 0] == 1).all() and (train.images[0, 2] == -1).all()
    assert (train.images[1, 2] == 1).all() and (train.images[1, 0] == -1).all()
    assert str(root / cifar.CIFAR_FOLDER) in train.source


def test_cifar_missing_names_the_folder_the_files_and_how_to_get_them(tmp_path):
    with pytest.raises(FileNotFoundError) as err:
        cifar.load_cifar10("train", tmp_path)
    message = str(err.value)
    assert str(tmp_path / "cifar-10-batches-py") in message and "data_batch_1" in message
    assert "cs.toronto.edu" in message and "download=True" in message
    root = fake_cifar(tmp_path / "partial", skip=("data_batch_3",))
    with pytest.raises(FileNotFoundError, match="needs data_batch_3 "):
        cifar.load_cifar10("train", root)
    assert len(cifar.load_cifar10("test", root)) == 4  # the test split is complete


def test_a_damaged_cifar_batch_is_a_clear_error(tmp_path):
    root = fake_cifar(tmp_path)
    (root / cifar.CIFAR_FOLDER / "test_batch").write_bytes(b"\x80\x04 not a pickle")
    with pytest.raises(ValueError, match="test_batch is not a readable CIFAR-10 batch"):
        cifar.load_cifar10("test", root)
    with open(root / cifar.CIFAR_FOLDER / "test_batch", "wb") as f:
        pickle.dump({"data": np.zeros((2, 100), dtype=np.uint8), "labels": [0, 1]}, f)
    with pytest.raises(ValueError, match="want N rows of 3,072 bytes"):
        cifar.load_cifar10("test", root)


def test_cifar_download_goes_through_torchvision_then_reads_the_files(tmp_path, monkeypatch):
    calls = []

    def fake_download(name, root, about, kwargs):
        calls.append(name)
        fake_cifar(root)

    monkeypatch.setattr(cifar, "torchvision_download", fake_download)
    assert len(datasets.load_images("cifar10", "train", tmp_path, download=True)) == 20
    assert calls == ["CIFAR10"]
    datasets.load_images("cifar10", "test", tmp_path, download=True)
    assert calls == ["CIFAR10"], "the files were there: nothing is fetched twice"


def test_download_needs_torchvision_and_says_so(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__
    monkeypatch.setattr(builtins, "__import__", lambda name, *a, **k: (_ for _ in ()).throw(ImportError(name))
                        if name.startswith("torchvision") else real_import(name, *a, **k))
    with pytest.raises(RuntimeError, match="download=True needs a working torchvision"):
        fetch.torchvision_download("CIFAR10", tmp_path, "170 MB", [{"train": True}])


def fake_afhq(root, per_class=2, splits=("train", "val")):
    """afhq/{train,val}/{cat,dog,wild}: non-square PNGs, cats red, dogs green, wild animals blue, with a
    black border on the long side that a centre crop removes."""
    for split in splits:
        for c, name in enumerate(afhq.AFHQ_CLASSES):
            folder = root / "afhq" / split / name
            folder.mkdir(parents=True)
            for k in range(per_class):
                picture = Image.new("RGB", (60, 40), (0, 0, 0))
                picture.paste(Image.new("RGB", (40, 40), tuple(255 if i == c else 0 for i in range(3))), (10, 0))
                picture.save(folder / f"pic_{k}.{'png' if k % 2 else 'jpg'}")
    return root


def test_afhq_reads_its_folders_as_three_classes_cropped_to_a_square(tmp_path):
    root = fake_afhq(tmp_path)
    train = afhq.load_afhq("train", root, size=16)
    assert train.images.shape == (6, 3, 16, 16) and train.class_names == ("cat", "dog", "wild")
    assert train.labels.tolist() == [0, 0, 1, 1, 2, 2] and train.per_class() == [2, 2, 2]
    for image, label in zip(train.images, train.labels):
        means = image.mean((1, 2))
        assert means[label] > 0.8 and all(means[c] < -0.8 for c in range(3) if c != label), means
    assert len(afhq.load_afhq("test", root)) == 6 and "val" in afhq.load_afhq("test", root).source
    assert len(afhq.load_afhq("train", root, limit=1)) == 3


def test_afhq_missing_or_empty_or_damaged_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError) as err:
        afhq.load_afhq("train", tmp_path)
    assert "afhq/train/cat" in str(err.value) and "stargan-v2" in str(err.value)
    assert "torchvision cannot download it" in str(err.value)
    root = fake_afhq(tmp_path / "a", splits=("train",))
    with pytest.raises(FileNotFoundError, match=r"afhq/val needs the folders cat/, dog/, wild/"):
        afhq.load_afhq("test", root)
    for picture in (root / "afhq" / "train" / "dog").iterdir():
        picture.unlink()
    with pytest.raises(FileNotFoundError, match="dog holds no .jpg or .png pictures"):
        afhq.load_afhq("train", root)
    (root / "afhq" / "train" / "dog" / "broken.png").write_bytes(b"not a png")
    with pytest.raises(ValueError, match="broken.png is not a readable picture"):
        afhq.load_afhq("train", root)
    with pytest.raises(ValueError, match="download=True fetches mnist, fashion, cifar10 or celeba; afhq is not in "
                                         "torchvision: get it from the StarGAN v2 repository"):
        datasets.load_images("afhq", root=root, download=True)


def test_celeba_as_labelled_images_is_female_or_male(tmp_path):
    root = _fake_celeba(tmp_path, ROWS)  # "Male" is the third column: 1, -1, 1
    train = datasets.load_images("celeba", "train", root, size=16)
    assert train.class_names == ("female", "male") and train.labels.tolist() == [1, 0]
    assert train.images.shape == (2, 3, 16, 16)
    assert datasets.load_images("celeba", "test", root).labels.tolist() == [1]
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        celeba.load_celeba_images("all", root)


def test_the_rendered_hair_colour_set_labels_each_face_by_its_hair():
    test = datasets.load_images("faces", "test")
    assert test.images.shape == (faces.HAIR_SET_SIZES["test"], 3, 32, 32)
    assert test.class_names == ("black", "brown", "blond", "red")
    assert min(test.per_class()) > 0.2 * len(test)
    # the label is the hair colour: blond hair is the brightest, black the darkest, on average over a face
    brightness = [test.images[test.labels == c].mean().item() for c in range(4)]
    assert brightness[2] > brightness[0], brightness
    assert set(faces.HAIR_SET_IDENTITIES["train"]).isdisjoint(faces.HAIR_SET_IDENTITIES["test"])


NOTEBOOK_05 = Path(__file__).resolve().parent.parent / "notebooks" / "05_conditional_dcgan.ipynb"


@pytest.mark.skipif((DATA_ROOT / cifar.CIFAR_FOLDER).exists(), reason="this machine has CIFAR-10 under data/")
def test_notebook_05_without_cifar_stops_at_its_data_cell_saying_where_and_how(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as failure:
        papermill.execute_notebook(str(NOTEBOOK_05), str(tmp_path / "out.ipynb"), parameters={"dataset": "cifar10"},
                                   cwd=str(NOTEBOOK_05.parent), progress_bar=False, kernel_name="python3")
    message = str(failure.value)
    assert "CIFAR-10 was not found" in message and str(DATA_ROOT / cifar.CIFAR_FOLDER) in message
    assert "cs.toronto.edu" in message and "-p download True" in message
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    failed = [c for c in executed.cells if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    assert len(failed) == 1 and 'datasets.load_images(dataset, "train"' in failed[0].source
    assert executed.cells.index(failed[0]) < min(i for i, c in enumerate(executed.cells) if "make_dcgan()" in c.source)


def test_a_colour_set_gets_a_colour_judge_trained_once_then_cached(tmp_path, monkeypatch):
    root = fake_cifar(tmp_path)
    judge = labels.get_judge("cifar10", CPU, root=root)
    assert judge.net.channels == 3 and judge.net.outputs == 10 and judge.class_names == tuple(CIFAR_NAMES)
    assert 0.0 <= judge.heldout_accuracy <= 1.0 and "CIFAR-10" in judge.source
    assert judge.predict(torch.zeros(5, 3, 32, 32)).shape == (5,)
    monkeypatch.setattr(labels, "fit", lambda *a, **k: pytest.fail("the cached judge was trained again"))
    again = labels.get_judge("cifar10", CPU, root=root)
    assert again.heldout_accuracy == judge.heldout_accuracy
    with pytest.raises(ValueError, match="dataset must be one of mnist, fashion, cifar10, afhq, celeba, faces"):
        labels.get_judge("svhn", CPU, root=root)
