"""omni: click & collect, browsing events, coupons."""
