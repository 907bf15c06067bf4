"""faces: the auxiliary-classifier GAN on rendered faces (notebook 07), judged by classifiers it never saw.

Figures: the face judges' own held-out accuracy; for generated faces, the attribute judge's accuracy per
attribute; identity_ratio (how far toggling one attribute moves a face in the identity classifier's
embedding, over how far changing z moves it); and the seed's use, a face recognizer trained on a few real
pictures per person, without and with GAN pictures of the same people under other attributes.
Writes faces.samples.npz (generated) and faces.real.npz (rendered) in the same format.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch

from benchmarks._samples import save_samples
from course_utils import face_judges, faces, runtime
from course_utils.batches import TensorBatches
from course_utils.losses import d_loss, g_loss_non_saturating
from course_utils.models import acgan
from course_utils.train import evaluating, train

SIZES = faces.ATTRIBUTE_SIZES
PROFILES = {
    "quick": {"faces": 3000, "identities": 1000, "epochs": 1, "batch": 64, "lr": 4e-4, "width": 32, "samples": 1008,
              "real": 5000, "people": 20, "invert_steps": 60, "recognizer_steps": 120},
    "full": {"faces": 12000, "identities": 4000, "epochs": 18, "batch": 64, "lr": 4e-4, "width": 32, "samples": 2016,
             "real": 6000, "people": 40, "invert_steps": 300, "recognizer_steps": 400},
}
Z_DIM, LAMBDA_ATTR = 64, 2.0


def train_acgan(real: faces.FaceSet, cfg: dict, device: torch.device, seed: int, eval_fn=None, eval_every=0):
    torch.manual_seed(seed)
    G = acgan.Generator(Z_DIM, acgan.vector_width(SIZES), width=cfg["width"]).to(device)
    D = acgan.Discriminator(acgan.vector_width(SIZES), width=cfg["width"]).to(device)
    # twice DCGAN's usual rate: at 2e-4 pose, smile and glasses stay near chance for about 3,000 steps
    opt_g = torch.optim.Adam(G.parameters(), lr=cfg["lr"], betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=cfg["lr"], betas=(0.5, 0.999))
    batches = TensorBatches(real.images.to(device), real.attributes.to(device), batch_size=cfg["batch"], seed=seed)
    g = torch.Generator().manual_seed(seed + 1)

    def step(batch):
        x, a = batch
        n = len(x)
        fake_a = torch.stack([torch.randint(k, (n,), generator=g) for k in SIZES], 1).to(device)
        z = torch.randn(n, Z_DIM, generator=g).to(device)
        fake = G(z, faces.attribute_vector(fake_a))
        src_real, cls_real = D(x, faces.attribute_vector(a))
        src_fake, _ = D(fake.detach(), faces.attribute_vector(fake_a))
        loss_d = d_loss(src_real, src_fake) + LAMBDA_ATTR * acgan.attribute_loss(cls_real, a, SIZES)
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        src, cls = D(fake, faces.attribute_vector(fake_a))
        loss_g = g_loss_non_saturating(src) + LAMBDA_ATTR * acgan.attribute_loss(cls, fake_a, SIZES)
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        return {"loss_d": loss_d.item(), "loss_g": loss_g.item()}

    history = train(step, batches, epochs=cfg["epochs"], models={"G": G, "D": D},
                    optimizers={"G": opt_g, "D": opt_d}, desc="training the face AC-GAN",
                    eval_fn=(lambda: eval_fn(G)) if eval_fn else None, eval_every=eval_every)
    G.eval()
    return G, history


def run(profile: str, seed: int, out: Path) -> dict:
    cfg = PROFILES[profile]
    device = runtime.get_device()
    started = time.perf_counter()
    attribute_judge = face_judges.get_face_judge("attributes", device, profile=profile)
    identity_judge = face_judges.get_face_judge("identity", device, profile=profile)
    judges_seconds = time.perf_counter() - started

    real = faces.sample_faces(cfg["faces"], identities=cfg["identities"], seed=0, stream=seed)
    G, history = train_acgan(real, cfg, device, seed)

    attributes = faces.balanced_attributes(cfg["samples"])
    g = torch.Generator().manual_seed(seed + 2)
    z = torch.randn(len(attributes), Z_DIM, generator=g)

    def draw(z_, a_):
        with evaluating(G):
            return torch.cat([G(z_[i : i + 500].to(device), faces.attribute_vector(a_[i : i + 500]).to(device)).cpu()
                              for i in range(0, len(z_), 500)])

    samples = draw(z, attributes)
    accuracy = face_judges.per_attribute_accuracy(attribute_judge.predict(samples), attributes)
    real_check = faces.sample_faces(2000, identities=range(face_judges.HELDOUT_IDENTITIES,
                                                           face_judges.HELDOUT_IDENTITIES + 500), seed=0, stream=999)
    ratio = face_judges.identity_ratio(identity_judge.features, draw, z[:600], attributes[:600], seed=seed)
    # the same measure on real faces (z = the person): how attribute-blind the embedding itself is
    people = torch.arange(face_judges.HELDOUT_IDENTITIES, face_judges.HELDOUT_IDENTITIES + 600)
    real_ratio = face_judges.identity_ratio(identity_judge.features,
                                            lambda ids, a: faces.render(ids, a, nuisance_seed=seed), people,
                                            attributes[torch.randperm(600, generator=g)], seed=seed)
    recognition = face_judges.recognition_experiment(G, people=cfg["people"], invert_steps=cfg["invert_steps"],
                                                     recognizer_steps=cfg["recognizer_steps"], seed=seed)
    recognition = {k: round(v, 4) if isinstance(v, float) else v for k, v in recognition.items()
                   if not isinstance(v, torch.Tensor)}

    save_samples(out / "faces.samples.npz", samples, attributes=attributes.numpy().astype(np.int64),
                 attribute_names=np.array(faces.ATTRIBUTE_NAMES))
    real_out = faces.sample_faces(cfg["real"], identities=range(100_000, 100_000 + 1000), seed=0, stream=seed + 500)
    save_samples(out / "faces.real.npz", real_out.images, attributes=real_out.attributes.numpy().astype(np.int64),
                 attribute_names=np.array(faces.ATTRIBUTE_NAMES), identities=real_out.identities.numpy())
    return {
        "attribute_names": list(faces.ATTRIBUTE_NAMES),
        "attribute_judge_heldout_real": {k: round(v, 4) for k, v in attribute_judge.heldout_accuracy.items()},
        "attribute_judge_on_real_check": {k: round(v, 4) for k, v in face_judges.per_attribute_accuracy(
            attribute_judge.predict(real_check.images), real_check.attributes).items()},
        "identity_classifier_heldout_real": round(identity_judge.heldout_accuracy["identity"], 4),
        "generated_attribute_accuracy": {k: round(v, 4) for k, v in accuracy.items()},
        "identity_ratio": round(ratio["mean"], 4),
        "identity_ratio_per_attribute": {k: round(v, 4) for k, v in ratio.items() if k != "mean"},
        "real_identity_ratio": round(real_ratio["mean"], 4),
        **recognition,
        "gan_steps": history.steps[-1] if history.steps else 0,
        "gan_train_seconds": round(history.seconds, 1),
        "judges_seconds": round(judges_seconds, 1),
        "samples": len(samples),
        "seconds": round(time.perf_counter() - started, 1),
    }
