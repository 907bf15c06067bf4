import numpy as np
import pytest

from course_utils import games

XY = games.xy_game()


def numeric_jacobian(fn, z, h=1e-6):
    z = np.asarray(z, float)
    return np.stack([(fn(z + h * e) - fn(z - h * e)) / (2 * h) for e in np.eye(len(z))], axis=1)


def test_xy_field_is_descent_for_x_and_ascent_for_y():
    # f = x*y: df/dx = y, df/dy = x; x descends, y ascends
    np.testing.assert_allclose(XY.field(np.array([2.0, 3.0])), [-3.0, 2.0])


def test_simultaneous_step_by_hand():
    np.testing.assert_allclose(games.simultaneous_step(XY, [1.0, 0.0], 0.5), [1.0, 0.5])


def test_alternating_step_answers_the_new_x():
    # x' = 1 - 0.5 * 1 = 0.5; y' = 1 + 0.5 * x' = 1.25 (simultaneous would give 1.5)
    np.testing.assert_allclose(games.alternating_step(XY, [1.0, 1.0], 0.5), [0.5, 1.25])


@pytest.mark.parametrize("lr", [0.01, 0.1, 0.5])
def test_simultaneous_distance_grows_by_sqrt_one_plus_lr_squared(lr):
    d = games.distances(games.play(XY, "simultaneous", [1.0, 0.5], lr, 50))
    np.testing.assert_allclose(d[1:] / d[:-1], np.sqrt(1 + lr**2), rtol=1e-12)
    M = games.update_matrix("simultaneous", games.XY_JACOBIAN, lr)
    assert games.spectral_radius(M) == pytest.approx(np.sqrt(1 + lr**2))


@pytest.mark.parametrize("lr", [0.1, 0.5, 1.5])
def test_alternating_stays_bounded_and_keeps_its_distance(lr):
    d = games.distances(games.play(XY, "alternating", [1.0, 0.0], lr, 5000))
    M = games.update_matrix("alternating", games.XY_JACOBIAN, lr)
    assert np.linalg.det(M) == pytest.approx(1.0)  # area-preserving, with both eigenvalues on the unit circle
    assert games.spectral_radius(M) == pytest.approx(1.0)
    assert d.max() < 2.5 and d.min() > 0.2  # neither escapes nor converges


@pytest.mark.parametrize("method", games.METHODS)
@pytest.mark.parametrize("lr", [0.05, 0.3])
def test_update_matrix_is_the_step_for_a_linear_game(method, lr):
    M = games.update_matrix(method, games.XY_JACOBIAN, lr, gamma=0.7)
    path = games.play(XY, method, [0.8, -0.3], lr, 20, gamma=0.7)
    if method == "optimistic":  # state (z_t, z_{t-1}); the first step sees z_{-1} = z_0
        state = np.concatenate([path[0], path[0]])
        for t in range(20):
            state = M @ state
            np.testing.assert_allclose(state[:2], path[t + 1], atol=1e-12)
    else:
        for t in range(20):
            np.testing.assert_allclose(M @ path[t], path[t + 1], atol=1e-12)


@pytest.mark.parametrize("method", ["extragradient", "optimistic", "consensus"])
def test_the_remedies_converge_on_xy(method):
    lr = 0.3
    path = games.play(XY, method, [1.0, 1.0], lr, 2000)
    M = games.update_matrix(method, games.XY_JACOBIAN, lr)
    assert games.spectral_radius(M) < 1
    n = games.steps_to_reach(path, 1e-3)
    assert n is not None and n < 2000


def test_extragradient_and_consensus_radii_by_formula():
    lr, gamma = 0.3, 0.5
    # extragradient: (1 - lr^2) I + lr J, eigenvalues (1 - lr^2) +- i lr
    eg = games.spectral_radius(games.update_matrix("extragradient", games.XY_JACOBIAN, lr))
    assert eg == pytest.approx(np.sqrt((1 - lr**2) ** 2 + lr**2))
    # consensus: (1 - lr gamma) I + lr J
    co = games.spectral_radius(games.update_matrix("consensus", games.XY_JACOBIAN, lr, gamma))
    assert co == pytest.approx(np.sqrt((1 - lr * gamma) ** 2 + lr**2))


def test_ode_solution_is_a_circle_and_solves_the_ode():
    t = np.linspace(0, 10, 201)
    z = games.xy_ode_solution(t, (1.0, 2.0))
    np.testing.assert_allclose(np.linalg.norm(z, axis=1), np.sqrt(5))
    dz = np.gradient(z, t, axis=0)
    field = np.stack([XY.field(p) for p in z])
    np.testing.assert_allclose(dz[1:-1], field[1:-1], atol=3e-3)


@pytest.mark.parametrize("r1,noise", [(0.0, 0.0), (1.0, 0.0), (0.0, 0.5), (0.3, 0.8)])
def test_dirac_jacobian_matches_finite_differences(r1, noise):
    game = games.dirac_gan(r1=r1, noise_std=noise)
    for z in ([0.3, -0.4], [0.0, 0.0], [-1.2, 0.7]):
        np.testing.assert_allclose(game.jacobian(z), numeric_jacobian(game.field, z), atol=1e-7)


def test_dirac_field_by_hand():
    # no noise: field = (psi * sigmoid(psi*theta), -theta * sigmoid(psi*theta)); at (1, 0): (0, -1/2)
    np.testing.assert_allclose(games.dirac_gan().field([1.0, 0.0]), [0.0, -0.5])
    np.testing.assert_allclose(games.dirac_gan(r1=2.0).field([0.0, 1.0]), [0.5, -2.0])


def test_dirac_gan_is_the_xy_game_at_half_speed_and_r1_damps_it():
    plain = games.dirac_gan().jacobian([0.0, 0.0])
    np.testing.assert_allclose(plain, -0.5 * games.XY_JACOBIAN)
    assert np.allclose(np.linalg.eigvals(plain).real, 0)
    damped = games.dirac_gan(r1=1.0).jacobian([0.0, 0.0])
    assert (np.linalg.eigvals(damped).real < 0).all()
    noisy = games.dirac_gan(noise_std=0.7).jacobian([0.0, 0.0])
    assert noisy[1, 1] == pytest.approx(-0.7**2 / 2, rel=1e-6)  # E[eps^2] * 2 * f''(0) = -sigma^2 / 2


def test_dirac_plain_oscillates_and_r1_converges():
    lr = 0.3
    plain = games.distances(games.play(games.dirac_gan(), "simultaneous", [1.0, 1.0], lr, 3000))
    assert plain[-1] > plain[0]  # spirals out
    damped = games.play(games.dirac_gan(r1=1.0), "simultaneous", [1.0, 1.0], lr, 3000)
    assert games.steps_to_reach(damped, 1e-3) is not None


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="unknown method"):
        games.play(XY, "adam", [1, 1], 0.1, 3)
    with pytest.raises(ValueError, match="unknown method"):
        games.update_matrix("adam", games.XY_JACOBIAN, 0.1)
