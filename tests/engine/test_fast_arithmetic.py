"""The vectorised arithmetic of the search against the plain formulas it replaced.

GroupModel.class_counts reads every plan the search checks or starts a solver from; it is one pass
over the assignment's entries now, and must give exactly what a sparse slice per class gave.
ClusterBound's needs of every cell at its fixed load (one pass per threshold) and the rounds of
the float correction (later rounds only on the elements the round before moved) must give exactly
the per-cell, every-element formula: refutations rest on them. Knife-edge loads (a cell exactly
at t with n employees, and one ulp either side) are where a round matters.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from planner.engine.clusters import LOAD_MARGIN, ClusterBound, _first_guess, _settled, applies
from planner.engine.counting import AssignedServices, staff_counted
from planner.engine.group import group_data
from planner.engine.model import build_group_model
from planner.engine.plan import shares_matrix, whole_assignment
from tests.engine.test_exhaustive import scenarios

EQUIVALENCE = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _class_counts_by_slices(group_model, assignment) -> list[np.ndarray]:
    """class_counts as it was: a sparse slice per class, summed over its members."""
    counts = []
    for members in group_model.classes:
        eligible = list(group_model.data.eligible[members[0]])
        block = assignment[members][:, eligible]
        counts.append(np.asarray(block.sum(axis=0), dtype=float).ravel())
    return counts


def _staff_every_round(bound: ClusterBound, u: int, k: int, load: np.ndarray, t: float):
    """ClusterBound._staff as it was: three rounds of the correction over every element."""
    pool = bound.pool
    load = np.asarray(load, dtype=float) * (1 - LOAD_MARGIN)
    capacity = bound.capacity[u]
    if pool.fixed[u, k]:
        start = float(pool.start[u, k])
        with np.errstate(divide="ignore", invalid="ignore"):
            fits = (load <= 0) | ((start > 0) & (load / (start * capacity) <= t))
        return np.where(fits, start, math.inf)
    if capacity <= 0:
        return np.where(load > 0, math.inf, float(pool.keep[u, k]))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        n = np.ceil(load / (t * capacity))
    n = np.where(load > 0, np.clip(np.nan_to_num(n, nan=1.0, posinf=2.0**40), 1, 2.0**40), 0)
    for _ in range(3):
        smaller = np.maximum(n - 1, 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            down = (load > 0) & (n > 1) & (load / (smaller * capacity) <= t)
            up = (load > 0) & (load / (np.maximum(n, 1) * capacity) > t)
        n = np.where(down, n - 1, np.where(up, n + 1, n))
    n = np.maximum(n, float(pool.keep[u, k]))
    return np.where(n <= float(pool.upper[u, k]), n, math.inf)


@EQUIVALENCE
@given(scenarios(skill_count=None, mode=None, hires=True), st.data())
def test_class_counts_equal_the_slices_per_class(scenario, data):
    """For the current plan and drawn assignments of whole services (and split shares), the one
    pass gives exactly the counts of a slice per class."""
    note(repr(scenario))
    for group in scenario.groups:
        group_data_ = group_data(scenario, group)
        group_model = build_group_model(group_data_)
        services, units = len(group_data_.services), len(group_data_.units)
        unit_of = np.array(
            [data.draw(st.sampled_from(e)) for e in group_data_.eligible], dtype=np.int64
        )
        whole = shares_matrix(np.arange(services), unit_of, np.ones(services), (services, units))
        fast, plain = group_model.class_counts(whole), _class_counts_by_slices(group_model, whole)
        assert len(fast) == len(plain)
        for a, b in zip(fast, plain, strict=True):
            assert np.array_equal(a, b)
        # Shares over two units (split services), a service at a unit outside its list included.
        other = np.array([data.draw(st.integers(0, units - 1)) for _ in range(services)])
        share = data.draw(st.sampled_from((0.5, 0.25, 1 / 3)))
        split = shares_matrix(
            np.concatenate([np.arange(services), np.arange(services)]),
            np.concatenate([unit_of, other]),
            np.concatenate([np.full(services, 1 - share), np.full(services, share)]),
            (services, units),
        )
        fast, plain = group_model.class_counts(split), _class_counts_by_slices(group_model, split)
        for a, b in zip(fast, plain, strict=True):
            assert np.allclose(a, b, rtol=0, atol=1e-12)


def _knife_edges(bound: ClusterBound) -> list[float]:
    """Thresholds at which some cell's fixed load is exactly its coefficient with n employees,
    and one ulp either side."""
    values = []
    load = bound.fixed_load
    for u, k in zip(*np.nonzero(load > 0), strict=True):
        if bound.capacity[u] > 0:
            for n in (1, 2, 3, 5):
                t = float(load[u, k] / (n * bound.capacity[u]))
                values += [t, math.nextafter(t, 0), math.nextafter(t, math.inf)]
    return values + [1e-9, 0.1, 0.5, 1.0, 2.0, 1e9]


@EQUIVALENCE
@given(scenarios(skill_count=None, mode=None, hires=True))
def test_needs_of_every_cell_equal_the_per_cell_formula(scenario):
    """_cell_needs(t)[u, k] is exactly the old _staff(u, k, fixed load, t) at knife-edge
    thresholds, and _staff over a range of loads equals the every-round formula."""
    note(repr(scenario))
    for group in scenario.groups:
        data = group_data(scenario, group)
        if not applies(data):
            continue
        bound = ClusterBound(data)
        if bound.pool is None:
            continue
        loads = np.concatenate([bound.fixed_load.ravel(), np.linspace(0.0, 12.0, 97)])
        for t in _knife_edges(bound):
            needs = bound._cell_needs(t)
            for u in range(len(data.units)):
                for k in range(len(data.skills)):
                    expected = _staff_every_round(
                        bound, u, k, np.array([bound.fixed_load[u, k]]), t
                    )[0]
                    assert needs[u, k] == expected, (u, k, t)
                    assert np.array_equal(
                        bound._staff(u, k, loads, t), _staff_every_round(bound, u, k, loads, t)
                    )


def test_rounds_on_the_moved_elements_only_equal_rounds_over_all():
    """_settled from deliberately wrong first guesses (off by one or two either way) at exact and
    one-ulp-off loads gives what three full rounds give."""
    rng = np.random.default_rng(14)
    capacity = rng.choice([1.0, 0.75, 0.8, 0.5, 1600.0 / 1500.0], size=4000)
    n_true = rng.integers(1, 40, size=4000).astype(float)
    t = 0.6152
    load = n_true * t * capacity
    load = np.where(rng.random(4000) < 0.3, np.nextafter(load, np.inf), load)
    load = np.where(rng.random(4000) < 0.3, np.nextafter(load, 0), load)
    load[:50] = 0.0
    guess = _first_guess(load, capacity, t) + rng.choice([-2.0, -1.0, 0.0, 0.0, 1.0, 2.0], 4000)
    guess = np.where(load > 0, np.maximum(guess, 1), 0)
    expected = guess.copy()
    for _ in range(3):
        smaller = np.maximum(expected - 1, 1)
        down = (load > 0) & (expected > 1) & (load / (smaller * capacity) <= t)
        up = (load > 0) & (load / (np.maximum(expected, 1) * capacity) > t)
        expected = np.where(down, expected - 1, np.where(up, expected + 1, expected))
    got = _settled(guess, load, capacity, t)
    assert np.array_equal(got, expected)
    # From the ceil guess every loaded element settles at the fewest n whose coefficient is <= t.
    settled = _settled(_first_guess(load, capacity, t), load, capacity, t)
    loaded = load > 0
    assert (load[loaded] / (settled[loaded] * capacity[loaded]) <= t).all()
    fewer = np.maximum(settled[loaded] - 1, 1)
    assert ((settled[loaded] == 1) | (load[loaded] / (fewer * capacity[loaded]) > t)).all()


@EQUIVALENCE
@given(st.integers(1, 30), st.lists(st.integers(0, 29), max_size=60))
def test_whole_assignment_is_the_matrix_shares_matrix_gives(units, placed):
    """Built directly, the assignment of whole services has the same entries, index types and
    canonical form as shares_matrix's conversion of the same triplets."""
    unit_of = np.array([u % units for u in placed], dtype=np.int64)
    count = unit_of.size
    fast = whole_assignment(unit_of, units)
    plain = shares_matrix(np.arange(count), unit_of, np.ones(count), (count, units))
    assert type(fast) is type(plain) and fast.shape == plain.shape == (count, units)
    for a, b in (
        (fast.indptr, plain.indptr),
        (fast.indices, plain.indices),
        (fast.data, plain.data),
    ):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert fast.has_canonical_format and (fast != plain).nnz == 0


