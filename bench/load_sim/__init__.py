"""A chain-scale load simulator: hundreds of terminals and an online shop against the real server."""
