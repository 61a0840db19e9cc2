"""The app's HTTP setup: template helpers, headers, error pages, probes (app), trusted
proxies (proxies), and whose cart a request is (visitor_cart)."""
