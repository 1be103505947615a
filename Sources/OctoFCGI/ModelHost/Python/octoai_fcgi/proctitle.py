"""Show the process as ``octoai: model-owner`` in ``ps``, as the Swift owner is shown.

What ``ps`` prints is the memory between the kernel's ``arg_start`` and
``arg_end`` (``/proc/self/cmdline``): the original C ``argv`` strings. They are
overwritten in place, NUL-padded, as setproctitle does on Linux. Their address
comes from ``/proc/self/stat`` rather than ``Py_GetArgcArgv``, which in Python 3
hands back wide-character copies, not the memory ``ps`` reads. ``prctl
(PR_SET_NAME)`` sets the short name ``top`` and ``ps -o comm`` show.
"""
import ctypes
import ctypes.util
import logging

_LOG = logging.getLogger("octoai.model-owner")
_PR_SET_NAME = 15


def set_title(title: str) -> None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_NAME, ctypes.c_char_p(title.encode()[:15]), 0, 0, 0)
        with open("/proc/self/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        # Fields 48 and 49 of proc(5) (arg_start, arg_end); fields[0] here is field 3 (state).
        start, end = int(fields[45]), int(fields[46])
        data = title.encode()[: end - start - 1]
        ctypes.memmove(start, data + b"\0" * (end - start - len(data)), end - start)
    except (OSError, ValueError, IndexError, AttributeError) as e:
        _LOG.debug("cannot set the process title: %s", e)
