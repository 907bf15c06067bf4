import subprocess
import sys
from pathlib import Path

import pytest
import torch

from course_utils.checkpoints import CheckpointError
from course_utils.data.datasets import load_images
from course_utils.judges import cache, faces, labels
from course_utils.judges.labels import get_judge
from course_utils.judges.net import JudgeNet
from tests.test_datasets import fake_idx_set

CPU = torch.device("cpu")


@pytest.fixture
def fake_root(tmp_path, monkeypatch):
    fake_idx_set(tmp_path / "MNIST" / "raw", n_train=40, n_test=20)
    monkeypatch.setitem(labels.RECIPES, "mnist", {"epochs": 1, "degrees": 5.0, "shift": 1.0})
    return tmp_path


def refuse_to_train(*args, **kwargs):
    raise AssertionError("the judge was trained again instead of loaded from the cache")


def test_judge_is_trained_once_then_loaded_from_the_cache(fake_root, monkeypatch):
    first = get_judge("mnist", CPU, root=fake_root)
    cached = list((fake_root / "judges").glob("mnist-*.pt"))
    assert len(cached) == 1
    monkeypatch.setattr(labels, "fit", refuse_to_train)  # a seeded retrain would give the same judge: forbid it
    again = get_judge("mnist", CPU, root=fake_root)
    assert again.heldout_accuracy == first.heldout_accuracy and 0 <= first.heldout_accuracy <= 1
    assert "full MNIST" in again.source
    x = torch.rand(5, 1, 28, 28) * 2 - 1
    assert torch.equal(first.logits(x), again.logits(x))


def test_a_changed_recipe_trains_a_new_judge_beside_the_old(fake_root, monkeypatch):
    get_judge("mnist", CPU, root=fake_root)
    monkeypatch.setitem(labels.RECIPES, "mnist", {"epochs": 1, "degrees": 0.0, "shift": 1.0})
    calls = []
    real_fit = labels.fit
    monkeypatch.setattr(labels, "fit", lambda *a, **k: calls.append(k) or real_fit(*a, **k))
    get_judge("mnist", CPU, root=fake_root)
    assert len(calls) == 1 and calls[0]["degrees"] == 0.0
    assert len(list((fake_root / "judges").glob("mnist-*.pt"))) == 2


def test_judge_reads_any_square_size(fake_root):
    judge = get_judge("mnist", CPU, root=fake_root)
    assert judge.predict(torch.zeros(3, 1, 32, 32)).shape == (3,)
    assert judge.features(torch.zeros(3, 1, 64, 64)).shape == (3, 128)


def test_a_judge_reads_the_same_in_any_batch_size():
    # eval mode: no reading depends on the other images of its batch, so the reading batch is a matter of speed
    torch.manual_seed(0)
    net, images = JudgeNet(10), torch.rand(300, 1, 28, 28) * 2 - 1
    by_default = net.batched(net, images)
    assert by_default.shape == (300, 10) and net.training, "the net's own mode is restored"
    for batch_size in (7, 1000):
        torch.testing.assert_close(net.batched(net, images, batch_size=batch_size), by_default, rtol=1e-5, atol=1e-5)


def test_corrupt_cache_is_a_clear_error(fake_root):
    get_judge("mnist", CPU, root=fake_root)
    path = next((fake_root / "judges").glob("mnist-*.pt"))
    path.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="judge cache .* is unreadable .*delete it to retrain"):
        get_judge("mnist", CPU, root=fake_root)


# The judges that the offline course reads with: each ships, current (its digest is the one the code asks for).
OFFLINE_JUDGES = [("mnist", None), ("fashion", None), ("faces", None), ("attributes", "full"), ("identity", "full")]


@pytest.mark.parametrize("name, profile", OFFLINE_JUDGES, ids=[n for n, _ in OFFLINE_JUDGES])
def test_the_offline_judges_ship_with_the_package_and_load_without_training(name, profile, tmp_path, monkeypatch):
    monkeypatch.setattr(labels, "train_judge", refuse_to_train)
    monkeypatch.setattr(faces, "_train", refuse_to_train)
    if profile is None:
        try:
            source = load_images(name, "test", tmp_path).source
        except FileNotFoundError as missing:  # Fashion-MNIST comes from Debian's package (setup.sh installs it)
            pytest.skip(f"no offline {name} here: {missing}")
        judge = get_judge(name, CPU, root=tmp_path)
        assert judge.source == source and judge.heldout_accuracy > 0.85, judge.describe()
    else:
        judge = faces.get_face_judge(name, CPU, root=tmp_path, profile=profile)
        assert min(judge.heldout_accuracy.values()) > 0.3, judge.heldout_accuracy
    assert not (tmp_path / "judges").exists() or not any((tmp_path / "judges").iterdir()), "a judge was written"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_notebook_07s_other_attribute_judges_ship_too(seed, tmp_path, monkeypatch):
    """07 asks three more attribute judges (seeds 1-3, the full recipe) how far a verdict depends on the judge."""
    monkeypatch.setattr(faces, "_train", refuse_to_train)
    judge = faces.get_face_judge("attributes", CPU, root=tmp_path, profile="full", seed=seed)
    assert min(judge.heldout_accuracy.values()) > 0.95, judge.heldout_accuracy


