"""The series' shipped generators, loaded for notebook 10 (course_utils.evaluate.generators)."""

import pytest
import torch

from course_utils.evaluate import generators

CPU = torch.device("cpu")


@pytest.mark.parametrize("build, shape", [(generators.mlp_gan, (1, 28, 28)), (generators.cgan, (1, 28, 28)),
                                          (generators.dcgan_l1, (1, 28, 28)), (generators.face_acgan, (3, 32, 32))])
def test_each_shipped_generator_loads_and_draws_seeded_images(build, shape):
    g = build(CPU)
    images = g.sample(20, 3)
    assert images.shape == (20, *shape) and images.min() >= -1 and images.max() <= 1
    assert torch.equal(images, g.sample(20, 3)) and not torch.equal(images, g.sample(20, 4))
    assert g.history.steps and g.run.startswith(g.notebook[:2])
    assert images.std(0).mean() > 0.05  # trained weights: the samples differ from each other


def test_the_dcgan_samples_from_its_weight_average_not_its_latest_weights():
    g = generators.dcgan_l1(CPU)
    assert "weight average" in g.title
    entry = generators.pretrained.available()[g.run]
    assert entry["models"] == ["G", "G_ema"]


def test_the_face_training_set_is_notebook_07s():
    settings = generators.pretrained.settings("07_auxiliary_face_gan")
    assert (settings["n_faces"], settings["identities"]) == (12000, 4000)
