"""One demo run for someone watching (`quizcli explain`, the quiz's `d` key).

    play(demo_id, seed=0, device="auto", treatment=True, timeout=None, watch=None) -> Played

Finds the demo, refuses one whose folder is not trusted, runs it in the
engine's child process and returns how it went. It never raises for
anything a demo or its lookup does (unknown id, untrusted, crash, an engine
bug): that comes back as an ERROR outcome with the error beside it, so a
quiz session always survives a demo. A KeyboardInterrupt the engine does
not turn into INTERRUPTED itself is left to the caller.

It never prints: `watch(info)`, when given, is entered around the run and
yields the engine's progress callback (quizcli.ui.demo.watch shows the
demo's header and a live progress bar); the caller renders the result.
"""

from __future__ import annotations

from typing import Any, Callable, ContextManager, NamedTuple

from quizcli.demo import engine, registry
from quizcli.demo.engine import DemoOutcome, ProgressFn
from quizcli.demo.registry import DemoInfo
from quizcli.errors import QuizcliError

Watch = Callable[[DemoInfo], ContextManager[ProgressFn | None]]


class Played(NamedTuple):
    outcome: DemoOutcome
    # Why it did not run, where it did not: a QuizcliError (unknown id,
    # untrusted folder, unknown device) or any other exception (a bug in the
    # engine), to be shown instead of the outcome.
    error: BaseException | None = None


def play(demo_id: str, *, seed: int = 0, device: str = "auto", treatment: bool = True,
         timeout: float | None = None, watch: Watch | None = None, fresh: bool = False,
         server: Any = None) -> Played:
    """See the module's docstring. A deterministic run already measured comes
    from the results cache (quizcli.demo.cache) unless `fresh`, and a run
    measured now is kept there; `server` is a warm fork server to run it in
    (quizcli.demo.warm)."""
    def failed(err: BaseException, info: DemoInfo | None) -> Played:
        message = err.message if isinstance(err, QuizcliError) else str(err)
        return Played(DemoOutcome(demo_id=demo_id, status=engine.ERROR, message=message, verdict=None, result=None,
                                  elapsed_s=0.0, seed=seed, device=device, treatment=treatment, info=info), err)

    try:
        info = registry.load_demo(demo_id)
        if info.blocked:
            raise registry.UntrustedDemoError(info.blocked, hint=registry.trust_hint(info))
    except QuizcliError as err:
        return failed(err, None)
    from quizcli.demo import cache

    try:
        cached = None
        if not fresh and device in engine.DEVICES:
            cached = cache.lookup(info, seed=seed, device=device, treatment=treatment)
        if watch is None:
            outcome = cached or engine.run_demo(info, seed=seed, device=device, treatment=treatment,
                                                timeout=timeout, server=server)
        else:
            with watch(info) as on_progress:
                outcome = cached or engine.run_demo(info, seed=seed, device=device, treatment=treatment,
                                                    timeout=timeout, on_progress=on_progress, server=server)
    except QuizcliError as err:      # e.g. an unknown device name
        return failed(err, info)
    except Exception as err:         # a bug in the engine must not end a quiz session either
        return failed(err, info)
    if cached is None:
        cache.store(outcome)
    return Played(outcome)
