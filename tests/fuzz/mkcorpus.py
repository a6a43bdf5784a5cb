#!/usr/bin/env python3
"""mkcorpus.py - write the seed corpora for fuzz_lz4frame and fuzz_gzip.

Run from anywhere: python3 tests/fuzz/mkcorpus.py. Needs lz4(1) for real
frames; everything else is built here, byte by byte, so each file shows
one nasty case. The files are committed; rerun only to change them.
"""
import gzip
import os
import struct
import subprocess
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
TEXT = b"".join(b"usr/lib/boxcar/layer%04d 0644 root root\n" % i for i in range(120))


def xxh32(data, seed=0):
    P1, P2, P3, P4, P5 = 2654435761, 2246822519, 3266489917, 668265263, 374761393
    M = 0xFFFFFFFF
    rotl = lambda x, r: ((x << r) | (x >> (32 - r))) & M
    n, i = len(data), 0
    if n >= 16:
        v = [(seed + P1 + P2) & M, (seed + P2) & M, seed, (seed - P1) & M]
        while i + 16 <= n:
            for k in range(4):
                lane = struct.unpack_from("<I", data, i + 4 * k)[0]
                v[k] = (rotl((v[k] + lane * P2) & M, 13) * P1) & M
            i += 16
        h = (rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18)) & M
    else:
        h = (seed + P5) & M
    h = (h + n) & M
    while i + 4 <= n:
        h = (rotl((h + struct.unpack_from("<I", data, i)[0] * P3) & M, 17) * P4) & M
        i += 4
    while i < n:
        h = (rotl((h + data[i] * P5) & M, 11) * P1) & M
        i += 1
    h ^= h >> 15
    h = (h * P2) & M
    h ^= h >> 13
    h = (h * P3) & M
    h ^= h >> 16
    return h


MAGIC = b"\x04\x22\x4d\x18"


def header(flg, bd, extra=b""):
    desc = bytes([flg, bd]) + extra
    return MAGIC + desc + bytes([(xxh32(desc) >> 8) & 0xFF])


def lz4(*args, data=TEXT):
    return subprocess.run(["lz4", "-q", "-c"] + list(args), input=data,
                          stdout=subprocess.PIPE, check=True).stdout


def write(name, files):
    d = os.path.join(HERE, "corpus", name)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.unlink(os.path.join(d, f))
    for fname, data in files.items():
        with open(os.path.join(d, fname), "wb") as f:
            f.write(data)


