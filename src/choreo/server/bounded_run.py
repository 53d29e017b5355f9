"""`asyncio.run` with a bounded end: the tasks left when the main coroutine returns get `grace` seconds to finish
after being cancelled, and any that still run are abandoned.

`asyncio.run` waits for every left-over task without limit; a broker client whose close handshake is never
answered (a connection task that awaits the broker's reply even after it was cancelled) would then keep a stopping
server — or a test — from ever ending.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

log = logging.getLogger("choreo.server")

T = TypeVar("T")

#: How long the tasks left at the end get once cancelled.
GRACE_SECONDS = 5.0


def run_bounded(main: Coroutine[Any, Any, T], *, grace: float = GRACE_SECONDS) -> T:
    loop = asyncio.new_event_loop()
    try:
        asyncio.set_event_loop(loop)
        return loop.run_until_complete(main)
    finally:
        try:
            left = [task for task in asyncio.all_tasks(loop) if not task.done()]
            for task in left:
                task.cancel()
            if left:
                _, stuck = loop.run_until_complete(asyncio.wait(left, timeout=grace))
                for task in stuck:
                    log.warning("task %s did not stop within %g s of being cancelled: abandoned", task, grace)
            loop.run_until_complete(loop.shutdown_asyncgens())
            try:  # the threads of `asyncio.to_thread`: a task stuck in one is left to end with the process
                loop.run_until_complete(asyncio.wait_for(loop.shutdown_default_executor(), grace))
            except TimeoutError:
                log.warning("threads of the event loop did not stop within %g s: abandoned", grace)
        finally:
            asyncio.set_event_loop(None)
            loop.close()
