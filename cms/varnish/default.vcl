vcl 4.1;
# Varnish in front of the partner API (docker-compose's "cache" service; docs/deploy.md).
#
# Caches GET answers under /api/v2/ for as long as the origin's Surrogate-Control says (a day),
# and forgets them the moment content changes: the origin tags every answer with the keys of what
# it shows (the xkey header) and, after each change commits, sends a PURGE with the keys to purge.
# Everything else (the admin, the read beacon, keyed partner requests) goes straight to the origin.

import std;
import xkey;

backend default {
    .host = "web";
    .port = "8000";
}

# Who may purge: the web and worker containers (the compose network), and loopback.
acl purgers {
    "127.0.0.1";
    "::1";
    "172.16.0.0"/12;
    "10.0.0.0"/8;
    "192.168.0.0"/16;
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Not allowed to purge."));
        }
        if (!req.http.xkey) {
            return (synth(400, "A PURGE needs an xkey header with the keys to purge."));
        }
        set req.http.X-Purged = xkey.purge(req.http.xkey);
        return (synth(200, "Purged " + req.http.X-Purged + " objects."));
    }
    if (req.url !~ "^/api/v2/" || (req.method != "GET" && req.method != "HEAD")) {
        return (pass);
    }
    # A partner's key buys its own rate at the origin; its answers are the same as anyone's.
    if (req.http.X-API-Key) {
        return (pass);
    }
    # order=random must differ per request.
    if (req.url ~ "[?&]order=random(&|$)") {
        return (pass);
    }
    unset req.http.Cookie;
    unset req.http.Authorization;
    return (hash);
}

sub vcl_backend_response {
    if (bereq.url ~ "^/api/v2/" && beresp.status == 200 && beresp.http.Surrogate-Control ~ "max-age=") {
        set beresp.ttl = std.duration(
            regsub(beresp.http.Surrogate-Control, ".*max-age=([0-9]+).*", "\1") + "s", 0s);
        # Served stale for a short while when the origin is down.
        set beresp.grace = 10m;
        unset beresp.http.Set-Cookie;
    } else {
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
    }
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # Tags and surrogate directives are for this tier, not for browsers or partners.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Control;
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
}
