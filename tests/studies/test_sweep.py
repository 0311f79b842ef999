"""Sweeps in chunks: a 2-worker Dask LocalCluster started here gives the serial results."""

from __future__ import annotations

import numpy as np
import pytest

import planner
from planner.studies.sweep import CLUSTER_ENV, chunk_ranges, cluster_address, run_chunks
from planner.studies.uncertainty import CURRENT, PLAN, uncertainty
from tests.studies.test_uncertainty import _two_units


def _square(x: int) -> int:
    return x * x


def test_chunk_ranges_cover_every_sample_once():
    """1,000 samples on 2 workers: 8 chunks of 125; 60 samples: at most ceil(60 / 25) = 3."""
    ranges = chunk_ranges(1000, 2)
    assert ranges[0] == (0, 125) and len(ranges) == 8 and ranges[-1][1] == 1000
    assert chunk_ranges(60, 2) == [(0, 20), (20, 40), (40, 60)]
    assert chunk_ranges(0, 2) == []


def test_cluster_address_from_the_environment(monkeypatch):
    """--cluster wins over $PLANNER_CLUSTER; neither means local."""
    monkeypatch.delenv(CLUSTER_ENV, raising=False)
    assert cluster_address(None) is None
    monkeypatch.setenv(CLUSTER_ENV, " tcp://10.0.0.5:8786 ")
    assert cluster_address(None) == "tcp://10.0.0.5:8786"
    assert cluster_address("tcp://127.0.0.1:1") == "tcp://127.0.0.1:1"


def test_local_cluster_of_two_workers_gives_the_serial_results():
    """A LocalCluster of 2 worker processes on 127.0.0.1, started and stopped here: the Monte
    Carlo of 300 samples (seed 11) is bit-identical to the serial run, by Client and by address;
    run_chunks keeps chunk order. The robust study (the robust plan solved on a worker, with its
    proof and report, and the evaluation) and the comparison of two workbooks with robust plans
    (each option solved as a task of its own) equal their serial runs too."""
    distributed = pytest.importorskip("distributed")
    from planner.studies.compare import compare
    from planner.studies.robust import ROBUST, robust_study
    from tests.studies.test_robust import _case

    result = planner.solve(_two_units(), sensitivity=False)
    serial = uncertainty(result, 300, seed=11)
    serial_study = robust_study(_case(), samples=20, evaluate=300, seed=5)
    serial_comparison = compare([_case(), _two_units()], robust=20, evaluate=300, seed=5)
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=40,
        ) as cluster,
        distributed.Client(cluster, timeout="60s") as client,
    ):
        client.wait_for_workers(2, timeout=60)
        on_cluster = uncertainty(result, 300, seed=11, cluster=client)
        by_address = uncertainty(result, 300, seed=11, cluster=cluster.scheduler_address)
        squares = run_chunks(_square, list(range(10)), cluster=client)
        study = robust_study(_case(), samples=20, evaluate=300, seed=5, cluster=client)
        comparison = compare([_case(), _two_units()], robust=20, evaluate=300, seed=5,
                             cluster=cluster.scheduler_address)  # fmt: skip
    assert squares == [x * x for x in range(10)]
    for plan in (CURRENT, PLAN):
        assert np.array_equal(serial.maxima[plan], on_cluster.maxima[plan])
        assert np.array_equal(serial.maxima[plan], by_address.maxima[plan])
        assert np.array_equal(serial.above_mean[plan], on_cluster.above_mean[plan])
    robust, alone = study.robust["all"], serial_study.robust["all"]
    assert robust.proven and (robust.t, robust.lower_bound) == (alone.t, alone.lower_bound)
    assert np.array_equal(robust.plan.headcount, alone.plan.headcount)
    assert robust.report.solver_runs == alone.report.solver_runs
    assert np.array_equal(study.evaluation.maxima[ROBUST], serial_study.evaluation.maxima[ROBUST])
    assert [o.label for o in comparison.options] == [
        "robust: baseline", "robust: baseline (robust)", "two: baseline", "two: baseline (robust)"
    ]  # fmt: skip
    assert [o.label for o in serial_comparison.options] == [o.label for o in comparison.options]
    for on, off in zip(comparison.options, serial_comparison.options, strict=True):
        assert (on.p90, on.result.max_coefficient_after, on.result.staff_moved) == (
            off.p90, off.result.max_coefficient_after, off.result.staff_moved
        )  # fmt: skip
        assert on.result.status is off.result.status
