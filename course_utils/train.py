"""The training loop's plumbing, shared by every notebook; the notebook passes its own step function.

What the loop owns: the history of named scalars, one progress bar, sample snapshots at a fixed latent
batch, periodic evaluations, checkpoints, the divergence guard and clean interruption. What it does not
know: which GAN it runs. The step function takes one batch and returns a dict of floats (its losses).

Resuming is exact: a checkpoint holds the models, the optimizers, every random generator, the position in
the data order and the history, so a run stopped at any step and resumed ends bitwise equal (on the CPU)
to a run that was never stopped.
"""

from __future__ import annotations

import math
import random
import signal
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from . import load_lines
from .checkpoints import CheckpointError, atomic_save, safe_load
from .data.batches import TensorBatches
from .pretrained import load_run
from .progress import progress_bar

FORMAT = "course_utils.train/1"


class DivergenceError(RuntimeError):
    """A loss became NaN or infinite; training stopped and the last good checkpoint was kept."""


@contextmanager
def evaluating(*models: torch.nn.Module):
    """Eval mode and no gradients inside the block; each model's previous mode is restored after it."""
    modes = [m.training for m in models]
    for m in models:
        m.eval()
    try:
        with torch.no_grad():
            yield
    finally:
        for m, mode in zip(models, modes):
            m.train(mode)


@dataclass
class History:
    """Per-step scalars, snapshots (step, images) and evaluations (step, seconds, figures)."""

    steps: list = field(default_factory=list)
    scalars: dict = field(default_factory=dict)
    snapshots: list = field(default_factory=list)
    evaluations: list = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False  # set by train(); not saved, a resumed run starts uninterrupted

    def log(self, step: int, values: Mapping[str, float]) -> None:
        self.steps.append(step)
        for key, value in values.items():
            self.scalars.setdefault(key, []).append(value)

    def evaluation_at(self, step: int) -> dict:
        """The figures of the last evaluation at or before `step` (a comparison reads runs at a common budget)."""
        earlier = [figures for s, _, figures in self.evaluations if s <= step]
        if not earlier:
            raise ValueError(f"no evaluation at or before step {step}; the first is at step {self.evaluations[0][0]}"
                             if self.evaluations else "this history has no evaluations")
        return earlier[-1]

    def state_dict(self) -> dict:
        return {"steps": self.steps, "scalars": self.scalars, "seconds": self.seconds,
                "snapshot_steps": [s for s, _ in self.snapshots],
                "snapshot_images": [x for _, x in self.snapshots],
                "evaluations": [[s, t, dict(v)] for s, t, v in self.evaluations]}

    def load_state_dict(self, state: dict) -> None:
        self.steps, self.scalars, self.seconds = state["steps"], state["scalars"], state["seconds"]
        self.snapshots = list(zip(state["snapshot_steps"], state["snapshot_images"]))
        self.evaluations = [tuple(e) for e in state["evaluations"]]


