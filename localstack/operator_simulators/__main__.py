"""Run the four operator simulators for the local stack's test mode, on fixed ports, until stopped.

python -m localstack.operator_simulators --port BASE --airtel-callback URL

M-Pesa on BASE, MTN MoMo on BASE+1, Orange Money on BASE+2, Airtel Money on BASE+3. The simulated payer
answers every prompt by the number's last two digits (payer.py). Their records live in memory: a restart
forgets requests still open, which then end by the reconciler's timeout like any unanswered prompt.
"""

from __future__ import annotations

import argparse
import signal
import threading

from .mobile import AirtelMoneySimulator, MpesaSimulator, MtnMomoSimulator, OrangeMoneySimulator

# Provider -> (simulator, offset from the base port); the stack's sandbox file reads the same table.
SIMULATORS = {
    "mpesa": (MpesaSimulator, 0),
    "mtn_momo": (MtnMomoSimulator, 1),
    "orange_money": (OrangeMoneySimulator, 2),
    "airtel_money": (AirtelMoneySimulator, 3),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True, help="the first of four ports")
    parser.add_argument("--airtel-callback", default="", help="Airtel's one callback URL (set in its portal)")
    parser.add_argument("--decision-seconds", type=float, default=None)
    args = parser.parse_args()
    running = []
    for name, (cls, offset) in SIMULATORS.items():
        sim = cls(args.port + offset, auto_payer=True, decision_seconds=args.decision_seconds)
        if name == "airtel_money":
            sim.callback_url = args.airtel_callback
        running.append(sim.start())
        print(f"{name} simulator on {sim.url}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    for sim in running:
        sim.stop()


if __name__ == "__main__":
    main()
