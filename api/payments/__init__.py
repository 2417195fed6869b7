"""Payment endpoints (/api/v1/payments/...)."""
