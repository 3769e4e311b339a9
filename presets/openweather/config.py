    # OpenWeather's free tier, as limits the connector keeps on its own (presets/openweather/NOTES.md):
    # - 60 calls a minute: the Free plan's rate for current weather, forecast and geocoding
    #   (price table, https://openweathermap.org/full-price). The sliding per-minute quota never
    #   lets a 61st call into any 60 s window. No token bucket on top: one of 1 call/s bursting to
    #   60, as NOTES.md suggests, would never be the tighter of the two.
    # - 1,000 calls a day: One Call API 3.0's free allowance; each call beyond it is billed
    #   (https://openweathermap.org/api/one-call-3). It is the tightest daily figure of the free
    #   tier (the Free plan's 1,000,000 calls a month are about 33,000 a day), so it holds for every
    #   call. Raise both for a paid plan: OPENWEATHER_QUOTA_PER_MINUTE, OPENWEATHER_QUOTA_PER_DAY.
    quota_per_minute: int | None = 60
    quota_per_day: int | None = 1000
    # `weather()` uses One Call API 3.0 (one call; needs the separate "One Call by Call"
    # subscription, else 401) when true, and the free 2.5 endpoints (two calls) when false.
    one_call: bool = False
