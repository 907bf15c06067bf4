"""Shared code for the GAN course companion: data, models, losses, training loop, judges, figures."""

__version__ = "0.1.0"
