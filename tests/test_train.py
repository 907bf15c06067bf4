import os
import signal
import time

import pytest
import torch
import torch.nn as nn

from course_utils import losses, train
from course_utils.checkpoints import CheckpointError
from course_utils.data.batches import TensorBatches
from course_utils.runtime import seed_everything

EPOCHS, BATCH = 3, 16


class TinyGAN:
    """A real (small) GAN on 2-D points: what the trainer must be able to stop and resume exactly."""

    def __init__(self, seed=0, data_seed=0, batch_size=BATCH):
        fixed = torch.Generator().manual_seed(0)  # the same data and latent batch in every "process"
        self.data = torch.randn(64, 2, generator=fixed) * 0.5 + 2
        self.fixed_z = torch.randn(8, 2, generator=fixed)
        seed_everything(seed)
        self.G = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Dropout(0.1), nn.Linear(16, 2))
        self.D = nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1))
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=1e-2)
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=1e-2)
        self.batches = TensorBatches(self.data, batch_size=batch_size, seed=data_seed)
        self.calls = 0
        self.on_step = None

    def step(self, real):
        self.calls += 1
        if self.on_step:
            self.on_step(self.calls)
        z = torch.randn(len(real), 2)  # the global RNG: resuming must restore it
        d = losses.d_loss(self.D(real).squeeze(1), self.D(self.G(z).detach()).squeeze(1))
        self.opt_d.zero_grad()
        d.backward()
        self.opt_d.step()
        g = losses.g_loss_non_saturating(self.D(self.G(torch.randn(len(real), 2))).squeeze(1))
        self.opt_g.zero_grad()
        g.backward()
        self.opt_g.step()
        return {"d_loss": d, "g_loss": g}

    def sample(self):
        with train.evaluating(self.G):
            return self.G(self.fixed_z)

    def run(self, checkpoint=None, **kwargs):
        options = dict(epochs=EPOCHS, models={"G": self.G, "D": self.D},
                       optimizers={"G": self.opt_g, "D": self.opt_d}, checkpoint=checkpoint,
                       checkpoint_every=3, sample_fn=self.sample, sample_every=4)
        options.update(kwargs)
        return train.train(self.step, self.batches, **options)

    def weights(self):
        return [p.detach().clone() for p in [*self.G.parameters(), *self.D.parameters()]]


def interrupt_at(step, times=1):
    def fire(call):
        if call == step:
            for _ in range(times):
                handler = signal.getsignal(signal.SIGINT)
                os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C or Jupyter's interrupt button sends
                # Python runs the handler at its next check, and two signals still pending then are handled as
                # one: wait until this one has been handled (the trainer's handler puts the previous one back)
                deadline = time.monotonic() + 5
                while signal.getsignal(signal.SIGINT) is handler and time.monotonic() < deadline:
                    time.sleep(0.001)
    return fire


def interrupted_then_resumed(tmp_path, stop_at=5):
    # Step 5 is between two periodic checkpoints (every 3 steps): only the save on interruption keeps it.
    path = tmp_path / "run.pt"
    first = TinyGAN()
    first.on_step = interrupt_at(stop_at)
    history = first.run(path)
    assert history.interrupted and history.steps[-1] == stop_at
    assert train.load_checkpoint(path)["step"] == stop_at
    second = TinyGAN(seed=123)  # a fresh process: other initial weights and RNG state, all to be replaced
    return second, second.run(path)


def test_uninterrupted_run_trains_and_records():
    gan = TinyGAN()
    history = gan.run()
    assert history.steps == list(range(1, 13))
    assert set(history.scalars) == {"d_loss", "g_loss"} and len(history.scalars["d_loss"]) == 12
    assert [s for s, _ in history.snapshots] == [0, 4, 8, 12]
    assert history.snapshots[0][1].shape == (8, 2)
    assert not history.interrupted and history.seconds > 0


def test_interrupted_and_resumed_run_is_bitwise_equal(tmp_path):
    reference = TinyGAN()
    ref_history = reference.run()
    resumed, history = interrupted_then_resumed(tmp_path)
    assert not history.interrupted and resumed.calls == EPOCHS * 4 - 5  # no step was trained twice
    for a, b in zip(reference.weights(), resumed.weights(), strict=True):
        assert torch.equal(a, b)
    assert history.scalars == ref_history.scalars
    assert history.steps == ref_history.steps
    assert all(torch.equal(a[1], b[1]) for a, b in zip(history.snapshots, ref_history.snapshots, strict=True))


@pytest.mark.parametrize("part", ["rng", "optimizers", "batches", "models"])
def test_resume_is_no_longer_exact_when_a_part_of_the_state_is_left_out(tmp_path, monkeypatch, part):
    """Guards the test above: it would fail if the checkpoint forgot any of these parts."""
    reference = TinyGAN()
    reference.run()
    monkeypatch.setitem(train._RESTORERS, part, lambda run, ckpt: None)
    resumed, _ = interrupted_then_resumed(tmp_path)
    assert any(not torch.equal(a, b) for a, b in zip(reference.weights(), resumed.weights(), strict=True))


def test_a_finished_run_is_not_trained_again(tmp_path):
    path = tmp_path / "run.pt"
    TinyGAN().run(path)
    again = TinyGAN()
    history = again.run(path)
    assert again.calls == 0 and history.steps[-1] == EPOCHS * 4