def _rng_state() -> dict:
    np_state = np.random.get_state()
    state = {
        "torch": torch.get_rng_state(),
        "numpy_keys": torch.from_numpy(np_state[1].astype(np.int64)),
        "numpy_rest": [int(np_state[2]), int(np_state[3]), float(np_state[4])],
        "python": [random.getstate()[0], list(random.getstate()[1]), random.getstate()[2]],
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _restore_rng(state: dict) -> None:
    torch.set_rng_state(state["torch"])
    pos, has_gauss, gauss = state["numpy_rest"]
    np.random.set_state(("MT19937", state["numpy_keys"].numpy().astype(np.uint32), pos, has_gauss, gauss))
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def _restore_modules(modules: Mapping, states: Mapping, what: str, path: Path) -> None:
    if set(modules) != set(states):
        raise CheckpointError(f"checkpoint {path} holds {what} {sorted(states)}, but this run has {sorted(modules)}")
    for name, module in modules.items():
        try:
            module.load_state_dict(states[name])
        except (RuntimeError, ValueError, KeyError) as err:
            raise CheckpointError(
                f"checkpoint {path} does not fit {what[:-1]} {name!r} (was it trained with other settings?): {err}"
            ) from err


def _restore_batches(batches: TensorBatches, state: dict, path: Path) -> None:
    try:
        batches.load_state_dict(state)
    except ValueError as err:
        raise CheckpointError(f"checkpoint {path} cannot be resumed here: {err}. Resuming would train on another "
                              "order of the data; use the settings it was written with, or delete it to start over"
                              ) from err


# Each part of a run's state is restored by one named function, so a test can leave one out and show
# that resuming is then no longer exact.
_RESTORERS: dict[str, Callable] = {
    "models": lambda run, ckpt: _restore_modules(run.models, ckpt["models"], "models", run.checkpoint),
    "optimizers": lambda run, ckpt: _restore_modules(run.optimizers, ckpt["optimizers"], "optimizers",
                                                     run.checkpoint),
    "rng": lambda run, ckpt: _restore_rng(ckpt["rng"]),
    "batches": lambda run, ckpt: _restore_batches(run.batches, ckpt["batches"], run.checkpoint),
    "history": lambda run, ckpt: run.history.load_state_dict(ckpt["history"]),
}


def load_checkpoint(path: Path) -> dict:
    """Read a training checkpoint safely; a corrupt, truncated or foreign file is a clear error."""
    ckpt = safe_load(path, f"checkpoint {path}", "it was left as it is; delete it to start this run over")
    if ckpt.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a course_utils training checkpoint; it was left as it is")
    return ckpt


@dataclass
class _Run:
    models: Mapping[str, torch.nn.Module]
    optimizers: Mapping[str, torch.optim.Optimizer]
    batches: TensorBatches
    history: History
    checkpoint: Path | None
    step: int = 0
    ship_models: bool = True

    def save(self) -> None:
        """Write atomically: a crash while saving leaves the previous checkpoint intact."""
        if self.checkpoint is None:
            return
        state = {
            "format": FORMAT,
            "step": self.step,
            "models": {k: m.state_dict() for k, m in self.models.items()},
            "optimizers": {k: o.state_dict() for k, o in self.optimizers.items()},
            "rng": _rng_state(),
            "batches": self.batches.state_dict(),
            "history": self.history.state_dict(),
            "ship_models": self.ship_models,  # read by course_utils.pretrained's export
        }
        atomic_save(state, self.checkpoint)

    def restore(self) -> None:
        ckpt = load_checkpoint(self.checkpoint)
        for restore in _RESTORERS.values():
            restore(self, ckpt)
        self.step = ckpt["step"]


class _StopOnInterrupt:
    """Turn Ctrl-C (or Jupyter's interrupt button) into a request to stop at the next step boundary.

    Stopping between steps, never inside one, is what keeps the saved state consistent. A second
    Ctrl-C falls back to Python's usual KeyboardInterrupt.
    """

    def __init__(self):
        self.requested = False
        self._previous = None

    def _handler(self, signum, frame):
        self.requested = True
        signal.signal(signal.SIGINT, self._previous)

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def _check_finite(logs: Mapping[str, float], step: int, run: _Run, last_saved: int | None) -> None:
    for key, value in logs.items():
        if not math.isfinite(value):
            kept = (f"the last good checkpoint (step {last_saved}) is kept at {run.checkpoint}"
                    if last_saved is not None else "no checkpoint had been written yet")
            raise DivergenceError(
                f"{key} became {value} at step {step}; training stopped and {kept}. "
                "Try a smaller learning rate or check the loss for log(0)."
            )


def train(
    step_fn: Callable[[object], Mapping[str, float]],
    batches: TensorBatches,
    *,
    epochs: int,
    models: Mapping[str, torch.nn.Module],
    optimizers: Mapping[str, torch.optim.Optimizer],
    checkpoint: Path | str | None = None,
    checkpoint_every: int = 500,
    sample_fn: Callable[[], torch.Tensor] | None = None,
    sample_every: int = 0,
    eval_fn: Callable[[], Mapping[str, float]] | None = None,
    eval_every: int = 0,
    desc: str = "training",
    history: History | None = None,
    pretrained: bool = False,
    ship_models: bool = True,
) -> History:
    """Run step_fn over `epochs` passes of `batches`; resume from `checkpoint` when it exists.

    sample_fn() returns images kept as snapshots every `sample_every` steps (and at the end);
    eval_fn() returns figures logged with the wall-clock seconds every `eval_every` steps (and at the end).
    Returns the History; `history.interrupted` tells whether the run was stopped before its end.
    pretrained=True trains nothing: it loads the models and history of the shipped run that `checkpoint`
    names (see course_utils.pretrained). ship_models=False marks a run whose figures the notebook reads from
    its history alone (a comparison's extra seeds, say): its export then ships the history without the weights.
    """
    run = _Run(models, optimizers, batches, history or History(), Path(checkpoint) if checkpoint else None,
               ship_models=ship_models)
    if pretrained:
        if run.checkpoint is None:
            raise ValueError("pretrained=True needs the checkpoint path that names the run to load")
        load_lines.report(desc, load_run(run.checkpoint, models, run.history))
        return run.history
    if run.checkpoint is not None and run.checkpoint.exists():
        run.restore()
    total = epochs * len(batches)
    last_saved = run.step if run.checkpoint is not None and run.checkpoint.exists() else None

    def observe(final: bool) -> None:
        if sample_fn is not None and (final or (sample_every and run.step % sample_every == 0)):
            if not run.history.snapshots or run.history.snapshots[-1][0] != run.step:
                run.history.snapshots.append((run.step, sample_fn().detach().cpu()))
        if eval_fn is not None and (final or (eval_every and run.step % eval_every == 0)):
            if not run.history.evaluations or run.history.evaluations[-1][0] != run.step:
                run.history.evaluations.append((run.step, run.history.seconds, dict(eval_fn())))

    if run.step == 0:
        observe(final=False)
    bar = progress_bar(total, desc, initial=run.step)
    started = time.perf_counter()
    with _StopOnInterrupt() as stop, bar:
        while batches.epoch < epochs and not stop.requested:
            for batch in batches:
                logs = {k: float(v.detach()) if torch.is_tensor(v) else float(v) for k, v in step_fn(batch).items()}
                run.step += 1
                _check_finite(logs, run.step, run, last_saved)
                run.history.log(run.step, logs)
                run.history.seconds += time.perf_counter() - started
                bar.update(1)
                if run.step % 25 == 0:
                    bar.set_postfix({k: f"{v:.3f}" for k, v in logs.items()}, refresh=False)
                observe(final=run.step == total)
                started = time.perf_counter()  # evaluation time is not training time
                if checkpoint_every and run.step % checkpoint_every == 0 and run.step < total:
                    run.save()
                    last_saved = run.step
                if stop.requested:
                    break
    run.history.interrupted = stop.requested
    run.save()
    if stop.requested:
        where = f"; saved to {run.checkpoint}, run the cell again to resume" if run.checkpoint else ""
        print(f"Interrupted at step {run.step} of {total}{where}.")
    return run.history
