"""The faces benchmark in its quick profile: `python -m benchmarks faces` executes notebook 07, which records the
figures of its own tables (faces.json), its generated faces (faces.samples.npz) and its real check set
(faces.real.npz); the executed notebook is kept beside them as the evidence."""

import re

import benchmark_runs
import nbformat
import numpy as np
import pytest

from course_utils.data import faces

pytestmark = pytest.mark.slow  # the face GAN, two recognizers and (on first use) the face judges are trained
KEYS = {"attribute_names", "attribute_judge_heldout_real", "attribute_judge_on_real_check",
        "identity_classifier_heldout_real", "generated_attribute_accuracy", "identity_ratio",
        "identity_ratio_per_attribute", "real_identity_ratio", "recognizer_people", "recognizer_real_per_person",
        "recognizer_generated_per_person", "recognizer_test_per_person", "inversion_mse",
        "recognizer_accuracy_real_only", "recognizer_accuracy_real_plus_generated",
        "recognizer_accuracy_perfect_generator", "recognizer_seeds", "recognizer_accuracy_std",
        "recognizer_identity_check", "second_classifier_heldout_real", "second_classifier_on_real_check",
        "second_classifier_on_generated", "gan_steps", "gan_train_seconds",
        "judges_seconds", "samples", "seconds", "notebook", "reference", "device", "threads", "wall_seconds"}
PER_ATTRIBUTE = ("attribute_judge_heldout_real", "attribute_judge_on_real_check", "generated_attribute_accuracy",
                 "identity_ratio_per_attribute", "second_classifier_heldout_real", "second_classifier_on_real_check",
                 "second_classifier_on_generated")


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("faces")
    return out, benchmark_runs.quick_run("faces", out)[0]


def summary_row(nb, label):
    """The number the executed notebook's Results table shows in row `label`, as shown."""
    shown = [o["data"]["text/plain"] for c in nb.cells if c.cell_type == "code" and "summary = " in c.source
             for o in c.outputs if "text/plain" in o.get("data", {})]
    assert shown, "the Results table is missing from the executed notebook"
    found = re.search(rf"^{re.escape(label)}\s+([-0-9.,e+]+)\s*$", shown[0], re.MULTILINE)
    assert found, (label, shown[0])
    return found.group(1)


def test_json_keeps_every_figure_of_the_old_benchmark(quick_run):
    _, record = quick_run
    assert KEYS <= set(record), KEYS - set(record)
    assert "held-out people" in record["reference"] and "2,000" in record["reference"]
    assert tuple(record["attribute_names"]) == faces.ATTRIBUTE_NAMES
    for key in PER_ATTRIBUTE:
        assert tuple(record[key]) == faces.ATTRIBUTE_NAMES, key
    assert (record["recognizer_people"], record["recognizer_real_per_person"],
            record["recognizer_generated_per_person"], record["recognizer_test_per_person"]) == (20, 3, 30, 20)
    assert record["samples"] == 2016
    assert record["identity_ratio"] == pytest.approx(np.mean(list(record["identity_ratio_per_attribute"].values())),
                                                     rel=1e-4)


def test_figures_are_what_the_notebook_showed(quick_run):
    out, record = quick_run
    nb = nbformat.read(out / "faces.ipynb", as_version=4)
    for label, key in (("identity ratio (generated)", "identity_ratio"),
                       ("identity ratio (real faces)", "real_identity_ratio"),
                       ("recognizer, real only", "recognizer_accuracy_real_only"),
                       ("recognizer, real + generated", "recognizer_accuracy_real_plus_generated"),
                       ("recognizer, real + a perfect generator", "recognizer_accuracy_perfect_generator"),
                       ("GAN steps", "gan_steps")):
        shown = summary_row(nb, label)  # to 3 decimals, counts and seconds whole: equal to within that rounding
        decimals = len(shown.split(".")[1]) if "." in shown else 0
        assert float(shown.replace(",", "")) == pytest.approx(record[key], abs=0.6 * 10.0 ** -decimals), label


def test_quick_figures_are_those_of_a_working_run(quick_run):
    _, record = quick_run
    assert record["gan_steps"] == 3000 // 64  # one epoch of the quick profile's 3,000 faces (whole batches)
    # The judges do not depend on the GAN (their quick recipe, seed 0): they must read real faces well, or their
    # verdicts mean nothing. The quick identity classifier is weak (9% over 100 people) but far above chance.
    assert min(record["attribute_judge_heldout_real"].values()) > 0.8
    assert min(record["attribute_judge_on_real_check"].values()) > 0.8
    assert record["identity_classifier_heldout_real"] > 0.05
    # The second classifier ships with the full recipe in every profile: it reads held-out people's real faces
    # almost perfectly (0.9995-1.0 on the check set), the precondition of its second opinion.
    assert min(record["second_classifier_on_real_check"].values()) > 0.97
    # Floors set from quick runs with seeds 0-3, each well below the lowest seen and well above chance:
    # 46 GAN steps already get the colour attributes (lighting 0.73-0.85, chance 1/3; hair colour 0.56-0.78,
    # chance 1/4), while pose, smile and glasses stay near chance. With G's adversarial loss sign-flipped (seed
    # 0) G drew what D rejects: lighting 0.55 and hair colour 0.30, below both floors;
    generated = record["generated_attribute_accuracy"]
    assert generated["lighting"] > 0.65 and generated["hair_colour"] > 0.4, generated
    # on real faces toggling an attribute moves the embedding far less than changing the person (0.186-0.187);
    assert record["real_identity_ratio"] < 0.4
    # three real pictures per person teach the recognizer something (0.21-0.31 over 20 people, chance 0.05).
    assert record["recognizer_accuracy_real_only"] > 0.12
    # Real pictures of the same people under every condition (the perfect generator) lift it far (0.74 against 0.28
    # in the quick run of seed 0), and they, like the real training pictures, sit nearer their own person's test
    # pictures than anyone else's far more often than a wrong label would allow (0.47-0.49 against 1/20).
    assert record["recognizer_accuracy_perfect_generator"] > record["recognizer_accuracy_real_only"] + 0.2
    checked = record["recognizer_identity_check"]
    assert checked["real (frontal, even light)"]["closer to own person"] > 0.3
    assert checked["real, all conditions (perfect generator)"]["closer to own person"] > 0.3


def test_samples_and_real_faces_follow_the_evaluation_contract(quick_run):
    out, record = quick_run
    for name, count in (("faces.samples.npz", record["samples"]), ("faces.real.npz", 2000)):
        with np.load(out / name) as data:
            images, attributes, names = data["images"], data["attributes"], data["attribute_names"]
            identities = data["identities"] if name == "faces.real.npz" else None
        assert images.shape == (count, 3, 32, 32) and count >= 1000 and images.dtype == np.float32, name
        assert images.min() >= -1 and images.max() <= 1 and images.std() > 0.01, name
        assert attributes.shape == (count, len(faces.ATTRIBUTES)) and attributes.dtype == np.int64, name
        assert tuple(names) == faces.ATTRIBUTE_NAMES
        for j, attribute in enumerate(faces.ATTRIBUTES):
            counts = np.bincount(attributes[:, j], minlength=len(attribute.values))
            assert len(counts) == len(attribute.values) and counts.min() > 0.5 * counts.mean(), (name, attribute)
    with np.load(out / "faces.samples.npz") as data:  # every combination of attributes, equally often
        assert np.array_equal(data["attributes"], faces.balanced_attributes(record["samples"]).numpy())
    # the real check set: 500 people no judge and no GAN trained on
    assert identities.shape == (2000,) and len(np.unique(identities)) == 500 and identities.min() >= 900_000
