"""A demo process dies with the process that started it.

Demo processes lead their own sessions (so that a timeout's kill reaches
everything a demo starts, and Ctrl-C in the terminal reaches only quizcli),
which also means nothing stops them when quizcli itself is killed with
SIGKILL: its `finally` blocks never run. On Linux the kernel can do it:
PR_SET_PDEATHSIG asks for a signal when the parent dies. The parent is the
*thread* that started the process, so quizcli starts its fork servers and
runners from the thread that lives as long as they should (the main thread
for a session's warm worker).

Standard library only; a no-op where prctl is not there (the engine's own
cleanup still runs on every exit but SIGKILL).
"""

from __future__ import annotations

import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> bool:
    """Get SIGKILL when the parent dies; exit at once if it already has.

    `parent_pid` is the pid the caller expects as its parent: a parent that
    died before the request was made would otherwise go unnoticed (the
    process has been reparented to init by then). True if the kernel took
    the request.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if os.getppid() != parent_pid:
        os._exit(0)   # the parent is already gone: nobody is waiting for this process
    return True
