    # Frankfurter publishes no request limit, only that abuse is throttled; rates change once per
    # working day, so a gentle pace loses nothing (see presets/frankfurter/NOTES.md).
    rate_limit: float | None = 2.0
    rate_burst: float | None = 5.0
