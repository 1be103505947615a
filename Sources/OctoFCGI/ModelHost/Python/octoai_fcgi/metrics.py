"""The model owner's share of ``/metrics``, added where the Swift processes add theirs.

Every child gets the shared status page at fd 4 (``SharedStatus.swift``); the
Swift processes add to fixed words of it (``SharedMetrics.swift``) and whichever
responder nginx picks renders the whole. The words are named in ``OCTOAI_CHILD``
(``metricsLayout``), never restated here. Python has no atomic add on shared
memory: every word written here but one has no other writer (the owner alone
measures its queue, waits, inference and batches); ``requestsCancelled``, which a
responder also adds to when a client leaves before its call is sent, is added
under this process's lock only, so an increment can be lost if both add at once.
"""
import bisect
import mmap
import struct
import threading

PAGE_SIZE = 16384
STATUS_FD = 4


class Metrics:
    """Adds to the shared page; does nothing when there is none (a test harness) or no layout."""

    def __init__(self, layout, fd: int = STATUS_FD):
        self._layout = layout
        self._lock = threading.Lock()
        self._page = None
        if layout:
            try:
                self._page = mmap.mmap(fd, PAGE_SIZE)
            except (OSError, ValueError):
                self._page = None

    def _add(self, word: int, delta: int):
        offset = word * 8
        value = struct.unpack_from("<q", self._page, offset)[0] + delta
        struct.pack_into("<q", self._page, offset, max(-(1 << 63), min((1 << 63) - 1, value)))

    def queue_depth(self, depth: int):
        if self._page:
            with self._lock:
                struct.pack_into("<q", self._page, self._layout["queueDepth"] * 8, depth)

    def cancelled(self, count: int):
        if self._page and count:
            with self._lock:
                self._add(self._layout["requestsCancelled"], count)

    def observe(self, name: str, value: float):
        """Counts ``value`` (seconds for ``queueWait`` and ``inference``, units for ``batchSize``)."""
        if not self._page:
            return
        histogram = self._layout[name]
        bucket = bisect.bisect_left(histogram["buckets"], value)
        with self._lock:
            self._add(histogram["base"] + bucket, 1)
            self._add(histogram["sumWord"], int(value * histogram["scale"]))
