"""Pretrained runs that ship with the package, checked by SHA-256 before they are loaded.

A notebook run with `pretrained=True` skips training: `train(..., pretrained=True)` loads the weights and the
training history of the project's own full-profile run with the same settings, instead of training. They
were exported from that run's final checkpoints with

    COURSE_RUNS=/tmp/runs course-run --profile full          # train every notebook once
    python -m course_utils.pretrained export /tmp/runs       # replace those notebooks' shipped runs

`course_utils/weights/manifest.json` records each file's digest and size, and the full-profile parameters of
each notebook. A missing or damaged file, or settings that no shipped run used, is an error that says so;
the fallback is to train (`pretrained=False`).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import sys
from pathlib import Path

import torch

from .checkpoints import atomic_save, atomic_write_text, cannot_write, safe_load
from .runtime import CODE_DIGEST

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
# Only generators (and their weight averages) ship: no notebook uses a discriminator once training is over.
SHIPPED_MODELS = ("G", "g", "G_ema")


class PretrainedError(RuntimeError):
    """Weights that are missing, damaged or do not fit the model."""


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _manifest(folder: Path | None) -> dict:
    path = (folder or WEIGHTS_DIR) / "manifest.json"
    manifest = json.loads(path.read_text()) if path.exists() else {}
    return {"runs": manifest.get("runs", {}), "settings": manifest.get("settings", {})}


def _write_manifest(folder: Path, manifest: dict) -> None:
    atomic_write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", folder / "manifest.json")


def run_name(checkpoint: Path) -> str:
    """A run is named by its folder (notebook and digest of its settings, without the digest of its code) and
    its checkpoint's stem: pretrained=True loads the project's run whatever the notebook's code now says."""
    checkpoint = Path(checkpoint)
    folder = re.sub(rf"-c[0-9a-f]{{{CODE_DIGEST}}}$", "", checkpoint.parent.name)
    return f"{folder}/{checkpoint.stem}"


def _map_floats(value, cast):
    """`cast` applied to every floating tensor inside nested dicts and lists; everything else as it is."""
    if torch.is_tensor(value):
        return cast(value) if value.is_floating_point() else value
    if isinstance(value, dict):
        return {k: _map_floats(v, cast) for k, v in value.items()}
    if isinstance(value, list):
        return [_map_floats(v, cast) for v in value]
    return value


def export_run(checkpoint: Path, notebook: str, folder: Path | None = None) -> dict:
    """Keep a finished checkpoint's generator and history (not D, the optimizers or RNG) as a shipped run;
    a run trained with `ship_models=False` keeps its history alone, without the sample images either (they
    show a model that does not ship)."""
    folder = folder or WEIGHTS_DIR
    ckpt = safe_load(checkpoint, f"checkpoint {checkpoint}", "export a finished run")
    name = run_name(checkpoint)
    path = folder / (name.replace("/", "__") + ".pt")
    ship_models = ckpt.get("ship_models", True)
    models = {k: v for k, v in ckpt["models"].items() if k in SHIPPED_MODELS and ship_models}
    history = ckpt["history"] if ship_models else {**ckpt["history"], "snapshot_steps": [], "snapshot_images": []}
    # float16 halves the files; generated images do not change visibly
    atomic_save({"name": name, "step": ckpt["step"], "models": _map_floats(models, torch.Tensor.half),
                 "history": _map_floats(history, torch.Tensor.half)}, path)
    entry = {"file": path.name, "sha256": sha256(path), "bytes": path.stat().st_size, "notebook": notebook,
             "models": sorted(models), "left_out": sorted(set(ckpt["models"]) - set(models)),
             "step": ckpt["step"], "train_seconds": round(ckpt["history"]["seconds"], 1)}
    manifest = _manifest(folder)
    manifest["runs"][name] = entry
    _write_manifest(folder, manifest)
    return entry


def record_settings(notebook: str, parameters: dict, folder: Path | None = None) -> None:
    """The parameters a notebook's shipped runs were trained with (its full-profile defaults), but `pretrained`."""
    folder = folder or WEIGHTS_DIR
    manifest = _manifest(folder)
    manifest["settings"][notebook] = {k: v for k, v in parameters.items() if k != "pretrained"}
    _write_manifest(folder, manifest)


def settings(notebook: str, folder: Path | None = None) -> dict:
    """The full-profile parameters `notebook`'s shipped runs were trained with (a later notebook that loads
    an earlier one's generator builds its network from them)."""
    shipped = _manifest(folder)["settings"].get(notebook)
    if shipped is None:
        raise PretrainedError(f"no pretrained runs ship for {notebook}; set pretrained=False to train")
    return shipped


def shipped_settings(notebook: str, given: dict, folder: Path | None = None, keep: tuple = ()) -> dict:
    """The shipped settings of `notebook`, printing each one that differs from the `given` parameters.

    A notebook calls `globals().update(shipped_settings(name, globals()))` when `pretrained` is set, so
    that every later cell builds and names its runs exactly as the run that made the weights did. `keep`
    names parameters that no run depends on (how many samples a study draws): they stay as given.
    """
    shipped = {k: v for k, v in settings(notebook, folder).items() if k not in keep}
    changed = {k: v for k, v in shipped.items() if given.get(k) != v}
    if changed:
        print("pretrained: using the settings the shipped weights were trained with: "
              + ", ".join(f"{k}={v!r} (was {given.get(k)!r})" for k, v in changed.items()))
    return shipped


