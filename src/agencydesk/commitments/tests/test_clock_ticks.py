"""The desk's clock runs every registered tick, and one failing tick stops none of the others."""

from __future__ import annotations

import threading

from agencydesk.commitments import clock


def test_clock_runs_registered_ticks_and_outlives_a_failing_one(monkeypatch):
    seen: list[str] = []
    two_rounds = threading.Event()

    def desk_tick(*, now):
        seen.append("desk")
        return {"breached": 0}

    def broken_tick(*, now):
        seen.append("broken")
        raise RuntimeError("a bad tick")

    def other_tick(*, now):
        seen.append("other")
        if seen.count("other") >= 2:
            two_rounds.set()
        return {"sent": 1}

    monkeypatch.setattr(clock, "clock_tick", desk_tick)
    monkeypatch.setattr(clock, "close_old_connections", lambda: None)
    monkeypatch.setattr(clock, "TICKS", [broken_tick, other_tick])
    running = clock.Clock(interval=0.01).start()
    try:
        assert two_rounds.wait(timeout=10)
    finally:
        running.stop()
        running.thread.join(timeout=10)
    assert seen[:6] == ["desk", "broken", "other", "desk", "broken", "other"]


def test_the_telegram_alerts_are_registered_with_the_clock():
    from agencydesk.integrations.telegram.alerts import telegram_tick

    assert telegram_tick in clock.TICKS
