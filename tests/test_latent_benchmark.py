"""The latent benchmark in its quick profile: `python -m benchmarks latent` executes notebook 09, which records the
figures of its tables (latent.json), InfoGAN's samples with the code value each was drawn with
(latent.samples.npz) and the face arithmetic's results with the attributes they were meant to have
(arithmetic.samples.npz)."""

import math

import benchmark_runs
import numpy as np
import pytest

from course_utils.data import faces

pytestmark = pytest.mark.slow  # InfoGAN and a face GAN are trained


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("latent")
    record, executed = benchmark_runs.quick_run("latent", out)
    return out, record, executed


def test_the_record_holds_every_table(quick_run):
    _, record, _ = quick_run
    for key in ("matched_accuracy_per_seed", "matched_accuracy_mean", "matched_accuracy_std", "continuous_codes",
                "arithmetic", "arithmetic_three_samples", "face_frechet", "face_frechet_real_floor",
                "judge_heldout_accuracy", "face_judge_heldout_accuracy", "reference", "seconds"):
        assert key in record, key
    assert list(record["matched_accuracy_per_seed"]) == ["0"]
    assert set(record["continuous_codes"]) == {"c2", "c3"}
    # (the quick run's GAN may draw too few judged smiles or glasses for a concept's vector: it is then left out)
    assert set(record["arithmetic_samples"]) <= {"smiling", "eyeglasses"} & set(record["arithmetic"])
    for row in record["arithmetic"].values():
        for key in ("flipped", "kept (lowest)", "control: flipped", "control: kept (lowest)"):
            assert 0 <= row[key] <= 1, (key, row)
    sure = record["face_judge_sure_share"]
    assert sure["threshold"] == 0.95 and 0 <= sure["generated"] <= 1 and 0 <= sure["real"] <= 1
    for row in record["arithmetic_by_judge_confidence"].values():
        assert row["neutral faces"] >= 30 and 0 <= row["control: kept (lowest)"] <= 1, row
    assert list(record["linear_readout"]) == list(faces.ATTRIBUTE_NAMES)
    for row in record["linear_readout"].values():
        assert all(0 < share <= 1 for share in row.values()), row
    ideal = record["arithmetic_half_space_smiling"]
    assert ideal is None or (ideal["|v|"] > 0 and 0 < ideal["flipped"] < 1), ideal
    # both face readers' shares, per reading, reader and attribute; the second classifier's own smiling arithmetic
    readers = record["face_readers"]
    assert list(readers) == ["real faces: sure", "G's test faces: sure", "real faces: read right",
                             "blurred real faces: read right"]
    for reading in readers.values():
        assert list(reading) == ["judge", "second classifier"]
        for shares in reading.values():
            assert list(shares) == list(faces.ATTRIBUTE_NAMES) and all(0 <= s <= 1 for s in shares.values()), shares
    # the shipped second classifier is sure of nearly every real face, whatever the quick run's G drew
    assert min(readers["real faces: sure"]["second classifier"].values()) > 0.9, readers
    # how often the two readers give a face the same reading, per attribute, on G's test faces and on real ones
    same = record["face_readers_same_reading"]
    assert list(same) == ["generated", "real"], same
    for shares in same.values():
        assert list(shares) == list(faces.ATTRIBUTE_NAMES) and all(0 <= s <= 1 for s in shares.values()), shares
    second = record["arithmetic_second_classifier_smiling"]
    if second is not None:
        assert second["test faces without it"] > 0 and second["|v|"] > 0, second
        assert all(0 <= second[key] <= 1 for key in ("flipped", "kept (lowest)", "control: flipped")), second


def test_infogan_samples_carry_their_codes_evenly(quick_run):
    out, _, _ = quick_run
    samples = np.load(out / "latent.samples.npz")
    images, codes = samples["images"], samples["codes"]
    assert images.shape == (2000, 1, 28, 28) and images.dtype == np.float32
    assert images.min() >= -1 and images.max() <= 1
    assert codes.shape == (2000,) and np.bincount(codes, minlength=10).tolist() == [200] * 10


def test_arithmetic_samples_carry_the_attributes_they_were_meant_to_have(quick_run):
    out, record, _ = quick_run
    blocks = record["arithmetic_samples"]
    if not blocks:
        assert not (out / "arithmetic.samples.npz").exists()
        pytest.skip("the quick run's GAN drew too few judged smiles and glasses for either vector")
    samples = np.load(out / "arithmetic.samples.npz")
    images, attributes = samples["images"], samples["attributes"]
    assert tuple(samples["attribute_names"]) == faces.ATTRIBUTE_NAMES
    assert images.shape[1:] == (3, 32, 32) and len(images) == len(attributes)
    assert list(blocks) == [n for n in ("smiling", "eyeglasses") if n in blocks] and len(images) == sum(blocks.values())
    # each block was meant to have the concept its vector adds: smiling first, then glasses when recorded
    columns = {"smiling": faces.SMILING, "eyeglasses": faces.EYEGLASSES}
    start = 0
    for name, count in blocks.items():
        assert count == record["arithmetic"][name]["test faces without it"]
        assert (attributes[start:start + count, columns[name]] == 1).all(), name
        start += count


def test_q_learned_to_read_the_code_from_gs_pictures(quick_run):
    # A learning floor on today's step and loss: Q's cross-entropy on the categorical code starts at log 10 = 2.30
    # (Q guesses); after the quick run's 3 passes it must have fallen well below. A step that detaches Q's input
    # from G, or leaves Q out of an optimiser, keeps it near log 10.
    _, record, _ = quick_run
    assert record["info_category_late"] < 0.5 * math.log(10), record["info_category_late"]


def test_the_face_gan_moved_towards_real_faces(quick_run):
    # A learning floor on the face GAN's step: the judge's Frechet distance to real faces falls from about 560 at
    # G's initial weights to about 260 in the quick run's 186 steps (batches of 32); with G's optimiser step left out
    # it still falls to about 340 (G's batch-norm statistics move), so the floor sits between the two
    _, record, _ = quick_run
    assert record["face_frechet"] < 0.55 * record["face_frechet_start"], (record["face_frechet"],
                                                                        record["face_frechet_start"])
