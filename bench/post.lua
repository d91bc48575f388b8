-- The read beacon as browsers send it: a POST without a body.
wrk.method = "POST"
wrk.headers["Content-Length"] = "0"
