"""Counts of failed attempts kept in the database, so every worker and instance shares one allowance."""
