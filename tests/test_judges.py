import pytest
import torch

from course_utils.checkpoints import CheckpointError
from course_utils.judges import digits
from course_utils.judges.digits import get_judge
from course_utils.judges.net import JudgeNet
from tests.test_datasets import fake_idx_set

CPU = torch.device("cpu")


@pytest.fixture
def fake_root(tmp_path, monkeypatch):
    fake_idx_set(tmp_path / "MNIST" / "raw", n_train=40, n_test=20)
    monkeypatch.setitem(digits.RECIPES, "mnist", {"epochs": 1, "degrees": 5.0, "shift": 1.0})
    return tmp_path


def test_judge_is_trained_once_then_loaded_from_the_cache(fake_root):
    first = get_judge("mnist", CPU, root=fake_root)
    cached = list((fake_root / "judges").glob("mnist-*.pt"))
    assert len(cached) == 1
    again = get_judge("mnist", CPU, root=fake_root)
    assert again.heldout_accuracy == first.heldout_accuracy and 0 <= first.heldout_accuracy <= 1
    assert "full MNIST" in again.source
    x = torch.rand(5, 1, 28, 28) * 2 - 1
    assert torch.equal(first.logits(x), again.logits(x))


def test_judge_reads_any_square_size(fake_root):
    judge = get_judge("mnist", CPU, root=fake_root)
    assert judge.predict(torch.zeros(3, 1, 32, 32)).shape == (3,)
    assert judge.features(torch.zeros(3, 1, 64, 64)).shape == (3, 128)


def test_corrupt_cache_is_a_clear_error(fake_root):
    get_judge("mnist", CPU, root=fake_root)
    path = next((fake_root / "judges").glob("mnist-*.pt"))
    path.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="judge cache .* is unreadable .*delete it to retrain"):
        get_judge("mnist", CPU, root=fake_root)


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
