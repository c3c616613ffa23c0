"""Handing women to the worker while the broker is down: remembered, sent once it is back
(found by bench/faults.py: after a Redis restart they waited for the sweep, 60-90 s)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from bot.celery_app import remembering


@dataclass
class Broker:
    down: bool = False
    received: list[int] = field(default_factory=list)

    def send(self, beneficiary_id: int) -> None:
        if self.down:
            raise ConnectionError("broker down (fake)")
        self.received.append(beneficiary_id)


def test_women_the_broker_missed_go_with_the_next_hand_over() -> None:
    broker = Broker(down=True)
    enqueue = remembering(broker.send)
    for woman in (1, 2, 1):
        with pytest.raises(ConnectionError):  # the caller learns it (and logs it)
            enqueue(woman)

    broker.down = False
    enqueue(3)

    assert broker.received == [3, 1, 2]  # each once
    enqueue(4)
    assert broker.received == [3, 1, 2, 4]


def test_the_one_being_handed_over_is_not_sent_twice() -> None:
    broker = Broker(down=True)
    enqueue = remembering(broker.send)
    with pytest.raises(ConnectionError):
        enqueue(1)
    broker.down = False
    enqueue(1)
    assert broker.received == [1]


def test_when_the_broker_fails_again_the_rest_is_kept() -> None:
    attempts: list[int] = []
    failures = {1: 1, 2: 2}  # how often each hand-over fails before it goes through

    def send(beneficiary_id: int) -> None:
        attempts.append(beneficiary_id)
        if failures.get(beneficiary_id, 0) > 0:
            failures[beneficiary_id] -= 1
            raise ConnectionError("broker down (fake)")

    enqueue = remembering(send)
    for woman in (1, 2):
        with pytest.raises(ConnectionError):
            enqueue(woman)
    enqueue(3)  # then 1 goes; 2 fails again and is kept
    enqueue(4)  # then 2 goes
    assert attempts == [1, 2, 3, 1, 2, 4, 2]
