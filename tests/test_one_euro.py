"""Tests for kiosk.interaction.one_euro: the One Euro filter (Casiez, Roussel, Vogel, CHI 2012).

The golden test compares against a reference written here from the paper's Algorithm 1:

    te      = t_i - t_{i-1}
    alpha(fc) = 1 / (1 + tau / te),  tau = 1 / (2 pi fc)
    dx_i    = (x_i - xhat_{i-1}) / te              (slope against the previous *filtered* value)
    dxhat_i = dxhat_{i-1} + alpha(d_cutoff) (dx_i - dxhat_{i-1}),  dxhat_0 = 0
    fc_i    = min_cutoff + beta |dxhat_i|
    xhat_i  = xhat_{i-1} + alpha(fc_i) (x_i - xhat_{i-1}),       xhat_0 = x_0
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.interaction.one_euro import OneEuroFilter, OneEuroFilter2D


def reference_one_euro(xs, ts, min_cutoff: float, beta: float, d_cutoff: float) -> list[float]:
    """Independent transcription of the published algorithm (strictly increasing ts only)."""

    def smoothing(cutoff: float, te: float) -> float:
        # Written as r / (r + 1), r = 2 pi fc te: algebraically the paper's 1 / (1 + tau / te).
        r = 2.0 * math.pi * cutoff * te
        return r / (r + 1.0)

    out: list[float] = []
    xhat = dxhat = t_prev = None
    for x, t in zip(xs, ts):
        if xhat is None:
            xhat, dxhat, t_prev = float(x), 0.0, float(t)
            out.append(xhat)
            continue
        te = float(t) - t_prev
        dx = (float(x) - xhat) / te
        a_d = smoothing(d_cutoff, te)
        dxhat = a_d * dx + (1.0 - a_d) * dxhat
        fc = min_cutoff + beta * abs(dxhat)
        a = smoothing(fc, te)
        xhat = a * float(x) + (1.0 - a) * xhat
        t_prev = float(t)
        out.append(xhat)
    return out


def recorded_signal(seed: int = 7, n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """A recorded-looking fingertip trace: ramp + sine + sensor noise, jittery frame times."""
    rng = np.random.default_rng(seed)
    dts = rng.uniform(1 / 60, 1 / 20, size=n)  # frames arrive between 20 and 60 fps
    ts = 12.345 + np.cumsum(dts)
    xs = 0.3 + 0.05 * (ts - ts[0]) + 0.1 * np.sin(2 * np.pi * 0.7 * (ts - ts[0])) + rng.normal(0, 0.004, size=n)
    # A couple of stops and a sudden jump, as a real hand does.
    a, b, c = (3 * n) // 8, n // 2, (3 * n) // 4
    xs[a:b] = xs[a] + rng.normal(0, 0.004, size=b - a)
    xs[c:] += 0.2
    return xs, ts


@pytest.mark.parametrize(
    "min_cutoff, beta, d_cutoff",
    [(1.0, 0.0, 1.0), (1.0, 0.5, 1.0), (0.5, 20.0, 2.0), (3.0, 0.007, 0.3)],
)
def test_matches_reference_implementation(min_cutoff, beta, d_cutoff):
    xs, ts = recorded_signal()
    f = OneEuroFilter(min_cutoff=min_cutoff, beta=beta, d_cutoff=d_cutoff)
    got = [f(float(x), float(t)) for x, t in zip(xs, ts)]
    want = reference_one_euro(xs, ts, min_cutoff, beta, d_cutoff)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
    # And the filter did something: it is not the identity on this noisy signal.
    assert np.max(np.abs(np.array(got) - xs)) > 0.01


def test_2d_filter_is_two_independent_reference_filters():
    xs, ts = recorded_signal(seed=1)
    ys, _ = recorded_signal(seed=2)
    f = OneEuroFilter2D(min_cutoff=1.0, beta=0.5, d_cutoff=1.0)
    got = np.array([f((float(x), float(y)), float(t)) for x, y, t in zip(xs, ys, ts)])
    np.testing.assert_allclose(got[:, 0], reference_one_euro(xs, ts, 1.0, 0.5, 1.0), rtol=0, atol=1e-9)
    np.testing.assert_allclose(got[:, 1], reference_one_euro(ys, ts, 1.0, 0.5, 1.0), rtol=0, atol=1e-9)


@given(
    value=st.floats(min_value=-1e4, max_value=1e4, allow_nan=False),
    beta=st.floats(min_value=0.0, max_value=50.0),
)
@settings(max_examples=50, deadline=None)
def test_constant_input_stays_constant(value, beta):
    f = OneEuroFilter(min_cutoff=1.0, beta=beta)
    for i in range(60):
        assert f(value, i / 30) == pytest.approx(value, abs=1e-12)


@pytest.mark.parametrize("beta", [0.0, 0.5, 10.0])
def test_step_converges_monotonically(beta):
    f = OneEuroFilter(min_cutoff=1.0, beta=beta)
    t = 0.0
    for i in range(30):
        t = i / 30
        assert f(0.0, t) == pytest.approx(0.0, abs=1e-12)
    outs = [f(1.0, (30 + i) / 30) for i in range(150)]  # 5 s after the step
    assert all(0.0 <= o <= 1.0 for o in outs), "a first-order low pass never overshoots a step"
    assert all(b >= a for a, b in zip(outs, outs[1:])), "output must approach the new value monotonically"
    assert outs[0] < 1.0  # it is smoothed, not copied ...
    assert outs[-1] == pytest.approx(1.0, abs=1e-3)  # ... and it gets there


def test_noise_at_rest_is_attenuated():
    rng = np.random.default_rng(42)
    n = 600
    ts = np.arange(n) / 30
    xs = 0.5 + rng.normal(0, 0.01, size=n)
    f = OneEuroFilter(min_cutoff=1.0, beta=0.5)
    out = np.array([f(float(x), float(t)) for x, t in zip(xs, ts)])
    settled = slice(60, None)
    assert np.var(out[settled]) < 0.25 * np.var(xs[settled])
    assert np.mean(out[settled]) == pytest.approx(0.5, abs=0.005)


def _ramp_lag(beta: float) -> float:
    f = OneEuroFilter(min_cutoff=1.0, beta=beta)
    lags = []
    for i in range(180):  # 6 s of a 1 unit/s ramp at 30 fps
        t = i / 30
        y = f(t, t)
        if t >= 3.0:
            lags.append(t - y)
    return float(np.mean(lags))


def test_higher_beta_means_less_lag_on_a_ramp():
    lags = [_ramp_lag(b) for b in (0.0, 0.1, 1.0, 10.0)]
    assert all(lag > 0 for lag in lags), "a low pass trails a rising ramp"
    assert all(b < a for a, b in zip(lags, lags[1:])), lags
    assert lags[-1] < 0.5 * lags[0]


def test_non_increasing_timestamp_returns_previous_value_and_changes_nothing():
    xs, ts = recorded_signal(seed=3, n=40)
    f = OneEuroFilter(min_cutoff=1.0, beta=0.5)
    g = OneEuroFilter(min_cutoff=1.0, beta=0.5)
    for k, (x, t) in enumerate(zip(xs, ts)):
        y = f(float(x), float(t))
        g(float(x), float(t))
        if k in (5, 20):
            assert f(999.0, float(t)) == y  # same timestamp
            assert f(-999.0, float(t) - 0.5) == y  # going back in time
    # The rejected samples left no trace: f and a filter that never saw them agree.
    t_next = float(ts[-1]) + 1 / 30
    assert f(0.42, t_next) == g(0.42, t_next)


def test_non_increasing_timestamp_on_second_sample():
    f = OneEuroFilter()
    assert f(3.0, 1.0) == 3.0
    assert f(10.0, 1.0) == 3.0
    assert f(10.0, 0.9) == 3.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_cutoff": 0.0},
        {"min_cutoff": -1.0},
        {"d_cutoff": 0.0},
        {"d_cutoff": -0.5},
        {"beta": -0.001},
    ],
)
def test_invalid_parameters_raise(kwargs):
    with pytest.raises(ValueError):
        OneEuroFilter(**kwargs)
    with pytest.raises(ValueError):
        OneEuroFilter2D(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [{"min_cutoff": math.nan}, {"d_cutoff": math.nan}, {"beta": math.nan},
     {"min_cutoff": math.inf}, {"d_cutoff": math.inf}, {"beta": math.inf}],
)
def test_non_finite_parameters_raise(kwargs):
    # NaN slips through "<= 0" style checks and would turn every output after the first into NaN.
    with pytest.raises(ValueError):
        OneEuroFilter(**kwargs)


def test_reset_forgets_history():
    xs, ts = recorded_signal(seed=5, n=80)
    f = OneEuroFilter(min_cutoff=1.0, beta=0.5)
    for x, t in zip(xs[:40], ts[:40]):
        f(float(x), float(t))
    f.reset()
    # After reset, a sample from *earlier* is accepted (no old timestamp) and passes through unchanged ...
    assert f(7.0, 0.0) == 7.0
    f.reset()
    # ... and the filter behaves exactly like a fresh one.
    fresh = OneEuroFilter(min_cutoff=1.0, beta=0.5)
    got = [f(float(x), float(t)) for x, t in zip(xs[40:], ts[40:])]
    want = [fresh(float(x), float(t)) for x, t in zip(xs[40:], ts[40:])]
    assert got == want
    assert got[0] == float(xs[40])


def test_2d_reset_forgets_history():
    f = OneEuroFilter2D()
    f((0.0, 0.0), 0.0)
    f((1.0, 1.0), 0.1)
    f.reset()
    assert f((5.0, -5.0), 0.2) == (5.0, -5.0)
