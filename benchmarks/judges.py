"""Train the MNIST, Fashion-MNIST and rendered hair-colour judges from scratch and report their held-out accuracy.

The full profile retrains all three (the figures are what a fresh machine gets); the quick profile reports the
cached or shipped judges (training them first if neither is there).
"""

from pathlib import Path

from course_utils import runtime
from course_utils.judges import labels


def run(profile: str, seed: int, out: Path) -> dict:
    device = runtime.get_device()
    figures = {}
    for dataset in ("mnist", "fashion", "faces"):
        if profile == "full":
            judge = labels.train_judge(dataset, device, seed=seed)
        else:
            judge = labels.get_judge(dataset, device)
        figures[f"{dataset}_source"] = judge.source
        figures[f"{dataset}_heldout_accuracy"] = round(judge.heldout_accuracy, 4)
        figures[f"{dataset}_train_seconds"] = round(judge.train_seconds, 1)
    return figures
