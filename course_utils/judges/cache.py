"""The judges' one cache: data/judges/NAME-DIGEST.pt, where DIGEST covers everything that made the judge
(its data source, its recipe, its architecture). A changed recipe is a new file, so a stale judge is never
reused; a file that cannot be read is an error that says to delete it.

The judges of the offline course (MNIST's offline sample, Debian's Fashion-MNIST, the face renderer's full
judges) also ship with the package, under course_utils/weights/judges/ with their SHA-256 in its
manifest.json: every student and CI then reads with the same judge, and nobody waits for it to train. A
shipped judge is used only where its digest is the one asked for, so a changed recipe still trains anew.
After such a change, train the judges (run the notebooks) and ship them again with

    python -m course_utils.judges.cache ship data/judges/mnist-*.pt ...
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

import torch

from ..checkpoints import CheckpointError, atomic_save, atomic_write_text, safe_load
from ..runtime import writable
from .net import Classifier, rebuild

VERSION = 2  # bump when a net family or the fit loop changes: every cached judge is then retrained
SHIPPED = Path(__file__).resolve().parent.parent / "weights" / "judges"


def path_for(name: str, key: dict, root: Path) -> Path:
    """Where the judge lives: ROOT/judges/, or the per-user cache when ROOT is read-only (runtime.writable)."""
    digest = hashlib.sha256(json.dumps({"version": VERSION, **key}, sort_keys=True, default=str).encode())
    file = f"{name}-{digest.hexdigest()[:10]}.pt"
    shared = Path(root) / "judges"
    if (shared / file).exists():  # a judge the instructor trained into a read-only folder is used as it is
        return shared / file
    return writable(shared, "judges") / file


def shipped(path: Path, folder: Path | None = None) -> bytes | None:
    """The shipped judge with the name of `path` (so the same digest), as bytes checked against its SHA-256
    (read once: the bytes checked are the bytes loaded); None if none ships. A shipped file that does not
    match its manifest is an error that says to reinstall."""
    folder = folder or SHIPPED
    digests = json.loads((folder / "manifest.json").read_text()) if (folder / "manifest.json").exists() else {}
    name = Path(path).name
    if name not in digests:
        return None
    file = folder / name
    data = file.read_bytes() if file.exists() else b""
    if hashlib.sha256(data).hexdigest() != digests[name]:
        raise CheckpointError(f"the shipped judge {file} is missing or damaged (its SHA-256 differs from "
                              f"{folder / 'manifest.json'}); reinstall course_utils")
    return data


def cached(path: Path, train: Callable[[], tuple[Classifier, dict]], device: torch.device,
           retrain: bool = False) -> tuple[Classifier, dict]:
    """(net, facts) from the cache file or the shipped judge of that name, or trained by `train()` and
    written to the cache file (atomically) first."""
    source, where = (path, path) if path.exists() else (shipped(path), SHIPPED / path.name)
    if source is not None and not retrain:
        state = safe_load(source, f"judge cache {where}", "delete it to retrain the judge")
        try:
            net = rebuild(state["architecture"])
            net.load_state_dict(state["net"])
        except (KeyError, TypeError, RuntimeError) as err:
            raise CheckpointError(f"judge cache {where} does not fit this version of the judges; "
                                  "delete it to retrain") from err
        return net.to(device).eval(), state["facts"]
    net, facts = train()
    atomic_save({"net": {k: v.cpu() for k, v in net.state_dict().items()}, "architecture": net.architecture(),
                 "facts": facts}, path)
    return net.eval(), facts


def ship(files: list[Path], folder: Path | None = None) -> list[Path]:
    """Copy trained judge files into the package's shipped folder and record their SHA-256."""
    folder = folder or SHIPPED
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / "manifest.json"
    digests = json.loads(manifest.read_text()) if manifest.exists() else {}
    copies = []
    for file in map(Path, files):
        data = file.read_bytes()  # read once: checked, copied and hashed from the same bytes
        safe_load(data, f"judge {file}", "train it again")  # only a readable judge ships
        copies.append(folder / file.name)
        copies[-1].write_bytes(data)
        digests[file.name] = hashlib.sha256(data).hexdigest()
    atomic_write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n", manifest)
    return copies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.judges.cache",
                                     description="Ship trained judges with the package.")
    parser.add_argument("command", choices=["ship"])
    parser.add_argument("files", nargs="+", type=Path, help="judge files, e.g. data/judges/mnist-*.pt")
    args = parser.parse_args(argv)
    for copy in ship(args.files):
        print(f"shipped {copy}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
