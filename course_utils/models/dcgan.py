"""The conditional DCGAN of the course's source report (Radford et al., 2016 + Mirza & Osindero, 2014).

    G:  z (z_dim) ; embed(y) (embed_dim)  -> (z_dim + embed_dim) x 1 x 1
        -> ConvTranspose + BatchNorm + ReLU, doubling the size and halving the channels each time
        -> ConvTranspose -> Tanh -> image in [-1, 1]
    D:  image ; embed(y) reshaped to one H x W channel -> (channels + 1) x H x W
        -> Conv (stride 2) + LeakyReLU, then Conv + BatchNorm + LeakyReLU, halving the size each time
        -> Conv over the last feature map -> one logit

The generator reads the label as a small learned vector (5 numbers for MNIST in the report) stacked on the
noise; the discriminator reads it as a whole learned image-sized plane stacked on the picture, so every one of
its filters in the first layer can compare the picture with what the label says.

D returns a *logit*, not a probability. The report ends D with a sigmoid and uses BCE; sigmoid followed by
BCE equals BCE-with-logits on the logit, but the fused form computes log(sigmoid(a)) as -softplus(-a), which
never takes log(0) when D is very sure (see ``course_utils.losses``). D(x, y) = sigmoid(logit) is the
probability the report's D outputs.

Sizes: 28 x 28 (the CPU default: MNIST's own size, 2 upsampling stages from 7 x 7), 32 x 32 (3 stages from
4 x 4) and 64 x 64 (the report's setting: 4 stages from 4 x 4, the DCGAN paper's layout). ``feature_maps``
(64 in the report) is the width of the last hidden layer of G and of the first layer of D; it doubles
towards the small end.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn

# The report's parameter table for MNIST (Table 1).
SEED_TABLE = {"n_classes": 10, "embed_dim": 5, "channels": 1, "z_dim": 20, "reconstruction_weight": 5.0,
              "batch_size": 256, "feature_maps": 64}

# size -> (side of the first feature map, number of stride-2 stages)
LAYOUTS = {28: (7, 2), 32: (4, 3), 64: (4, 4)}


def _check_size(size: int) -> tuple[int, int]:
    if size not in LAYOUTS:
        raise ValueError(f"size must be one of {', '.join(map(str, LAYOUTS))}; got {size}")
    return LAYOUTS[size]


def _check_labels(labels: torch.Tensor, n: int, n_classes: int) -> torch.Tensor:
    labels = labels.reshape(-1)
    if labels.shape[0] != n:
        raise ValueError(f"got {labels.shape[0]} labels for a batch of {n}")
    if labels.dtype.is_floating_point:
        raise ValueError("labels must be integer class indices of shape (N,)")
    return labels


def init_weights(module: nn.Module) -> None:
    """The DCGAN paper's initialisation: conv weights ~ N(0, 0.02), BatchNorm scale ~ N(1, 0.02), shift 0."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Embedding)):
        nn.init.normal_(module.weight, 0.0, 0.02 if not isinstance(module, nn.Embedding) else 1.0)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


