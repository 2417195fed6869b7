from tests.support.services import real_services  # noqa: F401  (autouse: starts Postgres, Redis, the engine)
