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
    run_chunks keeps chunk order."""
    distributed = pytest.importorskip("distributed")
    result = planner.solve(_two_units(), sensitivity=False)
    serial = uncertainty(result, 300, seed=11)
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
    assert squares == [x * x for x in range(10)]
    for plan in (CURRENT, PLAN):
        assert np.array_equal(serial.maxima[plan], on_cluster.maxima[plan])
        assert np.array_equal(serial.maxima[plan], by_address.maxima[plan])
        assert np.array_equal(serial.above_mean[plan], on_cluster.above_mean[plan])
