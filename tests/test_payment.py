"""The simulated card terminal behind the PaymentTerminal port, driven with a scripted clock."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from kiosk.shop.payment import Payment, PaymentConfig, PaymentStatus, SimulatedTerminal

P = Payment("uid-1", 450, "EUR")


@pytest.mark.parametrize("outcome", ["approved", "declined", "timed-out"])
def test_pending_until_the_delay_then_the_outcome(outcome):
    t = SimulatedTerminal(outcome, delay=3.0, timeout=60.0)
    t.start(P, 10.0)
    assert [t.poll(x) for x in (10.0, 12.9)] == [PaymentStatus.PENDING] * 2
    assert t.poll(13.0) is PaymentStatus(outcome)
    assert t.started == [P]


def test_a_pending_payment_times_out_whatever_the_outcome():
    t = SimulatedTerminal("approved", delay=100.0, timeout=30.0)
    t.start(P, 0.0)
    assert t.poll(29.9) is PaymentStatus.PENDING and t.poll(30.0) is PaymentStatus.TIMED_OUT


def test_cancel_stops_a_pending_payment_but_not_a_paid_one():
    t = SimulatedTerminal("approved", delay=3.0)
    t.start(P, 0.0)
    t.cancel(1.0)
    assert t.poll(5.0) is PaymentStatus.CANCELLED
    t.start(Payment("uid-2", 100, "EUR"), 10.0)  # a new payment is not cancelled
    assert t.poll(13.0) is PaymentStatus.APPROVED
    t.cancel(14.0)  # too late: the card was tapped
    assert t.poll(15.0) is PaymentStatus.APPROVED
    assert [p.uid for p in t.started] == ["uid-1", "uid-2"]


def test_config_is_validated_and_builds_the_terminal():
    t = SimulatedTerminal.from_config(PaymentConfig(simulated_outcome="declined", simulated_delay=0.5))
    t.start(P, 0.0)
    assert t.poll(0.5) is PaymentStatus.DECLINED
    with pytest.raises(ValidationError):
        PaymentConfig(simulated_outcome="maybe")
    with pytest.raises(ValidationError):
        PaymentConfig(simulated_delay=-1)
