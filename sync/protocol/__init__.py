"""The wire protocol shared by terminals and the server: versioned pydantic schemas, no I/O."""

PROTOCOL_VERSION = 1