def poison(gan, at_call, key, value):
    """From step `at_call` on, the step reports `value` (nan or inf) as the loss `key`."""
    original = gan.step

    def poisoned(real):
        logs = original(real)
        if gan.calls >= at_call:
            logs[key] = torch.tensor(value)
        return logs

    gan.step = poisoned


def test_nan_loss_stops_with_the_step_and_keeps_the_last_good_checkpoint(tmp_path):
    path = tmp_path / "run.pt"
    gan = TinyGAN()
    poison(gan, 8, "d_loss", float("nan"))
    with pytest.raises(train.DivergenceError, match=r"d_loss became nan at step 8; .*last good checkpoint \(step 6\)"):
        gan.run(path)
    assert train.load_checkpoint(path)["step"] == 6


def test_a_second_ctrl_c_stops_at_once_and_keeps_the_last_checkpoint(tmp_path):
    """The first Ctrl-C asks for a stop at the step's end; a second one, inside the same step, is Python's
    KeyboardInterrupt (for a step that hangs), and the checkpoint on disk is the last whole one."""
    # Python's own handler before training, as in a kernel: pytest started in the background by a shell (as CI may
    # start it) inherits SIGINT ignored, and the trainer rightly puts that back after the first Ctrl-C
    session_handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        second_ctrl_c_run(tmp_path)
    finally:
        signal.signal(signal.SIGINT, session_handler)


def second_ctrl_c_run(tmp_path):
    path = tmp_path / "run.pt"
    gan = TinyGAN()
    gan.on_step = interrupt_at(5, times=2)
    with pytest.raises(KeyboardInterrupt):
        gan.run(path)
    assert train.load_checkpoint(path)["step"] == 3
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the trainer's handler is gone


def test_divergence_before_the_first_checkpoint_says_so_and_writes_none(tmp_path):
    path = tmp_path / "run.pt"
    gan = TinyGAN()
    poison(gan, 1, "g_loss", float("inf"))
    with pytest.raises(train.DivergenceError, match=r"g_loss became inf at step 1; .*no checkpoint had been written"):
        gan.run(path)
    assert not path.exists()


def test_corrupt_checkpoint_is_a_clear_error_and_left_untouched(tmp_path):
    path = tmp_path / "run.pt"
    TinyGAN().run(path, epochs=1)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # truncated, as by a full disk
    with pytest.raises(CheckpointError, match="unreadable .*left as it is"):
        TinyGAN().run(path)
    assert path.read_bytes() == data[: len(data) // 2]


def test_foreign_file_is_refused(tmp_path):
    path = tmp_path / "run.pt"
    torch.save({"weights": torch.zeros(3)}, path)
    with pytest.raises(CheckpointError, match="not a course_utils training checkpoint"):
        TinyGAN().run(path)


def test_checkpoint_of_another_model_is_refused(tmp_path):
    path = tmp_path / "run.pt"
    TinyGAN().run(path, epochs=1)
    other = TinyGAN()
    other.G = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 2))
    other.opt_g = torch.optim.Adam(other.G.parameters())
    before = path.read_bytes()
    with pytest.raises(CheckpointError, match="does not fit model 'G'"):
        other.run(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("other, named", [({"batch_size": 8}, "batch_size 16 there, 8 here"),
                                          ({"data_seed": 5}, "seed 0 there, 5 here")])
def test_resuming_with_another_data_order_is_refused(tmp_path, other, named):
    path = tmp_path / "run.pt"
    first = TinyGAN()
    first.on_step = interrupt_at(4)
    first.run(path)
    before = path.read_bytes()
    with pytest.raises(CheckpointError, match=f"cannot be resumed here: .*{named}.*another order of the data"):
        TinyGAN(**other).run(path)
    assert path.read_bytes() == before


def test_eval_fn_is_logged_with_seconds():
    gan = TinyGAN()
    history = gan.run(eval_fn=lambda: {"mean_x": gan.sample()[:, 0].mean().item()}, eval_every=6)
    assert [e[0] for e in history.evaluations] == [0, 6, 12]
    assert history.evaluations[0][1] == 0 and history.evaluations[-1][1] > 0
    assert set(history.evaluations[-1][2]) == {"mean_x"}


def test_evaluation_at_reads_the_last_evaluation_at_or_before_a_step():
    history = train.History(evaluations=[(0, 0.0, {"acc": 0.1}), (4, 1.0, {"acc": 0.5}), (8, 2.0, {"acc": 0.9})])
    assert [history.evaluation_at(s)["acc"] for s in (0, 3, 4, 7, 8, 100)] == [0.1, 0.1, 0.5, 0.5, 0.9, 0.9]
    with pytest.raises(ValueError, match="no evaluation at or before step 3; the first is at step 5"):
        train.History(evaluations=[(5, 0.0, {})]).evaluation_at(3)
    with pytest.raises(ValueError, match="no evaluations"):
        train.History().evaluation_at(3)


def test_evaluating_restores_modes():
    net = nn.Sequential(nn.Dropout(0.5))
    net.train()
    with train.evaluating(net):
        assert not net.training and not torch.is_grad_enabled()
    assert net.training