@EQUIVALENCE
@given(scenarios(skill_count=None, mode=None, hires=True), st.data())
def test_reaches_with_the_need_kept_between_calls_equals_a_fresh_count(scenario, data):
    """AssignedServices.reaches, which works the need out again only for cells whose load
    changed since its last call at the same t, answers as a fresh AssignedServices does, over a
    run of drawn assignments and thresholds (knife edges among them)."""
    note(repr(scenario))
    for group in scenario.groups:
        group_data_ = group_data(scenario, group)
        if not staff_counted(group_data_) or group_data_.settings.split_services:
            continue
        kept = AssignedServices(group_data_)
        capacity = group_data_.capacity_per_employee
        edges = [0.3, 0.5, 1.0, 2.0]
        for u in range(len(group_data_.units)):
            if capacity[u] > 0:
                edges += [w / (n * capacity[u]) for w in (1.0, 2.0, 3.0) for n in (1, 2, 3)]
        t = data.draw(st.sampled_from(edges))
        for _ in range(data.draw(st.integers(1, 6))):
            unit_of = np.array(
                [data.draw(st.sampled_from(e)) for e in group_data_.eligible], dtype=np.int64
            )
            if data.draw(st.booleans()):
                t = data.draw(st.sampled_from(edges))
            assert kept.reaches(unit_of, t) == AssignedServices(group_data_).reaches(unit_of, t)
