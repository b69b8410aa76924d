"""Background work in a web process: one run at a time, and nothing asked for left behind."""

from __future__ import annotations

import threading

import pytest

from remiss.core.background import Coalesced


def test_each_ask_is_done_when_nothing_runs() -> None:
    done: list[object] = []
    work = Coalesced(done.append)

    work.ask()
    work.ask(7)

    assert done == [None, 7]


def test_asking_during_a_run_returns_at_once_and_the_run_does_it_once_per_key() -> None:
    started, release = threading.Event(), threading.Event()
    done: list[object] = []

    def slow(key: object) -> None:
        done.append(key)
        if len(done) == 1:
            started.set()
            assert release.wait(timeout=30)

    work = Coalesced(slow)
    first = threading.Thread(target=work.ask, args=(1,))
    first.start()
    assert started.wait(timeout=30)
    for key in (2, 3, 2, 1):
        work.ask(key)  # each returns while the first run is still under way
    assert done == [1]
    release.set()
    first.join(timeout=30)

    assert done == [1, 2, 3, 1]


def test_a_failed_run_does_not_stop_the_next() -> None:
    outcomes = iter([RuntimeError("the server went away"), None])
    done: list[object] = []

    def failing_once(key: object) -> None:
        done.append(key)
        failure = next(outcomes)
        if failure is not None:
            raise failure

    work = Coalesced(failing_once)
    with pytest.raises(RuntimeError):
        work.ask()
    work.ask()

    assert done == [None, None]
