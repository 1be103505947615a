"""The model's queue and dynamic batcher: a port of ``DynamicBatcher.swift``.

A worker asks for the next batch: the oldest waiting job plus the batchable jobs
right behind it, up to ``max_size``. It waits up to ``max_delay`` for company
only when calls have lately been arriving together (the last batch held more
than one); a lone call at low load never waits. Jobs are taken strictly from the
head, never reordered. Every job goes through the queue to a worker (the reading
thread never runs one itself: owner.py says why).
"""
import collections
import threading
import time


class Batcher:
    def __init__(self, max_size: int, max_delay: float, concurrency: int, batchable):
        self.max_size = max(1, max_size)
        self.max_delay = max(0.0, max_delay)
        self._batchable = batchable
        self._jobs = collections.deque()
        self._free = list(reversed(range(max(1, concurrency))))
        self._last_batch = 0
        self._closed = False
        self._cond = threading.Condition(threading.Lock())

    def finished(self, slot: int):
        with self._cond:
            self._free.append(slot)
            if self._jobs:
                self._cond.notify_all()

    def push(self, job, limit: int = 0) -> bool:
        """Queues ``job`` unless ``limit`` (> 0) jobs already wait (a job a free worker is about to take does not)."""
        with self._cond:
            if limit > 0 and len(self._jobs) - len(self._free) >= limit:
                return False
            self._jobs.append(job)
            self._cond.notify_all()
            return True

    def remove(self, matches) -> list:
        """Takes out the waiting jobs that match (jobs already running are not touched)."""
        with self._cond:
            removed = [j for j in self._jobs if matches(j)]
            if removed:
                self._jobs = collections.deque(j for j in self._jobs if not matches(j))
            return removed

    def __len__(self):
        with self._cond:
            return len(self._jobs)

    def close(self):
        """Ends the workers: ``next_batch`` returns ``(None, None)`` from now on."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def next_batch(self):
        """Blocks until a job waits and a slot is free; returns ``(jobs, slot)``, or ``(None, None)`` once closed."""
        with self._cond:
            while not self._closed and (not self._jobs or not self._free):
                self._cond.wait()
            if self._closed:
                return None, None
            slot = self._free.pop()
            batch = [self._jobs.popleft()]
            if self.max_size == 1 or not self._batchable(batch[0]):
                return batch, slot
            deadline = time.monotonic() + (self.max_delay if self._last_batch > 1 else 0)
            while len(batch) < self.max_size:
                if self._jobs:
                    if not self._batchable(self._jobs[0]):
                        break
                    batch.append(self._jobs.popleft())
                else:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0 or not self._cond.wait(remaining):
                        if not self._jobs:
                            break
            self._last_batch = len(batch)
            return batch, slot
