#!/usr/bin/env python3
"""proxy.py - a misbehaving front for a registry, for tests/pull.test.

    proxy.py UPSTREAM_PORT MODEFILE LOGFILE PORTFILE

Listens on 127.0.0.1 and 127.0.0.2 (the same free port, written to
PORTFILE) and forwards to the registry at 127.0.0.1:UPSTREAM_PORT. Before
each request it reads MODEFILE, a list of words that say how to misbehave:

  redirect  blob GETs get a 307 to http://127.0.0.2:PORT/cdn/... (the "CDN",
            served here too, which refuses any Authorization header and
            logs "LEAK" if it gets one)
  token     /v2/ needs "Authorization: Bearer <token>"; the token comes from
            /token (the realm), which wants Basic user:pass when "creds"
            is also set; tokens live EXPIRES seconds ("expires=N")
  basic     /v2/ needs Basic user:pass
  drop      the first GET of each blob without a Range header sends half
            its body and closes the connection
  429       the first 2 manifest GETs get 429 with Retry-After: 0
  corrupt   blob bodies have their last byte changed
  500       every blob GET answers 500
  stall     the first GET of each blob over 4 KiB without a Range header sends half
            its body, then hangs (the test kills the client)
  patchlost the second PATCH (of this proxy's life) reaches the registry, but its
            answer does not: the connection closes (push must resume)

POST, PUT and PATCH (push) are forwarded with their bodies; their log
line shows Content-Range as range=.

Every request is logged to LOGFILE as one line:
  METHOD PATH host=HOST auth=SCHEME|- range=RANGE|- -> STATUS
"""
import base64
import http.client
import http.server
import socketserver
import sys
import threading
import time

UP_PORT = int(sys.argv[1])
MODEFILE, LOGFILE, PORTFILE = sys.argv[2:5]
USER, PASSWORD = "tester", "s3cret"
lock = threading.Lock()
state = {"dropped": set(), "n429": 0, "tokens": {}, "ntoken": 0}


def modes():
    try:
        with open(MODEFILE) as f:
            return f.read().split()
    except OSError:
        return []


def mode_value(ms, key, default):
    for m in ms:
        if m.startswith(key + "="):
            return int(m.split("=", 1)[1])
    return default


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def log(self, status):
        auth = self.headers.get("Authorization")
        with lock, open(LOGFILE, "a") as f:
            f.write("%s %s host=%s auth=%s range=%s -> %d\n" % (
                self.command, self.path, self.headers.get("Host", "-"),
                auth.split()[0] if auth else "-",
                self.headers.get("Range", self.headers.get("Content-Range", "-")
                                 if self.command in ("PATCH", "PUT") else "-"), status))

    def reply(self, status, body=b"", headers=()):
        self.log(status)
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def basic_ok(self):
        want = "Basic " + base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
        return self.headers.get("Authorization") == want

    def do_GET(self):
        ms = modes()
        host = self.headers.get("Host", "")
        port = self.server.server_address[1]
        if self.path.startswith("/cdn/"):
            if self.headers.get("Authorization"):
                with lock, open(LOGFILE, "a") as f:
                    f.write("LEAK: Authorization sent to the CDN\n")
                return self.reply(400, b"no credentials here\n")
            return self.forward(self.path[4:], ms, cdn=True)
        if self.path.startswith("/token"):
            if "creds" in ms and not self.basic_ok():
                return self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}')
            with lock:
                state["ntoken"] += 1
                tok = "tok%d" % state["ntoken"]
                state["tokens"][tok] = time.time() + mode_value(ms, "expires", 300)
            body = ('{"access_token": "%s", "expires_in": %d}' % (
                tok, mode_value(ms, "expires", 300))).encode()
            return self.reply(200, body, [("Content-Type", "application/json")])
        if "token" in ms:
            auth = self.headers.get("Authorization", "")
            tok = auth[7:] if auth.startswith("Bearer ") else None
            with lock:
                ok = tok in state["tokens"] and state["tokens"][tok] > time.time()
            if not ok:
                realm = "http://127.0.0.1:%d/token" % port
                chal = ('Bearer realm="%s",service="bxtest registry",'
                        'scope="repository:test/bb:pull"' % realm)
                if self.path == "/v2/":
                    chal = 'Basic realm="unused", Bearer realm="%s",service="bxtest registry"' % realm
                return self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}',
                                  [("WWW-Authenticate", chal),
                                   ("Content-Type", "application/json")])
        if "basic" in ms and not self.basic_ok():
            return self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}',
                              [("WWW-Authenticate", 'Basic realm="bxtest"')])
        if "/manifests/" in self.path and "429" in ms:
            with lock:
                state["n429"] += 1
                n = state["n429"]
            if n <= 2:
                return self.reply(429, b"slow down\n", [("Retry-After", "0")])
        if "/blobs/" in self.path:
            if "500" in ms:
                return self.reply(500, b"broken\n")
            if "redirect" in ms:
                return self.reply(307, b"", [
                    ("Location", "http://127.0.0.2:%d/cdn%s" % (port, self.path))])
        return self.forward(self.path, ms)

    def forward(self, path, ms, cdn=False):
        up = http.client.HTTPConnection("127.0.0.1", UP_PORT, timeout=30)
        hdrs = {k: v for k, v in self.headers.items()
                if k.lower() in ("accept", "range", "content-type", "content-range",
                                 "content-length")}
        n = int(self.headers.get("Content-Length", "0") or 0)
        data = self.rfile.read(n) if n else None
        up.request(self.command, path, body=data, headers=hdrs)
        r = up.getresponse()
        body = r.read()
        up.close()
        if self.command == "PATCH" and "patchlost" in ms:
            with lock:
                state["npatch"] = state.get("npatch", 0) + 1
                lost = state["npatch"] == 2
            if lost:
                self.log(0)
                self.close_connection = True
                self.connection.shutdown(2)
                return
        blob = "/blobs/" in path and r.status in (200, 206)
        if blob and "corrupt" in ms and body:
            body = body[:-1] + bytes([body[-1] ^ 1])
        self.log(r.status)
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() in ("content-type", "docker-content-digest", "content-range",
                             "location", "www-authenticate", "accept-ranges", "etag"):
                if k.lower() == "location" and v.startswith("http://127.0.0.1:%d" % UP_PORT):
                    v = v.replace("127.0.0.1:%d" % UP_PORT,
                                  "127.0.0.1:%d" % self.server.server_address[1])
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "HEAD":
            return
        if blob and "stall" in ms and not self.headers.get("Range") and len(body) > 4096:
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            time.sleep(60)
            self.close_connection = True
            return
        if blob and "drop" in ms and not self.headers.get("Range"):
            with lock:
                first = path not in state["dropped"]
                state["dropped"].add(path)
            if first and len(body) > 1:
                self.wfile.write(body[:len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
                return
        self.wfile.write(body)

    do_HEAD = do_GET
    do_POST = do_GET
    do_PUT = do_GET
    do_PATCH = do_GET


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    first = Server(("127.0.0.1", 0), Handler)
    port = first.server_address[1]
    second = Server(("127.0.0.2", port), Handler)
    for s in (first, second):
        threading.Thread(target=s.serve_forever, daemon=True).start()
    with open(PORTFILE + ".tmp", "w") as f:
        f.write("%d\n" % port)
    import os
    os.rename(PORTFILE + ".tmp", PORTFILE)
    while True:
        time.sleep(3600)


main()
