"""Operations: what needs a person (dead letters, flagged events) and whether the sync is keeping up."""
