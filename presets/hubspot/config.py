    # HubSpot's limits (presets/hubspot/NOTES.md): 100 requests per rolling 10 s on the Free and
    # Starter plans (190 on Professional and Enterprise: the X-HubSpot-RateLimit-* headers of each
    # answer tell the connector), and 5 searches a second: a search takes 2 of the 10 tokens a second.
    rate_limit: float | None = 10.0
    rate_burst: float | None = 10.0
    search_cost: float = 2.0
