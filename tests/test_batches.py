import pytest
import torch

from course_utils.data.batches import TensorBatches


def test_an_epoch_visits_every_item_once():
    x = torch.arange(100)
    batches = TensorBatches(x, batch_size=10, seed=0)
    seen = torch.cat(list(batches))
    assert sorted(seen.tolist()) == list(range(100))
    assert batches.epoch == 1 and batches.batch == 0


def test_tensors_stay_paired():
    x, y = torch.arange(50), torch.arange(50) * 10
    for xb, yb in TensorBatches(x, y, batch_size=7, seed=1):
        assert torch.equal(yb, xb * 10)


def test_order_depends_on_seed_and_epoch():
    x = torch.arange(64)
    a = TensorBatches(x, batch_size=64, seed=0)
    first, second = next(iter(a)), None
    list(a)  # finish epoch 0
    second = next(iter(a))
    assert not torch.equal(first, second)
    assert torch.equal(first, next(iter(TensorBatches(x, batch_size=64, seed=0))))
    assert not torch.equal(first, next(iter(TensorBatches(x, batch_size=64, seed=1))))


def test_drop_last_and_len():
    x = torch.arange(25)
    assert len(TensorBatches(x, batch_size=10)) == 2
    assert len(TensorBatches(x, batch_size=10, drop_last=False)) == 3
    assert sum(len(b) for b in TensorBatches(x, batch_size=10, drop_last=False)) == 25


def test_drawn_counts_the_batches_handed_out_across_epochs_and_a_resume():
    batches = TensorBatches(torch.arange(12), batch_size=4, seed=1)  # 3 batches per epoch
    seen = []
    while batches.epoch < 2:
        seen += [batches.drawn for _ in batches]
    assert seen == [1, 2, 3, 4, 5, 6] and batches.drawn == 6
    resumed = TensorBatches(torch.arange(12), batch_size=4, seed=1)
    resumed.load_state_dict(batches.state_dict())
    assert next(iter(resumed)) is not None and resumed.drawn == 7


def test_resuming_from_state_continues_the_same_order():
    x = torch.arange(40)
    straight = TensorBatches(x, batch_size=4, seed=5)
    expected = [b for _ in range(3) for b in straight]

    first = TensorBatches(x, batch_size=4, seed=5)
    got = []
    for i, b in enumerate(first):
        got.append(b)
        if i == 6:
            break
    resumed = TensorBatches(x, batch_size=4, seed=5)
    resumed.load_state_dict(first.state_dict())
    while resumed.epoch < 3:
        got.extend(resumed)
    assert all(torch.equal(a, b) for a, b in zip(got, expected, strict=True))


def test_a_position_from_another_data_order_is_refused():
    state = TensorBatches(torch.arange(40), batch_size=4, seed=5).state_dict()
    for other, named in [(dict(batch_size=8, seed=5), "batch_size 4 there, 8 here"),
                         (dict(batch_size=4, seed=0), "seed 5 there, 0 here")]:
        with pytest.raises(ValueError, match=named):
            TensorBatches(torch.arange(40), **other).load_state_dict(state)
    with pytest.raises(ValueError, match="items 40 there, 44 here"):
        TensorBatches(torch.arange(44), batch_size=4, seed=5).load_state_dict(state)


def test_bad_arguments():
    with pytest.raises(ValueError, match="differ in length"):
        TensorBatches(torch.zeros(3), torch.zeros(4), batch_size=1)
    with pytest.raises(ValueError, match="batch_size must be between 1 and the dataset size 3; got 5"):
        TensorBatches(torch.zeros(3), batch_size=5)
