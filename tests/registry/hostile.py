#!/usr/bin/env python3
"""hostile.py - a malicious registry on 127.0.0.1, for tests/hostile.test.

    hostile.py PORTFILE LOGFILE [auth=REALM_PORT] [nodrip]

Plain HTTP on 127.0.0.1 only, on a free port written to PORTFILE. Each
repository is one case (GET /v2/CASE/manifests/latest):

  good      a small image: one layer with one file
  deep      a layer with one file 2045 directories deep (past PATH_MAX
            from the store root), and a wrong diff_id in its config
  deepok    the same layer, right diff_id
  symchain  symlinks that lead through each other, and directories made
            through them: about 8,000 levels deep
  wide      400 files, each in a new directory under a 2000-deep chain
  endless   a layer that claims 1 GiB and a body that does not end (it
            does, after ENDLESS_MAX bytes: this server is bounded too)
  drip      a good image whose layer is sent a byte at a time, slowly
            (for as long as DRIP_MAX seconds, then the connection closes);
            with "nodrip", at once
  slowhead  the manifest's headers arrive a byte every 0.2 s
  badcd     the manifest comes with a sha512 Docker-Content-Digest
  bigauth   401 with a 9 KiB WWW-Authenticate header
  manyplat  an index of 30 platforms, none of them linux/s390x

With "auth=REALM_PORT", /v2/ answers 401 with a Bearer challenge whose
realm is http://127.0.0.1:REALM_PORT/token (another port: another origin),
and any request with an Authorization header is logged with it, so the
test sees whether a password went there. Every request is logged to
LOGFILE as "METHOD PATH auth=VALUE|-". The server exits by itself after
LIFETIME seconds whatever happens.
"""
import gzip
import hashlib
import http.server
import io
import json
import os
import random
import socketserver
import sys
import tarfile
import threading
import time

