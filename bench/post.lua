-- The read beacon as browsers send it: a POST without a body, from a browser's user agent
-- (no user agent or a crawler's is answered 204 but not counted). bench.settings turns the
-- reload window off, so every request is counted.
wrk.method = "POST"
wrk.headers["Content-Length"] = "0"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/140.0"
