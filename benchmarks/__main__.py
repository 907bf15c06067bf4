"""python -m benchmarks NAME [--profile quick|full] [--seed N] [--dataset D] [--size S] [--pretrained] --out DIR

A benchmark of a lesson runs the lesson's notebook: papermill executes it in the chosen profile, with
`-p seed N` (and `-p dataset D`, `-p image_size S` where the notebook takes them), and with COURSE_RECORD
pointing at DIR, so the notebook writes what its results table shows to DIR/NAME.json and its samples to
DIR/NAME.samples.npz (course_utils.evaluate.record). The executed notebook is kept as DIR/NAME.ipynb, the
evidence behind every figure. Its training runs go to a fresh folder (--runs, by default a temporary one),
so a benchmark always trains and never resumes an older run. A cell that stops with an error (a promise missed by a
point on another machine's numerics) does not stop the cells after it: what the notebook records is still written,
with `notebook_errors` naming each stopped cell, and the command exits 1. With --pretrained it trains nothing: the
notebook runs with `pretrained=True` and records the figures and samples of the project's own shipped full-profile run,
judged by today's code (minutes instead of the full profile's training; `"pretrained": true` in the record).

Measurements that no notebook makes (`batches`, `judges`) are scripts: benchmarks/NAME.py with
`run(profile, seed, out) -> dict`. Either way DIR/NAME.json gets the machine's device, thread count and
wall seconds beside the figures.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import torch

from course_utils import pretrained, runtime
from course_utils.checkpoints import cannot_write
from course_utils.evaluate import record
from course_utils.series import stopped_cells

HERE = Path(__file__).resolve().parent
NOTEBOOKS = HERE.parent / "notebooks"
# benchmark -> the notebook that is its recipe
NOTEBOOK_BENCHMARKS = {
    "gan2d": "01_gan_2d_synthetic",
    "mlp_gan": "03_mlp_gan_mnist",
    "cgan": "04_cgan_mnist",
    "dcgan": "05_conditional_dcgan",
    "pix2pix": "06_pix2pix",
    "faces": "07_auxiliary_face_gan",
    "modes": "08_mode_collapse",
    "latent": "09_latent_space",
    "evaluation": "10_evaluating_gans",
}
# command-line option -> notebook parameter
OPTIONS = {"dataset": "dataset", "size": "image_size"}


def scripts() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_"))


def available() -> list[str]:
    return sorted(set(scripts()) | set(NOTEBOOK_BENCHMARKS))


def shipped_mismatch(name: str, parameters: dict) -> str | None:
    """Why --pretrained cannot serve these notebook parameters (the shipped run used others), or None."""
    shipped = pretrained.settings(NOTEBOOK_BENCHMARKS[name])
    differ = {k: v for k, v in parameters.items() if shipped.get(k) != v}
    if not differ:
        return None
    return (f"--pretrained loads the shipped run of {name}, trained with "
            + ", ".join(f"{k}={shipped.get(k)!r}" for k in differ) + "; asked for "
            + ", ".join(f"{k}={v!r}" for k, v in differ.items()))


def run_notebook(name: str, profile: str, seed: int, out: Path, options: dict, runs: Path | None,
                 use_pretrained: bool = False) -> dict:
    """Execute the benchmark's notebook; returns what it recorded, with `notebook` and its wall seconds."""
    import papermill  # here: `--help` should not wait for it

    notebook = NOTEBOOKS / f"{NOTEBOOK_BENCHMARKS[name]}.ipynb"
    known = papermill.inspect_notebook(str(notebook))
    parameters = {"seed": seed}
    for option, value in options.items():
        if OPTIONS[option] not in known:
            raise SystemExit(f"python -m benchmarks: benchmark {name} takes no --{option}")
        parameters[OPTIONS[option]] = value
    if use_pretrained:
        problem = shipped_mismatch(name, parameters)
        if problem:
            raise SystemExit(f"python -m benchmarks: {problem}")
        parameters["pretrained"] = True
    for old in (f"{name}.json", f"{name}.samples.npz"):  # what is read back was written by this run
        (out / old).unlink(missing_ok=True)
    run_root = runs or Path(tempfile.mkdtemp(prefix=f"{name}-runs-"))
    # COURSE_CLAIMS: a claim that fails stops its cell (named in the record) whatever the options
    environment = {"COURSE_PROFILE": profile, record.ENV: str(out), "COURSE_RUNS": str(run_root),
                   "COURSE_CLAIMS": "strict"}
    saved = {k: os.environ.get(k) for k in environment}
    os.environ.update(environment)  # the kernel inherits them
    started = time.perf_counter()
    executed = out / f"{name}.ipynb"
    stopped = []
    try:
        # allow_errors: the cells after a stopped one still run, so a missed promise loses no figure or sample
        papermill.execute_notebook(str(notebook), str(executed), parameters=parameters, cwd=str(NOTEBOOKS),
                                   progress_bar=False, kernel_name="python3", allow_errors=True)
    except papermill.PapermillExecutionError as error:
        stopped = stopped_cells(executed, error)
    finally:
        seconds = time.perf_counter() - started
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if runs is None:
            shutil.rmtree(run_root, ignore_errors=True)
    path = out / f"{name}.json"
    if not path.exists():
        why = f"; it stopped at {'; '.join(stopped)}" if stopped else f" (it never calls record.figures({name!r}, ...))"
        raise RuntimeError(f"{notebook.name} ran but recorded no figures for {name}{why}")
    figures = json.loads(path.read_text())
    return {"notebook": notebook.stem, **figures, "notebook_seconds": round(seconds, 1),
            **({"notebook_errors": stopped} if stopped else {})}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("name", choices=available())
    parser.add_argument("--profile", choices=runtime.PROFILES, default="full")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="folder for NAME.json (and NAME.samples.npz)")
    parser.add_argument("--dataset", help="for benchmarks whose notebook takes one (dcgan: mnist, fashion, faces; "
                                          "cifar10, afhq, celeba where their files are)")
    parser.add_argument("--size", type=int, help="image size, for benchmarks whose notebook takes one (dcgan)")
    parser.add_argument("--runs", type=Path, help="keep the notebook's training runs here (to export them as "
                                                  "pretrained weights); default: a temporary folder")
    parser.add_argument("--pretrained", action="store_true",
                        help="train nothing: record the shipped full-profile run's figures and samples, judged by "
                             "today's code (lesson benchmarks; the shipped seed and options only)")
    args = parser.parse_args(argv)
    if args.seed < 0:
        parser.error(f"--seed must be at least 0; got {args.seed}")
    problem = cannot_write(args.out)
    if problem:
        print(f"python -m benchmarks: cannot write to --out {args.out} ({problem}); choose a folder you can write to",
              file=sys.stderr)
        return 2

    options = {k: getattr(args, k) for k in OPTIONS if getattr(args, k) is not None}
    started = time.perf_counter()
    if args.pretrained and args.runs:
        parser.error("--pretrained trains nothing, so there are no runs to keep: drop --runs")
    if args.name in NOTEBOOK_BENCHMARKS:
        figures = run_notebook(args.name, args.profile, args.seed, args.out, options, args.runs, args.pretrained)
    else:
        if options or args.runs or args.pretrained:
            given = sorted(options) + ["runs"] * bool(args.runs) + ["pretrained"] * args.pretrained
            parser.error(f"benchmark {args.name} takes no --{' --'.join(given)}")
        runtime.seed_everything(args.seed)
        figures = importlib.import_module(f"benchmarks.{args.name}").run(profile=args.profile, seed=args.seed,
                                                                         out=args.out)
    device = runtime.get_device()
    result = {
        "benchmark": args.name,
        "profile": args.profile,
        "seed": args.seed,
        "pretrained": args.pretrained,
        **figures,
        "device": str(device) + (f" ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else ""),
        "cpu": platform.processor() or platform.machine(),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "wall_seconds": round(time.perf_counter() - started, 2),
    }
    path = args.out / f"{args.name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    width = max(map(len, result))
    for key, value in result.items():
        shown = json.dumps(value) if isinstance(value, dict | list) else value
        print(f"{key:<{width}}  {str(shown)[:200]}")
    print(f"wrote {path}")
    if result.get("notebook_errors"):
        print(f"python -m benchmarks: {result['notebook']} stopped at {len(result['notebook_errors'])} cell(s), "
              f"listed as notebook_errors in {path} (the executed notebook {args.out / args.name}.ipynb shows them); "
              "the figures and samples it recorded are written", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