def test_a_damaged_shipped_judge_is_an_error_and_an_unlisted_one_is_not_used(tmp_path):
    good = tmp_path / "mnist-0123456789.pt"
    torch.save({"net": {}}, good)
    cache.ship([good], tmp_path / "shipped")
    assert cache.shipped(tmp_path / "cache" / good.name, tmp_path / "shipped") == good.read_bytes()
    assert cache.shipped(tmp_path / "cache" / "mnist-9999999999.pt", tmp_path / "shipped") is None
    (tmp_path / "shipped" / good.name).write_bytes(b"damaged")
    with pytest.raises(CheckpointError, match="shipped judge .* is missing or damaged .*reinstall"):
        cache.shipped(tmp_path / "cache" / good.name, tmp_path / "shipped")


def test_judge_learns_an_easy_task():
    """A judge must be able to learn: two classes told apart by brightness, near perfectly."""
    net = JudgeNet(outputs=2)
    x = torch.cat([torch.full((64, 1, 28, 28), -0.8), torch.full((64, 1, 28, 28), 0.8)])
    x = x + 0.1 * torch.randn(128, 1, 28, 28)
    y = torch.cat([torch.zeros(64), torch.ones(64)]).long()
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for _ in range(30):
        loss = torch.nn.functional.cross_entropy(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert net.accuracy(x, y) > 0.95


def test_a_read_only_data_folder_sends_the_judge_to_the_user_cache(fake_root, tmp_path, monkeypatch, capsys):
    from course_utils import checkpoints, runtime

    real = checkpoints.cannot_write
    monkeypatch.setattr(checkpoints, "cannot_write",
                        lambda folder: "Read-only file system" if fake_root in Path(folder).parents else real(folder))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(runtime, "_FALLBACKS_SAID", set())
    first = get_judge("mnist", CPU, root=fake_root)
    again = get_judge("mnist", CPU, root=fake_root)
    said = capsys.readouterr().out
    assert said.count("is not writable (Read-only file system); judges go to") == 1
    assert not (fake_root / "judges").exists()
    assert len(list((tmp_path / "cache" / "gan-course" / "judges").glob("mnist-*.pt"))) == 1
    assert again.heldout_accuracy == first.heldout_accuracy


TWO_KERNELS = """
import sys, torch
from course_utils.judges import labels
labels.RECIPES["mnist"] = {"epochs": 1, "degrees": 5.0, "shift": 1.0}
judge = labels.get_judge("mnist", torch.device("cpu"), root=sys.argv[1])
print(judge.heldout_accuracy)
"""


def test_two_processes_training_one_judge_at_once_both_end_with_it(fake_root):
    runs = [subprocess.Popen([sys.executable, "-c", TWO_KERNELS, str(fake_root)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in outputs]
    files = sorted(p.name for p in (fake_root / "judges").iterdir())
    assert len(files) == 1 and files[0].startswith("mnist-") and files[0].endswith(".pt")  # no temporary left
    cached = labels.get_judge("mnist", CPU, root=fake_root)
    assert {float(out) for out, _ in outputs} == {cached.heldout_accuracy}  # seeded: both trained the same judge


def test_a_face_judge_seed_names_one_judge_whatever_ran_before():
    """Two trainings of a face judge with one seed give the same weights, from any random state before them
    (the net's first weights are seeded too); another seed gives another judge."""
    tiny = {"train": 60, "test": 20, "epochs": 1}
    weights = []
    for before, seed in ((1, 0), (2, 0), (1, 1)):
        torch.manual_seed(before)
        net, _ = faces._train("attributes", tiny, CPU, seed)
        weights.append(torch.cat([p.detach().flatten() for p in net.parameters()]))
    assert torch.equal(weights[0], weights[1])
    assert not torch.equal(weights[0], weights[2])


def test_the_face_judge_says_how_sure_it_is_of_each_reading_and_the_identity_judge_refuses():
    from course_utils.data import faces as face_data
    images = face_data.sample_faces(6, identities=3).images
    width = face_data.vector_width(face_data.ATTRIBUTE_SIZES)
    reader = faces.FaceJudge(JudgeNet(width, channels=3, size=32).eval(), "attributes", "test", {}, 0.0)
    sure = reader.confidence(images)
    assert sure.shape == (6, len(face_data.ATTRIBUTE_SIZES))
    assert torch.equal(sure, face_data.attribute_confidence(reader.logits(images), face_data.ATTRIBUTE_SIZES))
    identity = faces.FaceJudge(JudgeNet(5, channels=3, size=32).eval(), "identity", "test", {}, 0.0)
    with pytest.raises(ValueError, match="this is the identity judge"):
        identity.confidence(images)
