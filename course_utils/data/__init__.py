"""Data, offline first: mnist (MNIST and Fashion-MNIST), stacked_mnist (three digits as
colour channels: 1,000 modes), toy2d (the 2-D sets), paired (pix2pix's pairs), faces
(the procedural face renderer and the attribute schema), celeba, batches (seeded in-memory batches) and
augment (batched rotation and shift)."""
