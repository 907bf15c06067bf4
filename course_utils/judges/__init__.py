"""Judges: classifiers trained on real images only, never with a GAN, so their verdicts are evidence.

net (the one classifier family) · fit (the one training loop) · cache (the one cache under data/judges/) ·
labels (one label per image: digits, fashion items, the colour sets) · faces (face attributes and identities).
Judges never import GAN models.
"""
