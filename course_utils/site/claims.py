"""The numbers a notebook asserts, caught as they are checked, for the site's claims page.

`watch(path)` (run by the site build in a cell it puts first, then removes) adds an IPython AST transformer
that rewrites every `assert <comparison>` of the cells that follow into a call of a `Recorder`, which
evaluates the operands as Python would (left to right, stopping where a chained comparison fails), appends
the numbers it saw to `path` (JSON lines) and returns the comparison's truth, so each assert passes or fails
exactly as before. (An assert whose operands cannot move into a lambda, `comparisons.movable`, or that sits in
a class body stays as it is, unrecorded.) `claims(notebook, path)` then reads them back beside the notebook's
cells: its section, the assert's source and its comment. The checks of the graded questions (inside BEGIN
QUESTION ... END QUESTION) check a student's answer, not a result of the run, and are left out.
"""

from __future__ import annotations

import ast
import io
import json
import tokenize
from pathlib import Path

from .. import comparisons
from ..grading import assign

HOOK = "__course_claim__"  # the name the rewritten asserts call in the kernel's namespace
PER_SITE = 10  # an assert inside a loop is recorded at most this many times


class Recorder:
    """Evaluates a rewritten comparison and appends what it measured to a JSON-lines file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.seen: dict[tuple[int, int], int] = {}

    def __call__(self, cell: int, line: int, source: str, operands: list, ops: list[str]) -> bool:
        held, values = comparisons.evaluate(operands, ops)
        key = (cell, line)
        self.seen[key] = self.seen.get(key, 0) + 1
        if self.seen[key] <= PER_SITE:
            record = {"cell": cell, "line": line, "source": source, "held": bool(held),
                      "values": [comparisons.number(v) for v in values]}
            with self.path.open("a") as out:
                out.write(json.dumps(record) + "\n")
        return held


class _Rewrite(comparisons.ScopeAware):
    """assert a < b, msg  ->  assert __course_claim__(CELL, LINE, "a < b", [lambda: a, lambda: b], ["<"]), msg"""

    def __init__(self, cell: int):
        super().__init__()
        self.cell = cell

    def visit_Assert(self, node: ast.Assert):
        test = node.test
        parts = comparisons.operands(test)
        if parts is None or self.in_class_body:  # a lambda in a class body would not see the class's names
            return node
        call = ast.Call(func=ast.Name(HOOK, ast.Load()),
                        args=[ast.Constant(self.cell), ast.Constant(node.lineno), ast.Constant(ast.unparse(test)),
                              ast.List([comparisons.deferred(part) for part in parts], ast.Load()),
                              comparisons.symbols(test)],
                        keywords=[])
        return ast.copy_location(ast.Assert(test=call, msg=node.msg), node)


class _Transformer(ast.NodeTransformer):
    """What IPython calls on each cell's AST: rewrites its asserts, tagged with the cell's execution count."""

    def __init__(self, shell):
        self.shell = shell

    def visit_Module(self, node: ast.Module):
        return ast.fix_missing_locations(_Rewrite(running_cell(self.shell)).visit(node))


def running_cell(shell) -> int:
    """The execution count of the cell being run. Not `shell.execution_count`: IPython 8 counts a cell after
    running it, IPython 9 before (it then holds the next cell's number). In both, the cell enters the history
    before its AST is transformed, as its last entry (after a blank entry 0)."""
    return len(shell.history_manager.input_hist_parsed) - 1


def watch(path: str | Path) -> None:
    """From the next cell on, record every asserted comparison of this kernel to `path` (JSON lines)."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise RuntimeError("claims.watch needs an IPython kernel (the site build runs it as a notebook's first cell)")
    Path(path).unlink(missing_ok=True)
    shell.user_ns[HOOK] = Recorder(Path(path))
    shell.ast_transformers.append(_Transformer(shell))


def _line_comment(text: str) -> str:
    """The comment of one line of code ("" if none), found by Python's tokenizer so that a # in a string is not one."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text.strip() + "\n").readline))
    except (tokenize.TokenError, SyntaxError):
        return ""
    return next((t.string.lstrip("#").strip() for t in tokens if t.type == tokenize.COMMENT), "")


def _comment(source: str, line: int) -> str:
    """The comment on the assert's line, else that of a comment-only line just above it."""
    lines = source.splitlines()
    if not 0 < line <= len(lines):
        return ""
    above = lines[line - 2] if line > 1 else ""
    return _line_comment(lines[line - 1]) or (_line_comment(above) if above.strip().startswith("#") else "")


def claims(notebook, path: Path) -> list[dict]:
    """The recorded claims of an executed notebook (nbformat node), in cell order: section, claim (the assert's
    source), why (its comment), measured ({operand source: [values]} for the operands that are not bars, a value
    per time the assert ran) and held (every time)."""
    path = Path(path)
    if not path.exists():
        return []
    cells = notebook.cells
    by_count = {c.get("execution_count"): i for i, c in enumerate(cells) if c.cell_type == "code"}
    questions = {i for i, (_, question, _) in enumerate(assign.read_markers(cells)) if question is not None}
    sections, current = {}, ""
    for i, cell in enumerate(cells):
        if cell.cell_type == "markdown":
            heading = next((ln.lstrip("#").strip() for ln in cell.source.splitlines() if ln.startswith("#")), None)
            current = heading or current
        sections[i] = current
    rows: dict[tuple[int, int], dict] = {}  # an assert in a loop: one row, its values in the order checked
    for line in path.read_text().splitlines():
        record = json.loads(line)
        index = by_count.get(record["cell"])
        if index is None or index in questions:
            continue
        test = ast.parse(record["source"], mode="eval").body
        operands = [test.left, *test.comparators]
        measured = {ast.unparse(expr): value for expr, value in zip(operands, record["values"])
                    if not comparisons.is_bar(expr) and value is not None}
        if not measured:
            continue
        row = rows.setdefault((index, record["line"]), {
            "cell": index, "section": sections[index], "claim": record["source"],
            "why": _comment(cells[index].source, record["line"]), "measured": {}, "held": True})
        for name, value in measured.items():
            row["measured"].setdefault(name, []).append(value)
        row["held"] = row["held"] and record["held"]
    return [rows[key] for key in sorted(rows)]
