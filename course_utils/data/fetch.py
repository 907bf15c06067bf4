"""Downloads through torchvision, for users who are online: one place that says what is fetched and where.

torchvision is optional for the course (nothing offline needs it), so a missing or mismatched torchvision is a
clear error here rather than an ImportError deep inside a loader.
"""

from __future__ import annotations

from pathlib import Path


def torchvision_download(name: str, root: Path, about: str, calls: list[dict]) -> None:
    """Call torchvision.datasets.NAME(root, download=True, **kwargs) once per kwargs in `calls`."""
    try:
        import torchvision.datasets
    except Exception as err:  # torchvision missing, or a build that does not match torch
        raise RuntimeError(f"download=True needs a working torchvision ({err}); pip install torchvision") from err
    print(f"Downloading {name} ({about}) into {root} ...")
    for kwargs in calls:
        getattr(torchvision.datasets, name)(str(root), download=True, **kwargs)
