"""Per-host politeness for a thread pool: at most N requests in flight per host, starts spaced by a delay.

Process-local on purpose: one fetcher is shared by the crawler's threads; the
scheduler already spreads work over time across processes.
"""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class _HostState:
    semaphore: threading.Semaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0
    cool_until: float = 0.0


class HostThrottle:
    def __init__(
        self,
        concurrency: int,
        delay: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.concurrency = max(1, concurrency)
        self.delay = max(0.0, delay)
        self._clock = clock
        self._sleep = sleep
        self._hosts: dict[str, _HostState] = {}
        self._hosts_lock = threading.Lock()

    def _state(self, host: str) -> _HostState:
        with self._hosts_lock:
            state = self._hosts.get(host)
            if state is None:
                state = self._hosts[host] = _HostState(threading.Semaphore(self.concurrency))
            return state

    @contextmanager
    def slot(self, host: str, delay: float | None = None) -> Iterator[None]:
        """Hold one of the host's request slots; waits for a free slot and for the host's delay."""
        state = self._state(host)
        spacing = self.delay if delay is None else max(self.delay, delay)
        with state.semaphore:
            with state.lock:
                now = self._clock()
                start = max(now, state.next_start)
                state.next_start = start + spacing
            if start > now:
                self._sleep(start - now)
            yield

    def cool_down(self, host: str, seconds: float) -> None:
        """Refuse requests to `host` for `seconds` (it asked us to back off)."""
        state = self._state(host)
        with state.lock:
            state.cool_until = max(state.cool_until, self._clock() + seconds)

    def cooldown_remaining(self, host: str) -> float:
        state = self._state(host)
        with state.lock:
            return max(0.0, state.cool_until - self._clock())
