"""Evaluation: sampling (one generate, balanced labels), metrics (judged figures against held-out real test
images), modes (2-D mode coverage), stacked_modes (Stacked MNIST's 1,000 modes), translation (pix2pix's L1,
PSNR, sharpness), faces (attribute accuracy, identity ratio), gradients (what reaches G) and record (what a
notebook hands to its benchmark)."""
