    # Shopify meters queries in points, not requests (presets/shopify/NOTES.md): a Standard plan's
    # bucket refills at 100 points a second and holds 2,000 (the holding is inferred, see NOTES).
    # These are only the starting figures: every answer's extensions.cost.throttleStatus replaces
    # them with the shop's own, and each query waits for the cost it asked for last time.
    rate_limit: float | None = 100.0
    rate_burst: float | None = 2000.0
