"""The terminal side of sync: credentials, the HTTP client, applying pages, and the background agent."""
