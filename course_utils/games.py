"""Two-player games in two numbers, and the update rules that play them (notebook 02).

A zero-sum game min_x max_y f(x, y) is played by following its *vector field*

    v(x, y) = (-df/dx, +df/dy),

descent for the minimising player x and ascent for the maximising player y. Every method below is a
different way of stepping along v. For the bilinear game f = x * y the field is linear, v(z) = J z, so each
method is a fixed matrix M applied once per step, and the spectral radius rho(M) says everything: the
distance to the equilibrium (0, 0) shrinks when rho < 1 and grows when rho > 1.

The Dirac GAN (Mescheder, Geiger and Nowozin, 2018) is the smallest real GAN: the data is a single point at
0, the generator is a single point theta, the discriminator's logit is linear, psi * x. Near its equilibrium
it behaves like the xy game, which is why GAN training oscillates.

Everything here is plain NumPy and pure: a state in, a state out, so a test can check each rule by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

METHODS = ("simultaneous", "alternating", "extragradient", "optimistic", "consensus")


@dataclass(frozen=True)
class Game:
    """A game by its vector field v(z) and the field's Jacobian dv/dz (both on z = (x, y))."""

    name: str
    field: Callable[[np.ndarray], np.ndarray]
    jacobian: Callable[[np.ndarray], np.ndarray]
    equilibrium: np.ndarray


# ---------------------------------------------------------------------------------------------- the xy game

XY_JACOBIAN = np.array([[0.0, -1.0], [1.0, 0.0]])  # v(x, y) = (-y, x): a rotation by 90 degrees


def xy_value(z: np.ndarray) -> float:
    return float(z[0] * z[1])


def xy_game() -> Game:
    """min_x max_y x*y: df/dx = y, df/dy = x, so v = (-y, x) = J z with J a quarter turn."""
    return Game("xy", lambda z: XY_JACOBIAN @ np.asarray(z, float), lambda z: XY_JACOBIAN, np.zeros(2))


def xy_ode_solution(t: np.ndarray, z0) -> np.ndarray:
    """The continuous-time play dz/dt = v(z) from z0: x(t) = r cos(t + phi), y(t) = r sin(t + phi).

    Returns (len(t), 2). The orbit is the circle of radius |z0|: the flow never gets closer to (0, 0).
    """
    x0, y0 = z0
    t = np.asarray(t, float)
    return np.stack([x0 * np.cos(t) - y0 * np.sin(t), x0 * np.sin(t) + y0 * np.cos(t)], axis=1)


# ------------------------------------------------------------------------------------------ the Dirac GAN


def _sigmoid(t):
    return 0.5 * (1.0 + np.tanh(0.5 * t))  # overflow-free


def dirac_gan(r1: float = 0.0, noise_std: float = 0.0, quadrature: int = 40) -> Game:
    """The Dirac GAN: real data at the point 0, the generator a point theta, the discriminator's logit psi * x.

    With D(x) = sigmoid(psi * x) and f(t) = log sigmoid(t) = -log(1 + e^-t), the GAN value is

        V(theta, psi) = log D(0) + log(1 - D(theta)) = f(0) + f(-psi * theta),

    minimised by G (theta) and maximised by D (psi). f'(t) = sigmoid(-t), so f'(0) = 1/2 and, at the
    equilibrium (0, 0), the Jacobian is [[0, 1/2], [-1/2, 0]]: the xy game again, turned at half speed.

    r1: weight gamma of the R1 penalty (gamma/2) * |grad_x logit|^2 at the real data. Here grad_x = psi, so
        D's ascent direction gains -gamma * psi: a pull of psi towards 0 that damps the rotation.
    noise_std: instance noise. D sees real and fake points plus N(0, noise_std^2) noise; the expectation over
        the noise is taken exactly by Gauss-Hermite quadrature, so the field stays deterministic.
    """
    nodes, weights = np.polynomial.hermite_e.hermegauss(quadrature if noise_std > 0 else 1)
    weights = weights / weights.sum()
    eps = noise_std * nodes  # noise values, with probabilities `weights`

    def f1(t):  # f'(t)
        return _sigmoid(-t)

    def f2(t):  # f''(t)
        s = _sigmoid(-t)
        return -s * (1 - s)

    def field(z):
        theta, psi = np.asarray(z, float)
        fake = theta + eps  # the fake point as D sees it (the real point is 0 + eps)
        u, w = -psi * fake, psi * eps  # arguments of f for the fake and the real term
        d_theta = np.sum(weights * f1(u) * -psi)  # dV/dtheta
        d_psi = np.sum(weights * (f1(w) * eps - f1(u) * fake))  # dV/dpsi
        return np.array([-d_theta, d_psi - r1 * psi])

    def jacobian(z):
        theta, psi = np.asarray(z, float)
        fake = theta + eps
        u, w = -psi * fake, psi * eps
        return np.array([
            [np.sum(weights * -(psi**2) * f2(u)), np.sum(weights * (f1(u) - psi * fake * f2(u)))],
            [np.sum(weights * (-f1(u) + psi * fake * f2(u))),
             np.sum(weights * (eps**2 * f2(w) + fake**2 * f2(u))) - r1],
        ])

    name = "Dirac GAN" + (f", R1 {r1:g}" if r1 else "") + (f", instance noise {noise_std:g}" if noise_std else "")
    return Game(name, field, jacobian, np.zeros(2))


