"""Counting what a model costs: parameters, a layer table with output shapes and FLOPs, the FLOPs of one
training image of a conditional GAN, and this machine's dense-matmul FLOP/s (the yardstick of 'fraction of
peak'). A multiply-add counts as 2 FLOPs."""

from __future__ import annotations

import math
import time

import torch
import torch.nn as nn


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


def gan_flops(generator: nn.Module, discriminator: nn.Module) -> dict:
    """Forward FLOPs per image of a conditional G(z, y) and D(x, y), and the FLOPs one training image costs in
    the report's loop (G needs `z_dim`, D `channels` and `size`, as the conditional DCGAN's have).

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
