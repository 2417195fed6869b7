"""Simulators of the mobile-money operators' HTTP APIs: the tests drive them, the local stack's test mode
runs them (`python -m localstack.operator_simulators`) with a payer that acts by number."""