PORTFILE, LOGFILE = sys.argv[1:3]
WORDS = sys.argv[3:]
REALM_PORT = int(([w[5:] for w in WORDS if w.startswith("auth=")] or ["0"])[0])
AUTH = REALM_PORT != 0
NODRIP = "nodrip" in WORDS
LIFETIME = 900
ENDLESS_MAX = 256 << 20
DRIP_MAX = 60
lock = threading.Lock()


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def tar_of(entries):
    """entries: (name, kind, arg): kind f (arg: bytes), d, l (arg: target)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, kind, arg in entries:
            ti = tarfile.TarInfo(name)
            ti.mtime = 1700000000
            if kind == "d":
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                t.addfile(ti)
            elif kind == "l":
                ti.type, ti.linkname = tarfile.SYMTYPE, arg
                t.addfile(ti)
            else:
                ti.size, ti.mode = len(arg), 0o644
                t.addfile(ti, io.BytesIO(arg))
    return buf.getvalue()


def image(tar, diff_id=None, size=None, blob=None):
    layer = blob if blob is not None else gzip.compress(tar, mtime=0)
    config = json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {"Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": [diff_id or sha(tar)]},
    }).encode()
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": sha(config), "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": sha(layer), "size": size or len(layer)}],
    }).encode()
    return {"manifest": manifest, "blobs": {sha(config): config, sha(layer): layer}}


def symchain():
    # l0 -> a/a/.../a (2040 deep); each next link goes through the one
    # before and 2040 more levels made through it.
    chain = "a/" * 2040
    ents = [(chain + "x", "f", b"x"), ("l0", "l", chain.rstrip("/"))]
    for i in range(1, 4):
        ents.append(("l%d/%sx" % (i - 1, chain), "f", b"x"))
        ents.append(("l%d" % i, "l", "l%d/%s" % (i - 1, chain.rstrip("/"))))
    return ents


deep = tar_of([("a/" * 2044 + "f", "f", b"deep\n")])
CASES = {
    "good": image(tar_of([("hello", "f", b"hello\n")])),
    "deep": image(deep, diff_id=sha(b"not this")),
    "deepok": image(deep),
    "symchain": image(tar_of(symchain())),
    "wide": image(tar_of([("a/" * 2000 + "d%d/f" % i, "f", b"w") for i in range(400)])),
    "endless": image(b"", size=1 << 30, blob=b""),
    "drip": image(tar_of([("noise", "f", random.Random(1).randbytes(20000))])),
    "slowhead": image(tar_of([("hello", "f", b"hello\n")])),
    "badcd": image(tar_of([("hello", "f", b"hello\n")])),
}
CASES["manyplat"] = {"blobs": {}, "index": True, "manifest": json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
    "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                   "digest": "sha256:" + "%064d" % i, "size": 100,
                   "platform": {"os": "linux", "architecture": "arch%d" % i}}
                  for i in range(30)]}).encode()}
CASES["bigauth"] = CASES["good"]
ENDLESS = json.loads(CASES["endless"]["manifest"])["layers"][0]["digest"]
DRIP = json.loads(CASES["drip"]["manifest"])["layers"][0]["digest"]


def log(line):
    with lock, open(LOGFILE, "a") as f:
        f.write(line + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body=b"", ctype="application/json", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        auth = self.headers.get("Authorization") or "-"
        log("GET %s auth=%s" % (self.path, auth))
        parts = self.path.split("?")[0].split("/")
        if self.path.startswith("/token"):
            return self.send(200, b'{"token": "t0ken"}')
        if AUTH and auth != "Bearer t0ken":
            return self.send(401, b"{}", extra=[("WWW-Authenticate",
                             'Bearer realm="http://127.0.0.1:%d/token",service="x"' % REALM_PORT)])
        if self.path == "/v2/":
            return self.send(200, b"{}")
        if len(parts) != 5 or parts[1] != "v2" or parts[2] not in CASES:
            return self.send(404, b"{}")
        case = CASES[parts[2]]
        if parts[2] == "bigauth":
            return self.send(401, b"{}", extra=[("WWW-Authenticate",
                             'Bearer realm="http://127.0.0.1/%s"' % ("x" * 9000))])
        if parts[3] == "manifests" and case.get("index"):
            return self.send(200, case["manifest"], "application/vnd.oci.image.index.v1+json")
        if parts[3] == "manifests":
            m = case["manifest"]
            if parts[2] == "slowhead":
                return self.slow_head(m)
            extra = [("Docker-Content-Digest", "sha512:" + "0" * 128)] if parts[2] == "badcd" else []
            return self.send(200, m, "application/vnd.oci.image.manifest.v1+json", extra)
        if parts[3] == "blobs" and parts[4] == ENDLESS:
            return self.endless()
        if parts[3] == "blobs" and parts[4] == DRIP and not NODRIP:
            return self.drip(case["blobs"][DRIP])
        if parts[3] == "blobs" and parts[4] in case["blobs"]:
            return self.send(200, case["blobs"][parts[4]], "application/octet-stream")
        return self.send(404, b"{}")

    def endless(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"\0" * 65536
        sent = 0
        try:
            while sent < ENDLESS_MAX:
                self.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass
        self.close_connection = True

    def drip(self, blob):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(blob)))
        self.end_headers()
        end = time.time() + DRIP_MAX
        try:
            for b in blob:
                if time.time() > end:
                    break
                self.wfile.write(bytes([b]))
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass
        self.close_connection = True

    def slow_head(self, m):
        head = ("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\n"
                "X-Padding: %s\r\nContent-Length: %d\r\n\r\n" % ("p" * 200, len(m))).encode()
        try:
            for b in head:
                self.wfile.write(bytes([b]))
                self.wfile.flush()
                time.sleep(0.2)
            self.wfile.write(m)
        except OSError:
            pass
        self.close_connection = True


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


srv = Server(("127.0.0.1", 0), Handler)
threading.Timer(LIFETIME, lambda: os._exit(0)).start()
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()
