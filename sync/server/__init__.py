"""The central server: FastAPI API, services, database and admin CLI."""
