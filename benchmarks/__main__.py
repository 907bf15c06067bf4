"""python -m benchmarks NAME [--profile quick|full] [--seed N] [--dataset D] [--size S] --out DIR

Runs benchmarks/NAME.py, whose `run(profile, seed, out)` returns a dict of figures (and may write
NAME.samples.npz itself), and writes DIR/NAME.json with the figures plus the machine's device, thread count
and wall seconds. --dataset and --size go to the benchmarks whose run() takes them (dcgan).
"""

import argparse
import importlib
import inspect
import json
import platform
import sys
import time
from pathlib import Path

import torch

from course_utils import runtime

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=available())
    parser.add_argument("--profile", choices=runtime.PROFILES, default="full")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="folder for NAME.json (and NAME.samples.npz)")
    parser.add_argument("--dataset", help="for benchmarks that take one (dcgan: mnist or fashion)")
    parser.add_argument("--size", type=int, help="image size, for benchmarks that take one (dcgan: 28, 32 or 64)")
    args = parser.parse_args(argv)

    module = importlib.import_module(f"benchmarks.{args.name}")
    options = {k: v for k, v in (("dataset", args.dataset), ("size", args.size)) if v is not None}
    unknown = set(options) - set(inspect.signature(module.run).parameters)
    if unknown:
        parser.error(f"benchmark {args.name} takes no --{' --'.join(sorted(unknown))}")
    args.out.mkdir(parents=True, exist_ok=True)
    runtime.seed_everything(args.seed)
    started = time.perf_counter()
    figures = module.run(profile=args.profile, seed=args.seed, out=args.out, **options)
    device = runtime.get_device()
    record = {
        "benchmark": args.name,
        "profile": args.profile,
        "seed": args.seed,
        **figures,
        "device": str(device) + (f" ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else ""),
        "cpu": platform.processor() or platform.machine(),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "wall_seconds": round(time.perf_counter() - started, 2),
    }
    path = args.out / f"{args.name}.json"
    path.write_text(json.dumps(record, indent=2) + "\n")
    width = max(map(len, record))
    for key, value in record.items():
        print(f"{key:<{width}}  {value}")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
