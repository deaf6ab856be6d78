import threading

from newsdesk.ingest.fetch.hosts import HostThrottle


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_requests_to_one_host_start_a_delay_apart() -> None:
    clock = FakeClock()
    throttle = HostThrottle(1, 5.0, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(3):
        with throttle.slot("example.org"):
            starts.append(clock.now)
    assert starts == [0.0, 5.0, 10.0]


def test_time_already_passed_counts_toward_the_delay() -> None:
    clock = FakeClock()
    throttle = HostThrottle(1, 5.0, clock=clock, sleep=clock.sleep)
    with throttle.slot("example.org"):
        clock.now += 3.0  # a slow response
    with throttle.slot("example.org"):
        pass
    assert clock.sleeps == [2.0]


def test_hosts_do_not_wait_for_each_other() -> None:
    clock = FakeClock()
    throttle = HostThrottle(1, 5.0, clock=clock, sleep=clock.sleep)
    for host in ("a.example", "b.example", "c.example"):
        with throttle.slot(host):
            pass
    assert clock.sleeps == []


def test_crawl_delay_can_only_lengthen_the_spacing() -> None:
    clock = FakeClock()
    throttle = HostThrottle(1, 5.0, clock=clock, sleep=clock.sleep)
    for delay in (8.0, 1.0, None):
        with throttle.slot("example.org", delay):
            pass
    assert clock.sleeps == [8.0, 5.0]


def test_concurrency_limit_blocks_the_extra_thread() -> None:
    throttle = HostThrottle(2, 0.0)
    inside, release = threading.Semaphore(0), threading.Event()
    third_entered = threading.Event()

    def occupy() -> None:
        with throttle.slot("example.org"):
            inside.release()
            release.wait(5)

    holders = [threading.Thread(target=occupy) for _ in range(2)]
    for thread in holders:
        thread.start()
    for _ in holders:
        assert inside.acquire(timeout=5)

    def third() -> None:
        with throttle.slot("example.org"):
            third_entered.set()

    waiter = threading.Thread(target=third)
    waiter.start()
    assert not third_entered.wait(0.2)
    release.set()
    assert third_entered.wait(5)
    for thread in [*holders, waiter]:
        thread.join()


def test_cool_down() -> None:
    clock = FakeClock()
    throttle = HostThrottle(1, 0.0, clock=clock, sleep=clock.sleep)
    assert throttle.cooldown_remaining("example.org") == 0.0
    throttle.cool_down("example.org", 60)
    clock.now += 15
    assert throttle.cooldown_remaining("example.org") == 45
    assert throttle.cooldown_remaining("other.example") == 0.0
    clock.now += 60
    assert throttle.cooldown_remaining("example.org") == 0.0
