"""The benchmark's arithmetic: run order, medians, ratios, growth fits and target verdicts. Pure, no Docker."""

import math
import statistics
from dataclasses import dataclass


def run_order(contenders, rounds):
    """The contenders of every round, rotated by one place each round: A B C, B C A, C A B, ...

    Side by side in one run, so a change of the machine's load hits every contender alike; the rotation keeps one
    contender from always running first (on a cold cache) or always right after a particular other one.
    """
    if rounds < 1:
        raise ValueError("at least one round is needed")
    contenders = list(contenders)
    if len(set(contenders)) != len(contenders):
        raise ValueError(f"contenders must be distinct: {contenders}")
    count = len(contenders)
    return [[contenders[(start + offset) % count] for offset in range(count)] for start in range(rounds)]


def median(values):
    values = [value for value in values if value is not None]
    if not values:
        return None
    return statistics.median(values)


def ratio(numerator, denominator):
    """numerator / denominator, or None when either is missing or the denominator is zero."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


@dataclass(frozen=True)
class LinearFit:
    intercept: float  # the fixed cost (seconds at size 0)
    slope: float  # the increment per unit of size (seconds per service, per node)
    r_squared: float  # 1.0 when every point is on the line


def linear_fit(sizes, seconds):
    """Least-squares line through (size, seconds)."""
    if len(sizes) != len(seconds):
        raise ValueError("sizes and seconds must have the same length")
    if len(set(sizes)) < 2:
        raise ValueError("a line needs at least two different sizes")
    mean_size = statistics.fmean(sizes)
    mean_seconds = statistics.fmean(seconds)
    spread = sum((size - mean_size) ** 2 for size in sizes)
    slope = sum((size - mean_size) * (value - mean_seconds) for size, value in zip(sizes, seconds)) / spread
    intercept = mean_seconds - slope * mean_size
    total = sum((value - mean_seconds) ** 2 for value in seconds)
    residual = sum((value - (intercept + slope * size)) ** 2 for size, value in zip(sizes, seconds))
    r_squared = 1.0 if total == 0 else 1.0 - residual / total
    return LinearFit(intercept=intercept, slope=slope, r_squared=r_squared)


def increments(sizes, seconds):
    """Seconds per unit of size between consecutive sizes: [(from, to, seconds per unit), ...], sizes ascending."""
    points = sorted(zip(sizes, seconds))
    return [
        (size, next_size, (next_value - value) / (next_size - size))
        for (size, value), (next_size, next_value) in zip(points, points[1:])
    ]


def grows_at_most_linearly(sizes, seconds, tolerance=1.5, noise_floor=0.005):
    """Whether the cost of one more unit does not grow with the size.

    True when every step's increment per unit is at most `tolerance` times the first step's; increments below
    `noise_floor` seconds per unit count as flat (a few milliseconds per service is within the noise of a run).
    """
    steps = [per_unit for _, _, per_unit in increments(sizes, seconds)]
    if len(steps) < 2:
        return True
    allowed = max(steps[0], noise_floor) * tolerance
    return all(per_unit <= allowed for per_unit in steps[1:])


def growth_exponent(sizes, seconds):
    """k in seconds ~ c * size**k, from a fit in log-log space: 1 is linear, below 1 grows slower than the size."""
    return linear_fit([math.log(size) for size in sizes], [math.log(value) for value in seconds]).slope


@dataclass(frozen=True)
class Target:
    """A ratio the issue asks for: the scenario's median for `contender` at most `at_most` times `baseline`'s."""

    scenario: str
    contender: str
    baseline: str
    at_most: float
    # Scale targets compare curve points: the contender's median at `size` with the baseline's at `baseline_size`
    # (in `baseline_scenario`, the same scenario unless given).
    size: int = None
    baseline_size: int = None
    baseline_scenario: str = None

    def verdict(self, contender_median, baseline_median):
        """(measured ratio, met): (None, None) when either median is missing."""
        measured = ratio(contender_median, baseline_median)
        if measured is None:
            return None, None
        return measured, measured <= self.at_most
