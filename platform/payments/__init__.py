"""Payments: cards through Stripe, mobile money through the operators' own APIs, one state machine."""
