"""course-run: execute the series (or chosen notebooks) headless with papermill, for instructors.

    course-run                                  # every notebook, full profile, into ./runs/series
    course-run 01 03 --profile quick --out /tmp/series -p seed 1 -p epochs 3

Executed copies go to --out (never inside notebooks/). A -p parameter is passed to each notebook that has
it. One line per notebook while it runs, a table at the end (a notebook that stopped: the cell, its line and the
error, as `stopped_cells` reads them from the executed copy; the benchmarks use it too; a notebook run at
parameters other than its text's goes on past a claim that fails and says so, and the table counts them); the
exit status is 1 if any notebook failed.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

from .checkpoints import cannot_write
from .promises import NOT_HELD
from .runtime import PROFILES, REPO_ROOT

NOTEBOOKS = REPO_ROOT / "notebooks"


def parse_value(text: str):
    """A -p value as papermill's own command line reads it: int, float, bool or None, else the string."""
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "none":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def select(names: list[str], folder: Path) -> list[Path]:
    """Notebooks by number ('03'), stem ('03_mlp_gan_mnist') or file name; all of them when none is named."""
    available = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    if not names:
        return available
    chosen = []
    for name in names:
        matches = [p for p in available if name in (p.name, p.stem, p.stem[:2])]
        if not matches:
            raise SystemExit(f"course-run: no notebook {name!r} in {folder}; "
                             f"choose from {', '.join(p.stem for p in available)}")
        chosen.extend(matches)
    return chosen


def stopped_cells(executed: Path, error: Exception | None = None) -> list[str]:
    """'In [N], line L: <that line>: Error: message' for each cell of an executed notebook that ended in an error;
    where no cell shows one, papermill's `error` as one line (its ename and evalue)."""
    import nbformat

    stopped = []
    for cell in nbformat.read(executed, as_version=4).cells:
        for output in cell.get("outputs", []):
            if output.output_type != "error":
                continue
            where = f"In [{cell.execution_count}]"
            # the cell's own frames read "Cell In[N], line L" (between the terminal's colour codes); a chained
            # exception shows the earlier one first, with frames of other cells, so the cell's last frame is
            # where it stopped
            trace = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(output.traceback))
            frames = re.findall(rf"Cell In\[{cell.execution_count}\], line (\d+)", trace)
            lines = cell.source.splitlines()
            if frames and int(frames[-1]) <= len(lines):
                where += f", line {frames[-1]}: {lines[int(frames[-1]) - 1].strip()}"
            message = output.evalue.strip().splitlines()
            more = " ..." if len(message) > 1 else ""  # a table shown by an assert: its first line, and the rest elided
            said = f"{where}: {output.ename}" + (f": {message[0]}{more}" if message else "")
            stopped.append(said[:400])
    if not stopped and error is not None:
        stopped.append(f"{getattr(error, 'ename', type(error).__name__)}: {getattr(error, 'evalue', error)}"[:400])
    return stopped


def claims_not_held(executed: Path) -> int:
    """How many checks of the text's claims an executed notebook says failed at its settings (an assert in a loop
    once per pass): a notebook run with parameters other than its text's warns of those instead of stopping
    (course_utils.promises)."""
    import nbformat

    return sum(line.startswith(NOT_HELD) for cell in nbformat.read(executed, as_version=4).cells
               for output in cell.get("outputs", []) if output.get("name") == "stderr"
               for line in output.text.splitlines())


def execute(source: Path, target: Path, parameters: dict, cwd: Path) -> tuple[str, float]:
    """Run one notebook with papermill into `target`: ("ok" or "FAILED: why", wall seconds)."""
    import papermill

    started = time.perf_counter()
    try:
        papermill.execute_notebook(str(source), str(target), parameters=parameters, cwd=str(cwd),
                                   progress_bar=False, kernel_name="python3")
        not_held = claims_not_held(target)
        status = f"ok ({not_held} checks of the text's claims failed at these settings)" if not_held else "ok"
    except papermill.PapermillExecutionError as err:
        status = f"FAILED: {stopped_cells(target, err)[0]}"[:240]
    except Exception as err:  # the kernel died, a file was unreadable, ...
        status = f"FAILED: {type(err).__name__}: {err}"[:160]
    return status, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="course-run", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("notebooks", nargs="*", help="numbers or names of notebooks (default: all)")
    parser.add_argument("--profile", choices=PROFILES, default="full")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "runs" / "series",
                        help="folder for the executed copies")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    parser.add_argument("--notebook-dir", type=Path, default=NOTEBOOKS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    import papermill  # imported here: `course-run --help` should not wait for it

    folder = args.notebook_dir.resolve()
    out = args.out.resolve()
    if out == folder or folder in out.parents:
        parser.error(f"--out {args.out} is inside {folder}; executed copies there would be collected as tests")
    paths = select(args.notebooks, folder)
    overrides = {name: parse_value(value) for name, value in args.parameter}
    known = {p: set(papermill.inspect_notebook(str(p))) for p in paths}
    unused = set(overrides) - set().union(*known.values())
    if unused:
        parser.error(f"no chosen notebook has the parameter(s) {', '.join(sorted(unused))}")

    problem = cannot_write(out)
    if problem:
        print(f"course-run: cannot write to --out {args.out} ({problem}); choose a folder you can write to",
              file=sys.stderr)
        return 2
    os.environ["COURSE_PROFILE"] = args.profile  # the kernels inherit it
    rows = []
    for i, path in enumerate(paths, 1):
        given = {k: v for k, v in overrides.items() if k in known[path]}
        shown = " ".join(f"{k}={v!r}" for k, v in given.items())
        print(f"[{i}/{len(paths)}] {path.stem} ({args.profile}{', ' + shown if shown else ''}) ...", flush=True)
        status, seconds = execute(path, out / path.name, given, cwd=folder)
        print(f"    {status} in {seconds:.1f} s", flush=True)
        rows.append((path.stem, seconds, status))

    width = max(len(r[0]) for r in rows)
    print(f"\n{'notebook':<{width}}  {'seconds':>8}  status")
    for name, seconds, status in rows:
        print(f"{name:<{width}}  {seconds:8.1f}  {status}")
    failed = sum(not status.startswith("ok") for _, _, status in rows)
    print(f"\n{len(rows) - failed} ran, {failed} failed; executed copies in {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