class ConditionalGenerator(nn.Module):
    """(z, label) -> image: the label's embedding is stacked on the noise as extra input channels."""

    def __init__(self, z_dim: int = 20, n_classes: int = 10, embed_dim: int = 5, channels: int = 1,
                 feature_maps: int = 64, size: int = 28):
        super().__init__()
        start, stages = _check_size(size)
        if min(z_dim, n_classes, embed_dim, channels, feature_maps) < 1:
            raise ValueError("z_dim, n_classes, embed_dim, channels and feature_maps must all be at least 1")
        self.z_dim, self.n_classes, self.embed_dim = z_dim, n_classes, embed_dim
        self.channels, self.size = channels, size
        self.embed = nn.Embedding(n_classes, embed_dim)
        width = feature_maps * 2 ** (stages - 1)
        # 1 x 1 -> start x start: a transposed conv with a start x start kernel is a learned projection
        layers: list[nn.Module] = [nn.ConvTranspose2d(z_dim + embed_dim, width, start, 1, 0, bias=False),
                                   nn.BatchNorm2d(width), nn.ReLU(True)]
        for _ in range(stages - 1):  # each stage doubles the side and halves the channels
            layers += [nn.ConvTranspose2d(width, width // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(width // 2),
                       nn.ReLU(True)]
            width //= 2
        layers += [nn.ConvTranspose2d(width, channels, 4, 2, 1, bias=False), nn.Tanh()]
        self.net = nn.Sequential(*layers)
        self.apply(init_weights)

    def label_embedding(self, labels: torch.Tensor) -> torch.Tensor:
        """The learned (N, embed_dim) vectors of the labels; mixing two of them 'morphs' one class into another."""
        return self.embed(labels.long())

    def from_embedding(self, z: torch.Tensor, embedding: torch.Tensor) -> torch.Tensor:
        """G with the label given as an embedding vector (any vector, not only a row of the table)."""
        x = torch.cat([z.reshape(len(z), self.z_dim), embedding.to(z.dtype)], 1)
        return self.net(x[:, :, None, None])

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        labels = _check_labels(labels, len(z), self.n_classes)
        return self.from_embedding(z, self.label_embedding(labels))


class ConditionalDiscriminator(nn.Module):
    """(image, label) -> logit: the label's embedding, reshaped to an H x W plane, is an extra input channel."""

    def __init__(self, n_classes: int = 10, channels: int = 1, feature_maps: int = 64, size: int = 28,
                 slope: float = 0.2):
        super().__init__()
        _, stages = _check_size(size)
        if min(n_classes, channels, feature_maps) < 1:
            raise ValueError("n_classes, channels and feature_maps must all be at least 1")
        self.n_classes, self.channels, self.size = n_classes, channels, size
        self.embed = nn.Embedding(n_classes, size * size)
        # the first layer has no BatchNorm (DCGAN guideline: normalising the input layer destabilises D)
        layers: list[nn.Module] = [nn.Conv2d(channels + 1, feature_maps, 4, 2, 1, bias=False),
                                   nn.LeakyReLU(slope, True)]
        width = feature_maps
        for _ in range(stages - 1):
            layers += [nn.Conv2d(width, width * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(width * 2),
                       nn.LeakyReLU(slope, True)]
            width *= 2
        last = size // 2**stages  # 7 for 28 x 28, 4 for 32 and 64
        layers.append(nn.Conv2d(width, 1, last, 1, 0))  # one number per image: the logit
        self.net = nn.Sequential(*layers)
        self.apply(init_weights)

    def label_plane(self, labels: torch.Tensor) -> torch.Tensor:
        """(N, 1, H, W): each label's learned embedding laid out as an image."""
        return self.embed(labels.long()).view(len(labels), 1, self.size, self.size)

    def forward(self, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        labels = _check_labels(labels, len(images), self.n_classes)
        if images.shape[1:] != (self.channels, self.size, self.size):
            raise ValueError(f"D expects images of shape (N, {self.channels}, {self.size}, {self.size}); "
                             f"got {tuple(images.shape)}")
        plane = self.label_plane(labels).to(images.dtype)
        if images.is_contiguous(memory_format=torch.channels_last):
            plane = plane.contiguous(memory_format=torch.channels_last)
        return self.net(torch.cat([images, plane], 1)).flatten()


# --- counting: a layer table and FLOPs ---------------------------------------------------------------------------

def _layer_flops(module: nn.Module, inputs: torch.Tensor, output: torch.Tensor) -> int:
    """Floating-point operations of one layer for ONE image, counting a multiply-add as 2.

    Only the convolutions and linear maps are counted: BatchNorm, activations, the embedding lookup and the
    concatenation add well under 1% here (the usual convention of FLOP counters, torch's included).
    """
    if isinstance(module, nn.Conv2d):
        k = module.kernel_size[0] * module.kernel_size[1] * module.in_channels // module.groups
        return 2 * k * output[0].numel()
    if isinstance(module, nn.ConvTranspose2d):
        # every input pixel scatters a k x k x C_out patch
        k = module.kernel_size[0] * module.kernel_size[1] * module.out_channels // module.groups
        return 2 * k * inputs[0].numel()
    if isinstance(module, nn.Linear):
        return 2 * module.in_features * module.out_features
    return 0


def layer_table(model: nn.Module, *example) -> list[dict]:
    """One row per layer: its name, what it is, its output shape for one image, its parameters and FLOPs.

    `example` are the model's inputs for a batch (e.g. z, labels); the model runs once in eval mode.
    """
    rows, hooks = [], []

    def record(name):
        def hook(module, inputs, output):
            inp = inputs[0] if inputs and torch.is_tensor(inputs[0]) else None
            rows.append({"layer": name, "type": type(module).__name__,
                         "output shape": tuple(output.shape[1:]),
                         "parameters": sum(p.numel() for p in module.parameters(recurse=False)),
                         "MFLOPs": _layer_flops(module, inp, output) / 1e6,
                         "note": _note(module)})
        return hook

    for name, module in model.named_modules():
        if not list(module.children()):
            hooks.append(module.register_forward_hook(record(name)))
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(*example)
    finally:
        model.train(was_training)
        for h in hooks:
            h.remove()
    return rows


def _note(module: nn.Module) -> str:
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        k, s, p = module.kernel_size[0], module.stride[0], module.padding[0]
        return f"{module.in_channels}->{module.out_channels}, kernel {k}, stride {s}, padding {p}"
    if isinstance(module, nn.Embedding):
        return f"{module.num_embeddings} labels -> {module.embedding_dim} numbers"
    if isinstance(module, nn.LeakyReLU):
        return f"slope {module.negative_slope}"
    return ""


def flops_per_image(model: nn.Module, *example) -> int:
    """Forward FLOPs for one image (multiply-add = 2), from the layer table."""
    return int(round(sum(r["MFLOPs"] for r in layer_table(model, *example)) * 1e6))


def gan_flops(generator: ConditionalGenerator, discriminator: ConditionalDiscriminator) -> dict:
    """Forward FLOPs per image of G and D, and the FLOPs one training image costs in the report's loop.

    Per real image the loop runs G forward once, D forward three times (real, fake for D's step, fake again
    for G's step) and a backward pass after each, which costs about twice its forward (gradients for the
    inputs and for the weights). So training costs about 3 G + 9 D forward FLOPs per image.
    """
    device = next(generator.parameters()).device
    z = torch.zeros(2, generator.z_dim, device=device)
    y = torch.zeros(2, dtype=torch.long, device=device)
    g = flops_per_image(generator, z, y)
    x = torch.zeros(2, discriminator.channels, discriminator.size, discriminator.size, device=device)
    d = flops_per_image(discriminator, x, y)
    return {"generator": g, "discriminator": d, "forward": g + d, "training": 3 * g + 9 * d}


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def matmul_flops_per_second(n: int = 2048, repeats: int = 5, device: torch.device | str = "cpu",
                            dtype: torch.dtype = torch.float32) -> float:
    """FLOP/s of a dense n x n matrix product on this machine: the yardstick for 'fraction of peak'.

    The product is timed twice, as torch.mm (the BLAS library) and as the same product written as a 1 x 1
    convolution (oneDNN on CPUs, cuDNN on GPUs), and the faster counts: on some CPUs (MKL on AMD chips, for
    one) the BLAS kernel is well below what the convolution library gets from the same cores.
    """
    import time

    device = torch.device(device)
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    image = a.T.reshape(1, n, n, 1)  # (batch 1, n channels, n x 1 pixels)
    weight = b.T.reshape(n, n, 1, 1)  # n filters of n channels: conv(image)[o, i] = sum_k a[i, k] b[k, o]

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize()

    def best_time(fn):
        for _ in range(2):
            fn()  # warm-up
        sync()
        best = math.inf
        for _ in range(repeats):
            started = time.perf_counter()
            fn()
            sync()
            best = min(best, time.perf_counter() - started)
        return best

    with torch.no_grad():
        seconds = min(best_time(lambda: a @ b), best_time(lambda: torch.nn.functional.conv2d(image, weight)))
    return 2 * n**3 / seconds
