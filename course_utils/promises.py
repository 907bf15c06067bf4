"""The text's promises: an assert stops the notebook at the settings the text describes, and warns at others.

A notebook's asserts guard the sentences of its text, and the text describes a run at the profile's default
parameters. A student who changes a parameter to explore runs another experiment, where a claim can rightly
fail; stopping at it would hide the rest of the lesson. `enforce(notebook, globals())`, called in the
parameter-check cell before the notebook changes any parameter itself (05 resolves its `None` defaults from the
dataset, a pretrained run takes the shipped settings), compares the parameters as given with the notebook's
defaults for the current profile (PARAMETERS, read from the masters' parameters cells by
`python -m course_utils.promises`; run it after changing a default). The seed, `pretrained` and what only
changes a display are left out. Where a parameter differs, every later cell's asserts are rewritten so that a
failed one prints what did not hold, with the values a comparison measured, and the notebook goes on
(SoftenAsserts; an `except AssertionError` around one no longer sees it).
COURSE_CLAIMS=strict keeps every assert an assert whatever the settings (the benchmarks and the site build set
it: their records name the cells that stopped); COURSE_CLAIMS=warn softens them whatever the settings (an
exploration that edits the code, not a parameter). Outside IPython (a notebook exported to a script) nothing
is rewritten.
"""

from __future__ import annotations

import ast
import json
import os
import sys
from pathlib import Path

from . import comparisons, runtime

PARAMETERS = Path(__file__).with_name("parameters.json")  # notebook -> parameter -> {"quick": v, "full": v}
UNCHECKED = ("seed", "pretrained", "per_class", "grid_columns")  # the last two change only how much a figure shows
SHOWN = 200  # characters of an assert's source in its warning
NOT_HELD = "not so at your settings: "  # how a softened assert's line starts (course-run counts them)
MODES = ("", "strict", "warn")  # COURSE_CLAIMS: by the settings (unset), always stop, always warn


def read_notebooks(folder: Path) -> dict[str, dict]:
    """Each numbered notebook's parameters in `folder`, with their defaults in both profiles."""
    from .pretrained import notebook_parameters  # (it imports torch: course-run's start does not need it)

    found = {}
    for path in sorted(Path(folder).glob("[0-9][0-9]_*.ipynb")):
        quick, full = notebook_parameters(path, quick=True), notebook_parameters(path)
        found[path.stem] = {name: {"quick": quick[name], "full": full[name]} for name in full}
    return found


def changed(notebook: str, given: dict, profile: str, table: dict | None = None) -> dict:
    """name -> (given value, the text's value) for each parameter of `notebook` that differs from its default in
    `profile`, those in UNCHECKED aside."""
    table = json.loads(PARAMETERS.read_text()) if table is None else table
    if notebook not in table:
        raise KeyError(f"{notebook} has no recorded parameters; run python -m course_utils.promises")
    return {name: (given.get(name), value[profile]) for name, value in table[notebook].items()
            if name not in UNCHECKED and given.get(name) != value[profile]}


class SoftenAsserts(comparisons.ScopeAware):
    """`assert test, message` -> a check that prints what failed and goes on. The test is split at its `and`s
    into conjuncts, each moved into lambdas: `assert 0.5 < accuracy and loss < bar, message` becomes
    `claim(source, [([lambda: 0.5, lambda: accuracy], ["<"], [None, "accuracy"]), ([lambda: loss, lambda: bar],
    ["<"], ["loss", "bar"])], lambda: message)`, which evaluates them as Python would (each operand once, left to
    right, stopping at the first that fails) and prints the first failed comparison's measured operands (a bar
    such as 0.5 is not repeated). A test with `:=` (which a lambda would bind in itself) becomes
    `if not test: not_held(source, message)`. The message is still built only on a failure, as Python does; the
    calls import this module themselves, so a `%reset` namespace still reaches them. Sources are the cell's own
    text where `shell`'s history has it (`0.90`, not `0.9`)."""

    def __init__(self, shell=None):
        super().__init__()
        self.shell = shell
        self.cell = ""

    def visit_Module(self, node: ast.Module) -> ast.Module:
        self.cell = _running_cell(self.shell, node)
        return self.generic_visit(node)

    def visit_Assert(self, node: ast.Assert) -> ast.stmt:
        source = ast.Constant(self.written(node.test))
        movable = comparisons.movable(node.test) and (node.msg is None or comparisons.movable(node.msg))
        if movable and not self.in_class_body:
            check = _here("claim", [source, ast.List([self.conjunct(part) for part in _conjuncts(node.test)],
                                                     ast.Load()),
                                    comparisons.deferred(node.msg) if node.msg else ast.Constant(None)])
            softened = ast.Expr(check)
        else:
            report = _here("not_held", [source, node.msg or ast.Constant(None)])
            softened = ast.If(test=ast.UnaryOp(ast.Not(), node.test), body=[ast.Expr(report)], orelse=[])
        return ast.fix_missing_locations(ast.copy_location(softened, node))

    def conjunct(self, test: ast.expr) -> ast.Tuple:
        """(operands as lambdas, operators, operand names or None for a bar) of a comparison; (the test as one
        lambda, no operator, no name) of any other test."""
        parts = comparisons.operands(test)
        if parts is None:
            return ast.Tuple([ast.List([comparisons.deferred(test)], ast.Load()), ast.List([], ast.Load()),
                              ast.List([ast.Constant(None)], ast.Load())], ast.Load())
        names = [ast.Constant(None if comparisons.is_bar(part) else self.written(part)) for part in parts]
        return ast.Tuple([ast.List([comparisons.deferred(part) for part in parts], ast.Load()),
                          comparisons.symbols(test), ast.List(names, ast.Load())], ast.Load())

    def written(self, test: ast.expr) -> str:
        """An expression as the cell writes it, on one line; as Python prints it where the cell's text is not
        known."""
        try:  # (an error here would make IPython drop the transformer)
            segment = ast.get_source_segment(self.cell, test)
            same = segment is not None and ast.dump(ast.parse(segment, mode="eval").body) == ast.dump(test)
        except (IndexError, SyntaxError, ValueError):
            same = False
        if not same or "#" in segment:  # a comment inside the test would run into the code on one line
            return ast.unparse(test)
        return " ".join(segment.split())