# ------------------------------------------------------------------------------------------- update rules


def simultaneous_step(game: Game, z, lr: float) -> np.ndarray:
    """Both players step from the same point: z + lr * v(z)."""
    z = np.asarray(z, float)
    return z + lr * game.field(z)


def alternating_step(game: Game, z, lr: float) -> np.ndarray:
    """x steps first; y then answers the *new* x (G first, then D: Algorithm 1's order reversed, which cycles alike)."""
    z = np.asarray(z, float)
    x_new = z[0] + lr * game.field(z)[0]
    moved = np.array([x_new, z[1]])
    return np.array([x_new, z[1] + lr * game.field(moved)[1]])


def extragradient_step(game: Game, z, lr: float) -> np.ndarray:
    """Look ahead one step, then step from the start with the field found at the look-ahead point."""
    z = np.asarray(z, float)
    ahead = z + lr * game.field(z)
    return z + lr * game.field(ahead)


def optimistic_step(game: Game, z, z_prev, lr: float) -> np.ndarray:
    """Optimistic GD: z + lr * (2 v(z_t) - v(z_{t-1})), the last step's field used as a prediction of the next."""
    z, z_prev = np.asarray(z, float), np.asarray(z_prev, float)
    return z + lr * (2 * game.field(z) - game.field(z_prev))


def consensus_step(game: Game, z, lr: float, gamma: float) -> np.ndarray:
    """Consensus optimization: both players also descend L = |v|^2 / 2, whose gradient is J^T v."""
    z = np.asarray(z, float)
    v = game.field(z)
    return z + lr * (v - gamma * game.jacobian(z).T @ v)


def play(game: Game, method: str, z0, lr: float, steps: int, gamma: float = 1.0) -> np.ndarray:
    """The trajectory (steps + 1, 2) of one method from z0 (z0 included)."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    path = np.empty((steps + 1, 2))
    path[0] = z0
    prev = path[0]  # optimistic GD starts as if the previous point were the first (its first step is plain GD)
    for t in range(steps):
        z = path[t]
        if method == "simultaneous":
            path[t + 1] = simultaneous_step(game, z, lr)
        elif method == "alternating":
            path[t + 1] = alternating_step(game, z, lr)
        elif method == "extragradient":
            path[t + 1] = extragradient_step(game, z, lr)
        elif method == "optimistic":
            path[t + 1] = optimistic_step(game, z, prev, lr)
        else:
            path[t + 1] = consensus_step(game, z, lr, gamma)
        prev = z
    return path


def distances(path: np.ndarray, equilibrium=(0.0, 0.0)) -> np.ndarray:
    return np.linalg.norm(np.asarray(path) - np.asarray(equilibrium), axis=1)


def steps_to_reach(path: np.ndarray, tolerance: float, equilibrium=(0.0, 0.0)) -> int | None:
    """First step at which the distance to the equilibrium is below tolerance (None if never)."""
    below = np.nonzero(distances(path, equilibrium) < tolerance)[0]
    return int(below[0]) if len(below) else None


# --------------------------------------------------------------------------- linearised: the update matrix


def update_matrix(method: str, jacobian: np.ndarray, lr: float, gamma: float = 1.0) -> np.ndarray:
    """The matrix M with z_{t+1} = M z_t for a linear field v(z) = J z (or the linearisation at a fixed point).

    Optimistic GD remembers the previous point, so its state is (z_t, z_{t-1}) and M is 4 x 4.
    """
    J = np.asarray(jacobian, float)
    eye = np.eye(2)
    if method == "simultaneous":
        return eye + lr * J
    if method == "alternating":
        (a, b), (c, d) = J
        # x' = x + lr (a x + b y);  y' = y + lr (c x' + d y)
        row_x = np.array([1 + lr * a, lr * b])
        row_y = lr * c * row_x + np.array([0.0, 1 + lr * d])
        return np.stack([row_x, row_y])
    if method == "extragradient":
        return eye + lr * J + lr**2 * J @ J
    if method == "optimistic":
        return np.block([[eye + 2 * lr * J, -lr * J], [eye, np.zeros((2, 2))]])
    if method == "consensus":
        return eye + lr * (J - gamma * J.T @ J)
    raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")


def spectral_radius(matrix: np.ndarray) -> float:
    """The largest |eigenvalue|: the factor by which the distance changes per step in the long run."""
    return float(np.abs(np.linalg.eigvals(matrix)).max())
