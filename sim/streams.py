"""Named random streams: one generator per source of randomness (MODEL.md, "Randomness").

A stream's generator is derived from the replication's seed and the stream's
*name* alone, with ``numpy.random.SeedSequence``. Adding a department or a
stream never shifts the draws of another, so two scenarios run with the same
seed share their random numbers wherever they share a mechanism (common random
numbers), and their paired differences have tight confidence intervals.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np

from sim.distributions import Dist, sampler, uniforms


def name_part(name: str) -> str:
    """A name written in a scenario (a segment, a channel) as one part of a stream name.

    Stream names join parts with ``/``; a name that holds a ``/`` would make
    two different sources one stream name (segment ``"s/channel"``'s organic
    inquiries and channel ``"organic"`` of segment ``"s"``), and the second
    claim would fail. ``%`` and ``/`` are escaped, so every other name, and so
    every stream of a scenario without them, keeps its name and its draws.
    """
    return name.replace("%", "%25").replace("/", "%2F")


def stream_key(name: str) -> int:
    """A stable 64-bit integer for a stream name (independent of Python's hash seed)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


def replication_seed(seed: int, replication: int) -> int:
    """The seed reported for one replication: stable, and distinct across replications."""
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=(replication,))
    return int(sequence.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


class Streams:
    """The random streams of one replication."""

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = seed
        self.replication = replication
        self.names: list[str] = []

    def generator(self, name: str) -> np.random.Generator:
        """The generator of the stream called ``name`` (each name may be used once)."""
        if name in self.names:
            raise ValueError(f"random stream {name!r} is used twice")
        self.names.append(name)
        sequence = np.random.SeedSequence(
            entropy=self.seed, spawn_key=(self.replication, stream_key(name))
        )
        return np.random.Generator(np.random.PCG64(sequence))

    def sampler(self, name: str, dist: Dist) -> Callable[[], float]:
        """A batched sampler of ``dist`` on its own stream."""
        if dist.kind == "fixed":  # a constant needs no stream and must not claim one
            return sampler(dist, None)
        return sampler(dist, self.generator(name))

    def uniform(self, name: str) -> Callable[[], float]:
        """Batched U(0, 1) draws on their own stream."""
        return uniforms(self.generator(name))

    def entity_key(self, name: str) -> tuple[int, int]:
        """A 128-bit key for the counter-based generators of the entities of stream ``name``.

        Each entity of the stream (a customer, say) then draws from
        ``Philox(key, counter=its index)``: its own sequence, reachable in any order.
        """
        if name in self.names:
            raise ValueError(f"random stream {name!r} is used twice")
        self.names.append(name)
        sequence = np.random.SeedSequence(
            entropy=self.seed, spawn_key=(self.replication, stream_key(name))
        )
        first, second = sequence.generate_state(2, dtype=np.uint64).tolist()
        return int(first), int(second)
