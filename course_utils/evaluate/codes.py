"""How well a code that was learned without labels lines up with the classes a judge reads (InfoGAN).

An unsupervised code has no reason to give digit 3 the value 3: it may call it 7. The accuracy that is fair
to it pairs each code value with one class, each class with one value, so as to agree with the judge as
often as possible (the Hungarian method on the contingency table), and counts the agreements under that
pairing. Two code values that draw the same digit cannot both be paired with it: a merge costs accuracy.
"""

from __future__ import annotations

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment


def contingency(codes: torch.Tensor, classes: torch.Tensor, n_codes: int, n_classes: int) -> np.ndarray:
    """(n_codes, n_classes) counts: how many samples drawn with each code value the judge read as each class."""
    codes, classes = torch.as_tensor(codes).reshape(-1).cpu(), torch.as_tensor(classes).reshape(-1).cpu()
    if len(codes) != len(classes):
        raise ValueError(f"got {len(codes)} code values for {len(classes)} judged classes")
    if len(codes) == 0:
        raise ValueError("no samples to match")
    for name, values, size in (("code", codes, n_codes), ("class", classes, n_classes)):
        if values.dtype.is_floating_point or values.min() < 0 or values.max() >= size:
            raise ValueError(f"{name} values must be integers from 0 to {size - 1}")
    table = np.zeros((n_codes, n_classes), dtype=np.int64)
    np.add.at(table, (codes.numpy(), classes.numpy()), 1)
    return table


def matched_accuracy(codes: torch.Tensor, classes: torch.Tensor, n_codes: int = 10,
                     n_classes: int = 10) -> tuple[float, dict[int, int], np.ndarray]:
    """The share of samples whose judged class is the one paired with their code value, under the pairing of
    code values with classes (one to one) that makes that share largest; the pairing {code: class}; the
    contingency table."""
    table = contingency(codes, classes, n_codes, n_classes)
    rows, cols = linear_sum_assignment(table, maximize=True)
    return float(table[rows, cols].sum() / table.sum()), dict(zip(rows.tolist(), cols.tolist())), table


def merged(table: np.ndarray) -> dict[int, list[int]]:
    """{class: [code values]} for each class that is the commonest reading of two or more code values: the
    failure where two values of the code draw one digit (and some other digit has no value of its own). A code
    value with no samples has no commonest reading and is left out."""
    sampled = np.flatnonzero(table.sum(1) > 0)
    commonest = table[sampled].argmax(1)
    return {int(c): sampled[commonest == c].tolist() for c in np.unique(commonest) if (commonest == c).sum() > 1}


def sweep_agreement(classes: torch.Tensor, centre: int) -> float:
    """classes (n, steps): the judged class of every image of n sweeps of one code (each row one z and one
    categorical value, the code moved across the columns). The share of the other images of each row read as
    the same class as the row's image at column `centre` (which agrees with itself, so it is left out): 1 means
    the code never changed which digit the judge saw."""
    classes = torch.as_tensor(classes)
    if classes.dim() != 2 or classes.shape[1] < 2 or not 0 <= centre < classes.shape[1]:
        raise ValueError(f"classes must be (sweeps, steps) with at least two steps, and centre a column of it; "
                         f"got {tuple(classes.shape)} and {centre}")
    others = torch.cat([classes[:, :centre], classes[:, centre + 1 :]], 1)
    return (others == classes[:, centre : centre + 1]).float().mean().item()


def sweep_change(values: torch.Tensor, sweep: torch.Tensor, low: float = -1.0, high: float = 1.0) -> float:
    """values (n, steps): a figure of every image of n sweeps of one code, sweep (steps,) the code's value at each
    column. The figure's mean change from the column where the code is `low` to the one where it is `high`
    (by default the range the code is drawn from in training, beyond which G extrapolates)."""
    values, sweep = torch.as_tensor(values), torch.as_tensor(sweep).reshape(-1).to(values.device)
    if values.dim() != 2 or values.shape[1] != len(sweep):
        raise ValueError(f"values must be (sweeps, {len(sweep)}), one column per code value; got {tuple(values.shape)}")
    columns = []
    for value in (low, high):
        at = torch.isclose(sweep, torch.tensor(float(value), dtype=sweep.dtype, device=sweep.device)).nonzero()
        if len(at) != 1:
            raise ValueError(f"the sweep has no column at code value {value}: {sweep.tolist()}")
        columns.append(int(at[0, 0]))
    return float((values[:, columns[1]] - values[:, columns[0]]).double().mean())
