#!/usr/bin/env python3
"""mkcorpus_http.py - write the seed corpora for fuzz_http and fuzz_url.

Each fuzz_http seed is one byte of read size (0: all at once, bit 7: the
request was HEAD) and a response showing one nasty case. The files are
committed; rerun only to change them: python3 tests/fuzz/mkcorpus_http.py
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OK = b"HTTP/1.1 200 OK\r\n"
TE = OK + b"Transfer-Encoding: chunked\r\n\r\n"

HTTP = {
    "length": OK + b"Content-Length: 5\r\n\r\nhello",
    "length-short": OK + b"Content-Length: 50\r\n\r\nhello",
    "length-huge": OK + b"Content-Length: 18446744073709551616\r\n\r\n",
    "length-int64max": OK + b"Content-Length: 9223372036854775807\r\n\r\nx",
    "length-negative": OK + b"Content-Length: -1\r\n\r\n",
    "length-dup-agree": OK + b"Content-Length: 2\r\nContent-Length: 2, 2\r\n\r\nok",
    "length-dup-conflict": OK + b"Content-Length: 2\r\nContent-Length: 3\r\n\r\nok!",
    "length-and-te": OK + b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    "chunked": TE + b"5\r\nhello\r\n6;a=b;c\r\n world\r\n0\r\n\r\n",
    "chunked-trailer": TE + b"1\r\nx\r\n0\r\nDigest: y\r\nX: z\r\n\r\n",
    "chunked-overflow": TE + b"ffffffffffffffff1\r\n",
    "chunked-int64": TE + b"7fffffffffffffff\r\nabc",
    "chunked-leading-zeros": TE + b"00000000000000000000000000001\r\nx\r\n0\r\n\r\n",
    "chunked-negative": TE + b"-1\r\nx\r\n0\r\n\r\n",
    "chunked-no-crlf": TE + b"3\r\nabcdef0\r\n\r\n",
    "chunked-bare-lf": TE.replace(b"\r\n", b"\n") + b"2\nhi\n0\n\n",
    "chunked-long-ext": TE + b"1;" + b"e" * 2000 + b"\r\nx\r\n0\r\n\r\n",
    "chunked-endless-trailer": TE + b"0\r\n" + b"T: v\r\n" * 200 + b"\r\n",
    "te-gzip": OK + b"Transfer-Encoding: gzip, chunked\r\n\r\n",
    "te-twice": OK + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "close-delimited": OK + b"\r\nbody until the connection closes",
    "no-crlf": b"HTTP/1.1 200 OK",
    "bare-cr": b"HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n",
    "nul-header": OK + b"X-A: a\x00b\r\nContent-Length: 0\r\n\r\n",
    "nul-name": OK + b"X\x00A: b\r\n\r\n",
    "header-too-long": OK + b"X: " + b"a" * 17000 + b"\r\n\r\n",
    "too-many-headers": OK + b"".join(b"H%d: v\r\n" % i for i in range(120)) + b"\r\n",
    "folded": OK + b"X-A: a\r\n  b\r\nContent-Length: 0\r\n\r\n",
    "no-colon": OK + b"Garbage\r\n\r\n",
    "empty-name": OK + b": v\r\n\r\n",
    "1xx": b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + OK + b"Content-Length: 1\r\n\r\nx",
    "1xx-endless": b"HTTP/1.1 100 Continue\r\n\r\n" * 12,
    "101": b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n",
    "204-with-length": b"HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n",
    "http10": b"HTTP/1.0 200 OK\r\n\r\nold",
    "http2": b"HTTP/2 200\r\n\r\n",
    "status-short": b"HTTP/1.1 20\r\n\r\n",
    "status-bytes": b"HTTP/1.1 200 \xff\x01\x7f\r\nContent-Length: 0\r\n\r\n",
    "redirect": b"HTTP/1.1 307 Temporary Redirect\r\nLocation: https://cdn.example/blob?sig=abc\r\nContent-Length: 0\r\n\r\n",
    "auth": b"HTTP/1.1 401 Unauthorized\r\nWww-Authenticate: Bearer realm=\"https://auth.example/token\",service=\"r\",scope=\"repository:x:pull\"\r\nContent-Length: 2\r\n\r\n{}",
    "connection-close": OK + b"Connection: keep-alive ,  close\r\nContent-Length: 1\r\n\r\nx",
    "empty": b"",
}
# read sizes: all at once, 1 byte, 7 bytes; HEAD for one
STEPS = {"": 0, "-step1": 1, "-step7": 7}

URLS = [
    "https://registry-1.docker.io/v2/library/alpine/manifests/latest",
    "http://[::1]:5000/v2/",
    "https://h:65535?x#frag",
    "//cdn.example/path?X-Amz-Signature=abc",
    "/v2/library/alpine/blobs/sha256:00",
    "relative/path?q",
    "https://user@host/",
    "http://h:99999/",
    "https://[fe80::1%25eth0]/",
    "https://h/a b",
    "",
]


def main():
    d = os.path.join(HERE, "corpus", "http")
    os.makedirs(d, exist_ok=True)
    for name, data in HTTP.items():
        for suffix, step in STEPS.items():
            with open(os.path.join(d, name + suffix), "wb") as f:
                f.write(bytes([step]) + data)
    with open(os.path.join(d, "head-length"), "wb") as f:
        f.write(bytes([0x80]) + HTTP["length-short"])
    d = os.path.join(HERE, "corpus", "url")
    os.makedirs(d, exist_ok=True)
    for i, u in enumerate(URLS):
        with open(os.path.join(d, "url%02d" % i), "wb") as f:
            f.write(u.encode())


if __name__ == "__main__":
    main()
