from tests.services.conftest import clock, signed_in, terminal  # noqa: F401  (shared fixtures)
