"""The benchmark's arithmetic: run order, medians, ratios, growth fits, target verdicts."""

import pytest

from bench.stats import (
    Target,
    growth_exponent,
    grows_at_most_linearly,
    increments,
    linear_fit,
    median,
    ratio,
    run_order,
)


def test_run_order_rotates_the_contenders_every_round():
    assert run_order(["A", "B", "C"], 3) == [["A", "B", "C"], ["B", "C", "A"], ["C", "A", "B"]]


def test_run_order_of_two_contenders_alternates():
    assert run_order(["A", "B"], 4) == [["A", "B"], ["B", "A"], ["A", "B"], ["B", "A"]]


def test_run_order_gives_every_contender_every_position_once_in_as_many_rounds():
    order = run_order(["A", "B", "C"], 3)
    for position in range(3):
        assert sorted(round_[position] for round_ in order) == ["A", "B", "C"]


def test_run_order_refuses_no_round_and_twice_the_same_contender():
    with pytest.raises(ValueError):
        run_order(["A"], 0)
    with pytest.raises(ValueError):
        run_order(["A", "A"], 1)


def test_median_skips_missing_values_and_is_none_without_any():
    assert median([3.0, None, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0]) == 2.5
    assert median([None]) is None


def test_ratio_is_none_when_a_side_is_missing_or_zero():
    assert ratio(1.0, 4.0) == 0.25
    assert ratio(None, 4.0) is None
    assert ratio(1.0, 0) is None


def test_linear_fit_recovers_a_line():
    fit = linear_fit([10, 50, 100], [1.2, 1.6, 2.1])
    assert fit.slope == pytest.approx(0.01, abs=1e-3)
    assert fit.intercept == pytest.approx(1.1, abs=0.02)
    assert 0.99 < fit.r_squared <= 1.0


def test_linear_fit_of_flat_points_has_no_slope_and_fits_exactly():
    fit = linear_fit([3, 6, 9], [5.0, 5.0, 5.0])
    assert fit.slope == 0
    assert fit.r_squared == 1.0


def test_linear_fit_needs_two_sizes():
    with pytest.raises(ValueError):
        linear_fit([10, 10], [1.0, 2.0])


def test_increments_are_per_unit_between_sorted_sizes():
    assert increments([50, 10, 100], [2.0, 1.0, 4.5]) == [(10, 50, 0.025), (50, 100, 0.05)]


def test_linear_and_slower_growth_pass():
    assert grows_at_most_linearly([10, 50, 100], [1.0, 3.0, 5.5])  # 0.05 then 0.05 s per service
    assert grows_at_most_linearly([10, 50, 100], [1.0, 1.4, 1.6])  # slower


def test_quadratic_growth_fails():
    sizes = [10, 50, 100]
    assert not grows_at_most_linearly(sizes, [0.01 * size * size / 10 for size in sizes])


def test_increments_within_the_noise_floor_count_as_flat():
    # 1 ms then 4 ms per service: four times as much, but both within the noise of a run.
    assert grows_at_most_linearly([10, 50, 100], [1.0, 1.04, 1.24])


def test_growth_exponent_is_one_for_a_proportional_cost():
    assert growth_exponent([10, 50, 100], [0.1, 0.5, 1.0]) == pytest.approx(1.0)
    assert growth_exponent([10, 100], [1.0, 1.0]) == pytest.approx(0.0)


def test_target_verdict():
    target = Target("rerun", "swarmops.swarm", "community.docker", 0.7)
    assert target.verdict(7.0, 10.0) == (0.7, True)
    assert target.verdict(8.0, 10.0) == (0.8, False)
    assert target.verdict(None, 10.0) == (None, None)
