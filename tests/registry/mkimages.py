#!/usr/bin/env python3
"""mkimages.py - derive test images inside an OCI image layout.

    mkimages.py LAYOUT BASE

From the image BASE (one gzip layer, made by umoci) add, each under its
org.opencontainers.image.ref.name:

  raw        the same layer uncompressed (media type ...layer.v1.tar)
  liar       the uncompressed layer labelled tar+gzip (the blob's magic
             must win over the media type)
  docker     the same image with Docker schema2 media types
  arch-amd64, arch-arm64, arch-armv7, arch-armv6
             the image with another architecture in its config
  multiarch  an OCI index of the arch-* images and an attestation entry
             (platform unknown/unknown), as buildx writes it
  dockerlist the same as a Docker manifest list
  zstd       the layer compressed with zstd (...layer.v1.tar+zstd), when
             the zstd command is there
"""
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys

layout, base = sys.argv[1:3]
BLOBS = os.path.join(layout, "blobs", "sha256")
OCI_M = "application/vnd.oci.image.manifest.v1+json"
OCI_I = "application/vnd.oci.image.index.v1+json"
OCI_C = "application/vnd.oci.image.config.v1+json"
D_M = "application/vnd.docker.distribution.manifest.v2+json"
D_L = "application/vnd.docker.distribution.manifest.list.v2+json"
D_C = "application/vnd.docker.container.image.v1+json"
D_G = "application/vnd.docker.image.rootfs.diff.tar.gzip"


def put(data):
    d = hashlib.sha256(data).hexdigest()
    with open(os.path.join(BLOBS, d), "wb") as f:
        f.write(data)
    return "sha256:" + d, len(data)


def get(digest):
    with open(os.path.join(BLOBS, digest[7:]), "rb") as f:
        return f.read()


def dumps(doc):
    return json.dumps(doc, separators=(",", ":")).encode()


with open(os.path.join(layout, "index.json")) as f:
    index = json.load(f)
desc = next(m for m in index["manifests"]
            if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == base)
manifest = json.loads(get(desc["digest"]))
config = json.loads(get(manifest["config"]["digest"]))
layer = manifest["layers"][0]
raw = gzip.decompress(get(layer["digest"]))
raw_d, raw_n = put(raw)


def add(name, mtype, doc):
    d, n = put(dumps(doc))
    index["manifests"].append({"mediaType": mtype, "digest": d, "size": n,
                               "annotations": {"org.opencontainers.image.ref.name": name}})
    return {"mediaType": mtype, "digest": d, "size": n}


def image(cfg, layers, mtype=OCI_M, ctype=OCI_C):
    cd, cn = put(dumps(cfg))
    return {"schemaVersion": 2, "mediaType": mtype,
            "config": {"mediaType": ctype, "digest": cd, "size": cn}, "layers": layers}


add("raw", OCI_M, image(config, [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                                   "digest": raw_d, "size": raw_n}]))
add("liar", OCI_M, image(config, [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                                    "digest": raw_d, "size": raw_n}]))
add("docker", D_M, image(config, [dict(layer, mediaType=D_G)], D_M, D_C))
if shutil.which("zstd"):
    z = subprocess.run(["zstd", "-q", "-c"], input=raw, stdout=subprocess.PIPE,
                       check=True).stdout
    z_d, z_n = put(z)
    add("zstd", OCI_M, image(config, [{"mediaType": "application/vnd.oci.image.layer.v1.tar+zstd",
                                        "digest": z_d, "size": z_n}]))

entries = []
for name, arch, variant in (("amd64", "amd64", None), ("arm64", "arm64", "v8"),
                            ("armv7", "arm", "v7"), ("armv6", "arm", "v6")):
    cfg = dict(config, architecture=arch)
    if variant:
        cfg["variant"] = variant
    else:
        cfg.pop("variant", None)
    m = add("arch-" + name, OCI_M, image(cfg, [layer]))
    plat = {"architecture": arch, "os": "linux"}
    if variant:
        plat["variant"] = variant
    entries.append(dict(m, platform=plat))
# an attestation manifest, as buildx adds: never to be chosen
att = image({"architecture": "unknown", "os": "unknown", "rootfs": {"type": "layers",
            "diff_ids": []}}, [])
ad, an = put(dumps(att))
entries.append({"mediaType": OCI_M, "digest": ad, "size": an,
                "platform": {"architecture": "unknown", "os": "unknown"},
                "annotations": {"vnd.docker.reference.type": "attestation-manifest",
                                "vnd.docker.reference.digest": entries[0]["digest"]}})
add("multiarch", OCI_I, {"schemaVersion": 2, "mediaType": OCI_I, "manifests": entries})
add("dockerlist", D_L, {"schemaVersion": 2, "mediaType": D_L,
                        "manifests": [dict(e, mediaType=OCI_M) for e in entries[:4]]})

with open(os.path.join(layout, "index.json"), "w") as f:
    json.dump(index, f)