def _here(function: str, args: list[ast.expr]) -> ast.Call:
    """`__import__("course_utils.promises", None, None, [function]).function(*args)`"""
    this = ast.Call(func=ast.Name("__import__", ast.Load()),
                    args=[ast.Constant(__name__), ast.Constant(None), ast.Constant(None),
                          ast.List([ast.Constant(function)], ast.Load())], keywords=[])
    return ast.Call(func=ast.Attribute(this, function, ast.Load()), args=args, keywords=[])


def _running_cell(shell, tree: ast.Module) -> str:
    """The Python text of the cell being transformed, `tree`: a stored cell enters the history first, as its
    last entry; "" where that entry is another cell (one not stored, or a cell magic's inner code)."""
    history = getattr(getattr(shell, "history_manager", None), "input_hist_parsed", None)
    text = history[-1] if history else ""
    try:
        return text if ast.dump(ast.parse(text)) == ast.dump(tree) else ""
    except (SyntaxError, ValueError):
        return ""


def _conjuncts(test: ast.expr) -> list[ast.expr]:
    """`a and (b and c)` -> [a, b, c]; any other test -> [test]."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return [part for value in test.values for part in _conjuncts(value)]
    return [test]


def claim(source: str, conjuncts: list[tuple], message=None) -> None:
    """A softened assert: its conjuncts evaluated as Python would; on a failure, one line with the values the
    failed comparison measured."""
    for operands, ops, names in conjuncts:
        held, values = comparisons.evaluate(operands, ops) if ops else (bool(operands[0]()), [])
        if not held:
            shown = [f"{name} = {comparisons.format_value(number)}" for name, value in zip(names, values)
                     if name is not None and (number := comparisons.number(value, finite=False)) is not None]
            not_held(source, message() if message else None, shown)
            return


def not_held(source: str, message=None, values: list[str] = ()) -> None:
    """What a softened assert does when it fails: one line on stderr (red in Jupyter), and the cell goes on."""
    shown = source if len(source) <= SHOWN else source[:SHOWN - 3] + "..."
    measured = f" ({'; '.join(values)})" if values else ""
    said = f": {message}" if message is not None and str(message) else ""
    print(f"{NOT_HELD}{shown}{measured}{said}", file=sys.stderr)


def enforce(notebook: str, namespace: dict, shell=None, table: dict | None = None) -> dict:
    """Keep the asserts of `notebook`'s later cells, or soften them where its parameters (in `namespace`)
    differ from the text's (`table`: PARAMETERS); says in one line which differ. Returns those parameters."""
    mode = os.environ.get("COURSE_CLAIMS", "").strip().lower()
    if mode not in MODES:
        raise ValueError(f"COURSE_CLAIMS={mode!r} is not a mode; use strict or warn, or leave it unset")
    shell = shell or _shell()
    differ = changed(notebook, namespace, runtime.get_profile(), table)
    if shell is not None:  # a rerun of the cell decides afresh (by name: a reloaded module makes a new class)
        shell.ast_transformers[:] = [t for t in shell.ast_transformers
                                     if type(t).__name__ != SoftenAsserts.__name__]
    soften = shell is not None and (mode == "warn" or (differ and mode != "strict"))
    if soften:
        shell.ast_transformers.append(SoftenAsserts(shell))
    goes_on = "where one of the text's claims does not hold in this run, a line says so and the notebook goes on"
    if differ:
        listed = ", ".join(f"{name} {mine!r} (the text's: {'chosen by the notebook' if text is None else repr(text)})"
                           for name, (mine, text) in differ.items())
        stops = "a claim of the text that fails stops the notebook"
        stops += " (COURSE_CLAIMS=strict)" if mode == "strict" else ""
        how = f"{goes_on} (COURSE_CLAIMS=strict stops there instead)" if soften else stops
        print(f"your settings: {listed}. The text describes a run at its own settings; {how}.")
    elif soften:
        print(f"COURSE_CLAIMS=warn: {goes_on}.")
    return differ


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def main() -> int:
    """Record the parameters of the masters in notebooks/ (run it after changing a default)."""
    table = read_notebooks(runtime.REPO_ROOT / "notebooks")
    PARAMETERS.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    print(f"wrote {PARAMETERS}: {len(table)} notebooks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
