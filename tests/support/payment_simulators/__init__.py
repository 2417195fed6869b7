"""Real HTTP stand-ins for the payment providers the tests cannot reach: each speaks the provider's
documented API (OAuth, payment request, asynchronous callback, status query) on a loopback port."""
