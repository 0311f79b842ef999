"""Independent tasks run in chunks: in this process, in a local process pool, or on a Dask
distributed cluster (`--cluster tcp://HOST:8786`, or the PLANNER_CLUSTER environment variable).

A sweep is a module-level function and a list of chunks (each chunk a picklable task: the numbers
it needs and the range of sample numbers it covers). What travels to a worker is the function by
name (the worker needs `planner` installed, the same version) and the chunk; every random draw is
made from the sample's own number and the seed (planner.studies.uncertainty), so the results do
not depend on how many processes or workers there are or which one ran which chunk. Results come
back in chunk order. No home-made distribution: concurrent.futures locally, dask.distributed for
a cluster.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

__all__ = [
    "CLUSTER_ENV",
    "chunk_ranges",
    "cluster_address",
    "connected",
    "run_chunks",
    "workers_of",
]

CLUSTER_ENV = "PLANNER_CLUSTER"
MIN_CHUNK = 25  # samples per chunk at least: amortises the scheduling of one task

T = TypeVar("T")
R = TypeVar("R")


def cluster_address(explicit: str | None = None) -> str | None:
    """The cluster to use: the explicit address, else $PLANNER_CLUSTER, else None (local)."""
    address = explicit or os.environ.get(CLUSTER_ENV) or None
    return address.strip() if address else None


def chunk_ranges(count: int, workers: int, *, per_worker: int = 4) -> list[tuple[int, int]]:
    """[start, stop) ranges covering 0..count: `per_worker` chunks per worker, but no more than
    ceil(count / MIN_CHUNK), so that a chunk is worth its scheduling."""
    if count <= 0:
        return []
    chunks = max(1, min(workers * per_worker, -(-count // MIN_CHUNK)))
    size = -(-count // chunks)
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def run_chunks(
    function: Callable[[T], R],
    chunks: Sequence[T],
    *,
    processes: int = 1,
    cluster: Any = None,
) -> list[R]:
    """function(chunk) for every chunk, in chunk order.

    cluster: None (local), an address such as "tcp://127.0.0.1:8786", or a
    `distributed.Client`; processes: the size of the local pool (1: in this process).
    """
    if cluster is not None:
        return _on_cluster(function, chunks, cluster)
    if processes > 1 and len(chunks) > 1:
        with ProcessPoolExecutor(max_workers=min(processes, len(chunks))) as pool:
            return list(pool.map(function, chunks))
    return [function(chunk) for chunk in chunks]


def _on_cluster(function: Callable[[T], R], chunks: Sequence[T], cluster: Any) -> list[R]:
    try:
        from distributed import Client
    except ImportError as error:  # pragma: no cover - the extra is part of the test set-up
        raise RuntimeError(
            "--cluster needs dask.distributed: pip install 'planner[cluster]'"
        ) from error
    own = not isinstance(cluster, Client)
    client = Client(cluster, timeout="30s") if own else cluster
    try:
        # pure=False: every chunk is its own task even if two look alike.
        futures = client.map(function, list(chunks), pure=False)
        return list(client.gather(futures))
    finally:
        if own:
            client.close()


@contextmanager
def connected(cluster: Any) -> Iterator[Any]:
    """A distributed.Client for an address (closed afterwards), or the Client or None given."""
    if cluster is None or not isinstance(cluster, str):
        yield cluster
        return
    try:
        from distributed import Client
    except ImportError as error:  # pragma: no cover - the extra is part of the test set-up
        raise RuntimeError(
            "--cluster needs dask.distributed: pip install 'planner[cluster]'"
        ) from error
    client = Client(cluster, timeout="30s")
    try:
        yield client
    finally:
        client.close()


def workers_of(cluster: Any) -> int:
    """How many workers a cluster has (1 when unknown), to size the chunks."""
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover
        return 1
    if isinstance(cluster, Client):
        return max(1, len(cluster.scheduler_info().get("workers", {})))
    return 1
