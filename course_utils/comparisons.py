"""An asserted comparison taken apart, so that the values of its operands can be seen.

`assert accuracy >= 0.90` says only that it failed; the value of `accuracy` is what a reader wants. A rewriter
(an IPython AST transformer) moves each operand of the comparison into a lambda (`operands`, `deferred`), and
`evaluate` then runs them as Python would: left to right, stopping where a chained comparison fails. The site's
claims page records the values (site.claims); a claim softened at a student's settings prints them (promises).
"""

from __future__ import annotations

import ast
import math
import operator

SYMBOLS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
TESTS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
         "!=": operator.ne}


def operands(test: ast.expr) -> list[ast.expr] | None:
    """The operands of `test` when it is a comparison (<, <=, >, >=, ==, !=, chains included) whose operands can
    move into lambdas (`movable`); None for any other test."""
    if not isinstance(test, ast.Compare) or not all(type(op) in SYMBOLS for op in test.ops):
        return None
    if not movable(test):
        return None
    return [test.left, *test.comparators]


def movable(expr: ast.expr) -> bool:
    """Whether `expr` means the same inside a lambda: no `:=` (it would bind in the lambda), `await`, `yield` or
    async comprehension (a lambda cannot hold them), and no bare `super()` or `__class__` (a lambda has no class
    cell to find them through). A class body's own names are another matter: see `ScopeAware`."""
    for node in ast.walk(expr):
        if isinstance(node, ast.NamedExpr | ast.Await | ast.Yield | ast.YieldFrom):
            return False
        if isinstance(node, ast.comprehension) and node.is_async:
            return False
        if isinstance(node, ast.Name) and node.id == "__class__":
            return False
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"
                and not node.args):
            return False
    return True


class ScopeAware(ast.NodeTransformer):
    """A transformer that knows whether the statement it visits sits directly in a class body, where a lambda
    would not see the class's own names (`class C: lr = 0.1; assert lr < 1` would read a global `lr`)."""

    def __init__(self):
        self._in_class = [False]

    @property
    def in_class_body(self) -> bool:
        return self._in_class[-1]

    def _inside(self, node: ast.AST, in_class: bool) -> ast.AST:
        self._in_class.append(in_class)
        try:
            return self.generic_visit(node)
        finally:
            self._in_class.pop()

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        return self._inside(node, True)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return self._inside(node, False)

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef


def deferred(expr: ast.expr) -> ast.Lambda:
    """`lambda: <expr>`: evaluated when called, in the scope of the code it came from."""
    return ast.Lambda(args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]),
                      body=expr)


def symbols(test: ast.Compare) -> ast.List:
    """The comparison's operators as a list of strings ("<", ">=", ...), for `evaluate`."""
    return ast.List([ast.Constant(SYMBOLS[type(op)]) for op in test.ops], ast.Load())


def evaluate(thunks: list, ops: list[str]) -> tuple[bool, list]:
    """Whether the comparison holds, and the operands' values as far as Python evaluates them."""
    values = [thunks[0]()]
    for op, thunk in zip(ops, thunks[1:]):
        values.append(thunk())
        if not TESTS[op](values[-2], values[-1]):
            return False, values
    return True, values


def is_bar(expr: ast.expr) -> bool:
    """A literal bar such as 0.5, -1e-3 or 2 * 0.9 (no name in it)."""
    return not any(isinstance(node, ast.Name | ast.Attribute | ast.Call | ast.Subscript) for node in ast.walk(expr))


def number(value, finite: bool = True) -> float | None:
    """A plain float for ints, floats, numpy scalars and one-element tensors or arrays; None for anything else
    (and for nan and infinities unless `finite` is False)."""
    if isinstance(value, bool | str | bytes) or value is None:
        return None
    item = getattr(value, "item", None)  # numpy and torch: .item() fails on more than one element
    try:
        result = float(item() if callable(item) else value)
    except (TypeError, ValueError, RuntimeError, OverflowError):  # 10**400 does not fit a float
        return None
    return result if math.isfinite(result) or not finite else None


def format_value(value: float) -> str:
    return f"{value:.4g}" if abs(value) < 1e5 else f"{value:,.0f}"