def lz4_corpus():
    ours = lz4("-B4", "-BI")  # what boxcar writes: 64 KiB independent, checksum
    stored = struct.pack("<I", 0x80000000 | len(TEXT[:300])) + TEXT[:300]
    c = {
        "ours": ours,
        "hello_default": lz4(data=b"hello"),
        "linked_blocks": lz4("-B4", "-BD"),
        "block_checksum": lz4("-B4", "-BX"),
        "content_size": lz4("--content-size"),
        "hc": lz4("-9", "-B4"),
        "empty_frame": lz4(data=b""),
        "concatenated": ours + lz4(data=b"second frame"),
        "skippable_then_frame": b"\x5a\x2a\x4d\x18\x04\x00\x00\x00skip" + ours,
        "truncated_header": ours[:6],
        "truncated_block": ours[: len(ours) // 2],
        "truncated_checksum": ours[:-2],
        "no_endmark": ours[:-8],
        "bad_checksum": ours[:-1] + bytes([ours[-1] ^ 0xFF]),
        "bad_header_checksum": ours[:6] + bytes([ours[6] ^ 1]) + ours[7:],
        "bad_magic": b"\x04\x22\x4d\x19" + ours[4:],
        "trailing_garbage": ours + b"garbage!",
        "trailing_zeros": ours + b"\0" * 16,
        # 4 MiB linked blocks: the most memory a frame can ask for.
        "max_block_linked": header(0x44, 0x70) + stored + b"\0\0\0\0" + struct.pack("<I", xxh32(TEXT[:300])),
        # block size ID 0..3 and a reserved bit: invalid descriptors.
        "block_id_0": header(0x64, 0x00) + stored + b"\0\0\0\0",
        "block_id_3": header(0x64, 0x30) + stored + b"\0\0\0\0",
        "reserved_bit": header(0x66, 0x40) + stored + b"\0\0\0\0",
        # a block claiming 2 GiB - 1 bytes, and one larger than its maximum
        "huge_block": header(0x60, 0x40) + b"\xff\xff\xff\x7f" + TEXT[:64],
        "block_over_max": header(0x60, 0x40) + struct.pack("<I", 65537) + TEXT[:64],
        "stored_short": header(0x60, 0x40) + struct.pack("<I", 0x80000000 | 5000) + TEXT[:100],
        # a match pointing before the start of the output
        "bad_offset": header(0x60, 0x40) + struct.pack("<I", 8) + b"\x1f\x41\xff\xff\x00\x00\x00\x00" + b"\0\0\0\0",
        "content_size_lies": header(0x68, 0x40, struct.pack("<Q", 5)) + stored + b"\0\0\0\0",
        "empty": b"",
        # linked 256 KiB blocks with block checksums and the content size
        "linked_sums_size": lz4("-B5", "-BD", "-BX", "--content-size", data=TEXT * 8),
        # a dictionary ID (decoded without the dictionary)
        "dict_id": header(0x61, 0x40, struct.pack("<I", 7)) + stored + b"\0\0\0\0",
        # many skippable frames in a row: skipped in a loop, not a recursion
        "many_skippable": b"\x50\x2a\x4d\x18\x00\x00\x00\x00" * 500 + ours,
    }
    write("lz4frame", c)


def gz(data, level=9, name=None):
    if name is None:
        return gzip.compress(data, level, mtime=0)
    import io
    b = io.BytesIO()
    with gzip.GzipFile(filename=name, mode="wb", fileobj=b, mtime=0) as f:
        f.write(data)
    return b.getvalue()


def gzip_corpus():
    one = gz(TEXT)
    body = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw = body.compress(TEXT[:200]) + body.flush()
    trailer = struct.pack("<II", zlib.crc32(TEXT[:200]), 200)
    hdr = b"\x1f\x8b\x08"
    # FHCRC: the header's own CRC16, which zlib checks
    fh = hdr + b"\x02\0\0\0\0\0\x03"
    c = {
        "one_member": one,
        "stored": gz(TEXT[:500], 0),
        "multi_member": one + gz(b"second") + gz(b""),
        "with_name": gz(TEXT[:300], 6, "layer.tar"),
        "fextra_fcomment": hdr + b"\x14\0\0\0\0\0\x03" + b"\x04\0ab\0\0" + b"comment\0" + raw + trailer,
        "fhcrc": fh + struct.pack("<H", zlib.crc32(fh) & 0xFFFF) + raw + trailer,
        "bad_fhcrc": fh + b"\0\0" + raw + trailer,
        "truncated_header": one[:5],
        "truncated_body": one[: len(one) // 2],
        "truncated_trailer": one[:-3],
        "bad_crc": one[:-8] + bytes([one[-8] ^ 1]) + one[-7:],
        "bad_isize": one[:-1] + b"\x7f",
        "trailing_garbage": one + b"garbage",
        "trailing_zeros": one + b"\0" * 8,
        "second_member_cut": one + one[:12],
        "bad_method": hdr[:2] + b"\x07" + one[3:],
        "reserved_flags": hdr + b"\xe0" + one[4:],
        "zlib_not_gzip": zlib.compress(TEXT),
        "deflate_bomb": gz(b"\0" * (1 << 20)),
        "empty": b"",
    }
    write("gzip", c)


lz4_corpus()
gzip_corpus()
