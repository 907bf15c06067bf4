"""The faces benchmark in its quick profile: it runs, writes its figures and both sample files."""

import json

import numpy as np
import pytest

from benchmarks.__main__ import main
from course_utils.data import faces


@pytest.mark.slow
def test_faces_benchmark_quick_writes_json_and_npz(tmp_path):
    assert main(["faces", "--profile", "quick", "--out", str(tmp_path)]) == 0
    record = json.loads((tmp_path / "faces.json").read_text())
    for key in ("generated_attribute_accuracy", "identity_ratio", "recognizer_accuracy_real_only",
                "recognizer_accuracy_real_plus_generated", "seconds", "attribute_judge_heldout_real",
                "identity_classifier_heldout_real", "real_identity_ratio", "wall_seconds"):
        assert key in record, key
    assert set(record["generated_attribute_accuracy"]) == set(faces.ATTRIBUTE_NAMES)
    assert all(0 <= v <= 1 for v in record["generated_attribute_accuracy"].values())
    assert record["identity_ratio"] > 0
    # the judges must be good on real faces, or their verdicts on generated ones mean nothing
    assert min(record["attribute_judge_heldout_real"].values()) > 0.8

    for name, least in (("faces.samples.npz", 1000), ("faces.real.npz", 5000)):
        data = np.load(tmp_path / name)
        images, attributes = data["images"], data["attributes"]
        assert images.shape[0] >= least and images.shape[1:] == (3, 32, 32) and images.dtype == np.float32
        assert images.min() >= -1 and images.max() <= 1
        assert attributes.shape == (len(images), len(faces.ATTRIBUTES)) and attributes.dtype.kind == "i"
        assert tuple(data["attribute_names"]) == faces.ATTRIBUTE_NAMES
        for j, attribute in enumerate(faces.ATTRIBUTES):
            counts = np.bincount(attributes[:, j], minlength=len(attribute.values))
            assert len(counts) == len(attribute.values) and counts.min() > 0.5 * counts.mean()
