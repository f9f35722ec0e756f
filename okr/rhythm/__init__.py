"""The operating rhythm: reviews of the quarter (and later stand-ups, monthly reports, 1:1 notes)."""
