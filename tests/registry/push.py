#!/usr/bin/env python3
"""push.py - push an OCI image layout to a registry byte for byte.

    push.py LAYOUT_DIR REF_NAME REGISTRY(host:port) REPO TAG

Uploads every blob the image named REF_NAME (index.json's
org.opencontainers.image.ref.name) needs, then its manifests (children of
an index first, by digest) and finally the top one under TAG. Unlike
skopeo it converts nothing: uncompressed layers stay uncompressed, and an
index stays the index we wrote.
"""
import http.client
import json
import os
import sys

layout, refname, registry, repo, tag = sys.argv[1:6]
host, port = registry.rsplit(":", 1)


def blob(digest):
    with open(os.path.join(layout, "blobs", "sha256", digest[7:]), "rb") as f:
        return f.read()


def req(method, path, body=None, headers=None):
    c = http.client.HTTPConnection(host, int(port), timeout=30)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r, data


def push_blob(digest):
    r, _ = req("HEAD", "/v2/%s/blobs/%s" % (repo, digest))
    if r.status == 200:
        return
    r, _ = req("POST", "/v2/%s/blobs/uploads/" % repo)
    loc = r.getheader("Location")
    if r.status != 202 or not loc:
        sys.exit("push.py: upload start: HTTP %d" % r.status)
    if loc.startswith("http"):
        loc = "/" + loc.split("/", 3)[3]
    sep = "&" if "?" in loc else "?"
    data = blob(digest)
    r, _ = req("PUT", "%s%sdigest=%s" % (loc, sep, digest), data,
               {"Content-Type": "application/octet-stream", "Content-Length": str(len(data))})
    if r.status != 201:
        sys.exit("push.py: blob %s: HTTP %d" % (digest, r.status))


def push_manifest(desc, reference):
    data = blob(desc["digest"])
    doc = json.loads(data)
    if "manifests" in doc:
        for m in doc["manifests"]:
            push_manifest(m, m["digest"])
    else:
        push_blob(doc["config"]["digest"])
        for l in doc["layers"]:
            push_blob(l["digest"])
    r, body = req("PUT", "/v2/%s/manifests/%s" % (repo, reference), data,
                  {"Content-Type": desc["mediaType"]})
    if r.status != 201:
        sys.exit("push.py: manifest %s: HTTP %d %s" % (reference, r.status, body[:200]))


with open(os.path.join(layout, "index.json")) as f:
    index = json.load(f)
for m in index["manifests"]:
    if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == refname:
        push_manifest(m, tag)
        break
else:
    sys.exit("push.py: no %s in %s" % (refname, layout))
