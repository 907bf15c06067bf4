"""Model families, one file each, written to read like the figures of their papers."""
