"""Background work in a web process: one run at a time, and nothing asked for left behind."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from remiss.core.background import Coalesced


def test_each_ask_is_done_when_nothing_runs() -> None:
    done: list[object] = []
    work = Coalesced(done.append)

    work.ask()
    work.ask(7)

    assert done == [None, 7]


class Held:
    """Work whose first run waits until released, so that what is asked meanwhile shows;
    it notes each key it did and the thread that did it."""

    def __init__(self, wanted: int = 0) -> None:
        self.done: list[tuple[object, threading.Thread]] = []
        self.started, self.release = threading.Event(), threading.Event()
        self.reached = threading.Event()  # ``wanted`` keys done
        self.wanted = wanted

    def __call__(self, key: object) -> None:
        self.done.append((key, threading.current_thread()))
        if len(self.done) == 1:
            self.started.set()
            assert self.release.wait(timeout=30)
        if len(self.done) == self.wanted:
            self.reached.set()

    @property
    def keys(self) -> list[object]:
        return [key for key, _ in self.done]

    @contextmanager
    def first_run(self, work: Coalesced, key: object) -> Iterator[threading.Thread]:
        """``work.ask(key)`` on a thread of its own, held in its run until the block ends."""
        first = threading.Thread(target=work.ask, args=(key,))
        first.start()
        assert self.started.wait(timeout=30)
        yield first
        self.release.set()
        first.join(timeout=30)


def test_asking_during_a_run_returns_at_once_and_the_run_does_it_once_per_key() -> None:
    held = Held()
    work = Coalesced(held)
    with held.first_run(work, 1):
        for key in (2, 3, 2, 1):
            work.ask(key)  # each returns while the first run is still under way
        assert held.keys == [1]

    assert held.keys == [1, 2, 3, 1]


def test_leaving_to_a_run_does_nothing_when_none_is_under_way() -> None:
    done: list[object] = []
    work = Coalesced(done.append)

    assert not work.leave_to_run(1)

    assert done == []
    work.ask(2)
    assert done == [2]  # 1 was not kept for later either


def test_leaving_to_the_run_under_way_has_it_done_there_once() -> None:
    held = Held()
    work = Coalesced(held)
    with held.first_run(work, 1) as first:
        assert work.leave_to_run(2)
        assert work.leave_to_run(2)
        assert held.keys == [1]

    assert held.keys == [1, 2]
    assert {thread for _, thread in held.done} == {first}


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
    held = Held(wanted=3)
    work = Coalesced(held, pause=0.05)
    with held.first_run(work, 1) as first:
        for key in (2, 3, 2):
            work.ask(key)
    assert held.reached.wait(timeout=30)

    # The first run ended without them: a later run, on a thread of its own, did both.
    assert held.keys == [1, 2, 3]
    assert held.done[0][1] is first
    assert held.done[1][1] is held.done[2][1] is not first
    work.ask(4)  # nothing runs any more: done at once, by the asker
    assert held.done[3] == (4, threading.current_thread())


def test_when_nothing_was_asked_during_a_run_the_next_ask_runs_at_once() -> None:
    done: list[object] = []
    work = Coalesced(done.append, pause=3600)

    work.ask(1)
    work.ask(2)

    assert done == [1, 2]


def test_finishing_does_at_once_what_a_pause_put_off() -> None:
    held = Held()
    work = Coalesced(held, pause=3600)
    with held.first_run(work, 1):
        work.ask(2)
    assert held.keys == [1]  # 2 is put off for an hour

    work.finish()

    assert held.keys == [1, 2]
    work.ask(3)
    assert held.keys == [1, 2, 3]
