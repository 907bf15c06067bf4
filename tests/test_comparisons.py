"""course_utils.comparisons: an asserted comparison's operands, evaluated as Python would, and read as numbers."""

import ast

import numpy as np
import torch

from course_utils import comparisons


def test_numbers_are_read_from_scalars_and_one_element_arrays_only():
    assert [comparisons.number(v) for v in (3, 0.5, np.float32(2.5), torch.tensor([1.5]), np.array([[4.0]]))] == [
        3.0, 0.5, 2.5, 1.5, 4.0]
    assert [comparisons.number(v) for v in (True, None, "0.3", torch.zeros(2), np.zeros(3), float("nan"), 10**400)] == [
        None] * 7
    assert str(comparisons.number(torch.tensor(float("nan")), finite=False)) == "nan"  # a diverged loss, when asked


def test_only_comparisons_that_can_move_into_lambdas_are_taken_apart():
    def parts(source):
        found = comparisons.operands(ast.parse(source, mode="eval").body)
        return None if found is None else [ast.unparse(p) for p in found]

    assert parts("0.1 < accuracy <= limit(2)") == ["0.1", "accuracy", "limit(2)"]
    assert parts("x in values") is None and parts("x is None") is None and parts("all(ok)") is None
    assert parts("(n := 3) > 2") is None  # := in a lambda would bind in the lambda, not the cell
    assert parts("super().f() > 0") is None and parts("__class__.n > 0") is None  # a lambda has no class cell
    assert parts("[x async for x in xs] == [2]") is None and parts("super(C, self).f() > 0") is not None
    assert [comparisons.is_bar(ast.parse(s, mode="eval").body) for s in ("2 * 0.9", "-1e-3", "bar", "d['x']")] == [
        True, True, False, False]


def test_a_chain_stops_where_it_fails_as_python_does():
    calls = []

    def seen(value):
        calls.append(value)
        return value

    assert comparisons.evaluate([lambda: seen(1), lambda: seen(0), lambda: seen(5)], ["<", "<"]) == (False, [1, 0])
    assert calls == [1, 0]
    assert comparisons.evaluate([lambda: 1, lambda: 2, lambda: 2], ["<", "<="]) == (True, [1, 2, 2])


def test_values_are_shown_short():
    assert [comparisons.format_value(v) for v in (0.62351, 7, 123456.7, float("nan"))] == [
        "0.6235", "7", "123,457", "nan"]
