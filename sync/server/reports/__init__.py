"""Head-office reports: sales per store per day and for the chain, as JSON or CSV."""
