import pytest
import torch
from torch import nn

from course_utils.models.averaging import WeightAverage


def test_the_average_follows_the_model_with_the_stated_decay():
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    ema = WeightAverage(model, decay=0.9)
    start = model[0].weight.detach().clone()
    with torch.no_grad():
        model[0].weight.add_(1.0)
        model[1].running_mean.fill_(3.0)
    ema.update(model)  # first update: d = 1 / 10
    assert torch.allclose(ema.average[0].weight, start + 0.9)
    assert torch.equal(ema.average[1].running_mean, torch.full((2,), 3.0))  # buffers are copied
    for _ in range(200):
        ema.update(model)
    assert torch.allclose(ema.average[0].weight, model[0].weight, atol=1e-6)
    assert int(ema.updates) == 201 and not ema.average[0].weight.requires_grad


def test_state_round_trip_keeps_the_count_and_a_bad_decay_is_refused():
    model = nn.Linear(3, 1)
    ema = WeightAverage(model)
    for _ in range(5):
        ema.update(model)
    copy = WeightAverage(nn.Linear(3, 1))
    copy.load_state_dict(ema.state_dict())
    assert int(copy.updates) == 5 and torch.equal(copy.average.weight, ema.average.weight)
    x = torch.randn(4, 3)
    assert torch.allclose(copy(x), ema(x))
    with pytest.raises(ValueError, match="decay must be between 0 and 1; got 1.5"):
        WeightAverage(model, decay=1.5)