def available(folder: Path | None = None) -> dict:
    """run name -> manifest entry, for every shipped run."""
    return _manifest(folder)["runs"]


def find(run: str, stem: str, folder: Path | None = None) -> str:
    """The name of the one shipped run with weights whose folder is `run` plus a settings digest and whose
    checkpoint is `stem` ("04_cgan_mnist", "cgan"): how a later notebook finds an earlier one's generator."""
    pattern = re.compile(rf"{re.escape(run)}-[0-9a-f]+/{re.escape(stem)}")
    names = [name for name, entry in available(folder).items() if pattern.fullmatch(name) and entry["models"]]
    if len(names) != 1:
        raise PretrainedError(f"{len(names)} shipped runs with weights match {run}-*/{stem}, not one: {names}")
    return names[0]


def load_run(checkpoint: Path, models: dict[str, torch.nn.Module], history, folder: Path | None = None) -> dict:
    """Load the shipped run that `checkpoint` would hold into `models` and `history`, after checking its SHA-256.

    Models that were not shipped (the discriminators) keep their initial weights.
    """
    return load_named(run_name(checkpoint), models, history, folder)


def load_named(name: str, models: dict[str, torch.nn.Module], history, folder: Path | None = None) -> dict:
    """load_run for a run given by its name (see `find`)."""
    folder = folder or WEIGHTS_DIR
    entry = available(folder).get(name)
    if entry is None:
        raise PretrainedError(f"no pretrained run {name!r}: the shipped weights were trained with the notebook's "
                              "full-profile settings and these settings differ; set pretrained=False to train")
    path = folder / entry["file"]
    if not path.exists():
        raise PretrainedError(f"{path} is missing; reinstall the package or set pretrained=False to train")
    data = path.read_bytes()  # read once: the bytes that were checked are the bytes that are loaded
    digest = hashlib.sha256(data).hexdigest()
    if digest != entry["sha256"]:
        raise PretrainedError(f"{path} is damaged: its SHA-256 is {digest[:12]}..., the manifest says "
                              f"{entry['sha256'][:12]}...; reinstall the package or set pretrained=False to train")
    state = safe_load(data, str(path), "reinstall the package or set pretrained=False to train")
    if not set(state["models"]) <= set(models):
        raise PretrainedError(f"{path} holds models {sorted(state['models'])}, the notebook has {sorted(models)}")
    for key in state["models"]:
        model = models[key]
        try:
            model.load_state_dict(state["models"][key])  # copies into the model's own dtype and device
        except RuntimeError as err:
            raise PretrainedError(f"{path} does not fit model {key!r}: {str(err)[:200]}") from err
    history.load_state_dict(_map_floats(state["history"], torch.Tensor.float))
    return entry


def notebook_parameters(path: Path, quick: bool = False) -> dict:
    """The values a notebook's parameters cell gives in a profile, read by running that cell alone."""
    cells = json.loads(Path(path).read_text())["cells"]
    source = next("".join(c["source"]) for c in cells if "parameters" in c["metadata"].get("tags", []))
    namespace = {"QUICK": quick}
    exec(compile(ast.parse(source), str(path), "exec"), namespace)
    return {k: v for k, v in namespace.items() if k != "QUICK" and not k.startswith("__")}


def forget(notebook: str, folder: Path | None = None) -> None:
    """Remove a notebook's shipped runs (files and manifest entries), before its runs are exported anew."""
    folder = folder or WEIGHTS_DIR
    manifest = _manifest(folder)
    for name, entry in list(manifest["runs"].items()):
        if entry["notebook"] == notebook:
            (folder / entry["file"]).unlink(missing_ok=True)
            del manifest["runs"][name]
    _write_manifest(folder, manifest)


def export_all(runs: Path, notebooks: Path, folder: Path | None = None) -> list[tuple[str, dict]]:
    """Every notebook with a `pretrained` parameter and runs under `runs`: its full-profile settings and the
    final checkpoints of its runs replace what shipped for it before."""
    exported = []
    for path in sorted(notebooks.glob("[0-9][0-9]_*.ipynb")):
        parameters = notebook_parameters(path)
        checkpoints = [c for c in sorted(runs.glob("*/*.pt")) if re.match(rf"\D*{path.stem[:2]}\D", c.parent.name)]
        if "pretrained" not in parameters or not checkpoints:
            continue
        forget(path.stem, folder)
        record_settings(path.stem, parameters, folder)
        exported += [(run_name(c), export_run(c, path.stem, folder)) for c in checkpoints]
    return exported


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils.pretrained", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    export = sub.add_parser("export", help="ship the final checkpoints of a full-profile run of the series")
    export.add_argument("runs", type=Path, help="the COURSE_RUNS folder of that run")
    export.add_argument("--notebooks", type=Path, default=Path(__file__).resolve().parent.parent / "notebooks")
    args = parser.parse_args(argv)
    if not args.runs.is_dir():
        print(f"python -m course_utils.pretrained: no runs folder {args.runs}; give the COURSE_RUNS folder of a "
              "full-profile run", file=sys.stderr)
        return 2
    problem = cannot_write(WEIGHTS_DIR)
    if problem:
        print(f"python -m course_utils.pretrained: cannot write to {WEIGHTS_DIR} ({problem}); export from a "
              "checkout you can write to", file=sys.stderr)
        return 2
    for name, entry in export_all(args.runs, args.notebooks):
        print(f"{name:<60} {entry['bytes'] / 2**20:6.2f} MiB  step {entry['step']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
