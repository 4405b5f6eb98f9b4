"""Store sales as the server keeps them (ingested by the sync feed; read for customer history)."""
