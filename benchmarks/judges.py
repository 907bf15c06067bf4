"""Every instrument the series measures with, and its held-out accuracy.

The label judges (MNIST, Fashion-MNIST, rendered hair colour) are trained from scratch in the full profile (the
figures are what a fresh machine gets); the quick profile reports the cached or shipped ones (training them first
if neither is there). The other instruments are reported as the notebooks load them, in both profiles: the second
digit classifier (06, 08), the edge reader (06), the full recipe's face attribute and identity judges and the
second face-attribute classifier (07, 09, 10). Retraining those would overwrite the caches the notebooks read.
"""

from pathlib import Path

from course_utils import runtime
from course_utils.judges import crosscheck, edges, faces, labels


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
    loaded = {"digit_second_classifier": crosscheck.digit_crosscheck(device),
              "edge_reader": edges.edge_reader(device),
              "face_attribute_judge": faces.get_face_judge("attributes", device, profile="full"),
              "face_identity_judge": faces.get_face_judge("identity", device, profile="full"),
              "face_second_classifier": crosscheck.face_attribute_crosscheck(device)}
    figures["as_loaded"] = sorted(loaded)  # not retrained by this benchmark, in either profile
    for name, judge in loaded.items():
        accuracy = judge.heldout_accuracy
        figures[f"{name}_source"] = judge.source
        figures[f"{name}_heldout_accuracy"] = (round(accuracy, 4) if isinstance(accuracy, float)
                                               else {k: round(v, 4) for k, v in accuracy.items()})
    return figures
