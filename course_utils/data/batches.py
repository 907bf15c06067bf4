"""A seeded batch iterator over tensors already in memory (and already on the training device).

For 28 x 28 images a DataLoader spends most of its time collating one item at a time; indexing a tensor
with a permutation gives the same batches without per-item Python work. The order of epoch e depends only
on (seed, e), so the position (epoch, batch) is all a checkpoint needs to resume the exact same order.
"""

from __future__ import annotations

import torch


class TensorBatches:
    def __init__(self, *tensors: torch.Tensor, batch_size: int, seed: int = 0, shuffle: bool = True,
                 drop_last: bool = True):
        if not tensors:
            raise ValueError("TensorBatches needs at least one tensor")
        n = len(tensors[0])
        if any(len(t) != n for t in tensors):
            raise ValueError(f"tensors differ in length: {[len(t) for t in tensors]}")
        if not 1 <= batch_size <= n:
            raise ValueError(f"batch_size must be between 1 and the dataset size {n}; got {batch_size}")
        self.tensors, self.batch_size, self.seed = tensors, batch_size, seed
        self.shuffle, self.drop_last = shuffle, drop_last
        self.epoch, self.batch = 0, 0  # position of the next batch

    def __len__(self) -> int:
        """Batches per epoch."""
        n = len(self.tensors[0])
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    @property
    def drawn(self) -> int:
        """Batches handed out since the first epoch began, the one being trained on included: a schedule read
        from it resumes exactly, since a checkpoint restores the position."""
        return self.epoch * len(self) + self.batch

    def _order(self, epoch: int) -> torch.Tensor:
        n = len(self.tensors[0])
        if not self.shuffle:
            return torch.arange(n)
        g = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
        return torch.randperm(n, generator=g)

    def epoch_batches(self):
        """Yield the rest of the current epoch's batches, then move to the next epoch."""
        order = self._order(self.epoch).to(self.tensors[0].device)
        while self.batch < len(self):
            idx = order[self.batch * self.batch_size : (self.batch + 1) * self.batch_size]
            self.batch += 1
            picked = tuple(t.index_select(0, idx) for t in self.tensors)
            yield picked if len(picked) > 1 else picked[0]
        self.epoch, self.batch = self.epoch + 1, 0

    def __iter__(self):
        return self.epoch_batches()

    def order_settings(self) -> dict:
        """What the data order depends on: a position means nothing under other settings."""
        return {"batch_size": self.batch_size, "items": len(self.tensors[0]), "seed": self.seed,
                "shuffle": self.shuffle, "drop_last": self.drop_last}

    def state_dict(self) -> dict:
        return {"epoch": self.epoch, "batch": self.batch, **self.order_settings()}

    def load_state_dict(self, state: dict) -> None:
        """Resume at a saved position; refused (ValueError naming what differs) if the order would differ."""
        differ = {k: (state[k], v) for k, v in self.order_settings().items() if k in state and state[k] != v}
        if differ:
            said = ", ".join(f"{k} {saved!r} there, {now!r} here" for k, (saved, now) in differ.items())
            raise ValueError(f"the saved position belongs to another data order ({said})")
        self.epoch, self.batch = state["epoch"], state["batch"]
