    # adsb.lol publishes no rate limit today but announces one (presets/adsb/NOTES.md), and it caches
    # each answer for a few seconds, so polling faster gains nothing: 1 call a second, bursts of 5
    # (enough for `emergencies()`, three calls, to go out at once), as NOTES.md recommends.
    rate_limit: float | None = 1.0
    rate_burst: float | None = 5.0
