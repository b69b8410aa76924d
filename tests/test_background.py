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


def test_with_a_pause_what_is_asked_during_a_run_is_done_together_after_it() -> None:
    started, release, finished = threading.Event(), threading.Event(), threading.Event()
    done: list[tuple[object, threading.Thread]] = []

    def slow(key: object) -> None:
        done.append((key, threading.current_thread()))
        if len(done) == 1:
            started.set()
            assert release.wait(timeout=30)
        if len(done) == 3:
            finished.set()

    work = Coalesced(slow, pause=0.05)
    first = threading.Thread(target=work.ask, args=(1,))
    first.start()
    assert started.wait(timeout=30)
    for key in (2, 3, 2):
        work.ask(key)
    release.set()
    first.join(timeout=30)
    assert finished.wait(timeout=30)

    # The first run ended without them: a later run, on a thread of its own, did both.
    assert [key for key, _ in done] == [1, 2, 3]
    assert done[0][1] is first
    assert done[1][1] is done[2][1] is not first
    work.ask(4)  # nothing runs any more: done at once, by the asker
    assert done[3] == (4, threading.current_thread())


def test_when_nothing_was_asked_during_a_run_the_next_ask_runs_at_once() -> None:
    done: list[object] = []
    work = Coalesced(done.append, pause=3600)

    work.ask(1)
    work.ask(2)

    assert done == [1, 2]


def test_finishing_does_at_once_what_a_pause_put_off() -> None:
    started, release = threading.Event(), threading.Event()
    done: list[object] = []

    def slow(key: object) -> None:
        done.append(key)
        if len(done) == 1:
            started.set()
            assert release.wait(timeout=30)

    work = Coalesced(slow, pause=3600)
    first = threading.Thread(target=work.ask, args=(1,))
    first.start()
    assert started.wait(timeout=30)
    work.ask(2)
    release.set()
    first.join(timeout=30)
    assert done == [1]  # 2 is put off for an hour

    work.finish()

    assert done == [1, 2]
    work.ask(3)
    assert done == [1, 2, 3]
