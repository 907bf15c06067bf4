"""Images per second of the in-memory TensorBatches against a torch DataLoader over the same tensors."""

import time
from pathlib import Path

import torch
from torch.utils.data import DataLoader, TensorDataset

from course_utils import runtime
from course_utils.data import mnist
from course_utils.data.batches import TensorBatches


def _images_per_second(batches, epochs: int) -> float:
    count, checksum = 0, 0.0
    started = time.perf_counter()
    for _ in range(epochs):
        for x, y in batches:
            count += len(x)
            checksum += float(x[:, 0, 14, 14].sum()) + float(y.sum())  # touch the batch, as a step would
    return count / (time.perf_counter() - started)


def run(profile: str, seed: int, out: Path) -> dict:
    device = runtime.get_device()
    data = mnist.load_mnist("train")
    images, labels = data.images.to(device), data.labels.to(device)
    epochs, batch_size = (2, 128) if profile == "quick" else (30, 128)
    ours = TensorBatches(images, labels, batch_size=batch_size, seed=seed)
    loader = DataLoader(TensorDataset(images, labels), batch_size=batch_size, shuffle=True, drop_last=True,
                        generator=torch.Generator().manual_seed(seed), num_workers=0)
    ours_ips = _images_per_second(ours, epochs)
    loader_ips = _images_per_second(loader, epochs)
    return {
        "dataset": data.describe(),
        "batch_size": batch_size,
        "epochs": epochs,
        "tensor_batches_images_per_second": round(ours_ips),
        "dataloader_images_per_second": round(loader_ips),
        "speedup": round(ours_ips / loader_ips, 1),
    }
