#!/bin/sh
# make-fixtures.sh - regenerate the hostile and odd tar archives that
# tests/layer.test feeds to `boxcar layer extract`. Run on a dev host
# (python3, lz4); the outputs are committed, so the tests need neither
# and run the same under busybox in QEMU.
set -eu
cd "$(dirname "$0")"
python3 - <<'PY'
import io, tarfile

def hdr(name, type=b'0', size=0, link=b'', mode=0o644, mtime=1700000000,
        magic=b"ustar\x0000", csum=None, major=0, minor=0, rawsize=None):
    b = bytearray(512)
    b[0:len(name)] = name
    b[100:108] = b'%07o\0' % mode
    b[108:116] = b'%07o\0' % 0
    b[116:124] = b'%07o\0' % 0
    b[124:136] = rawsize if rawsize else b'%011o\0' % size
    b[136:148] = b'%011o\0' % mtime
    b[156:157] = type
    b[157:157 + len(link)] = link
    b[257:265] = magic
    b[329:337] = b'%07o\0' % major
    b[337:345] = b'%07o\0' % minor
    b[148:156] = b' ' * 8
    s = sum(b) if csum is None else csum
    b[148:156] = b'%06o\0 ' % s
    return bytes(b)

def data(d):
    return d + b'\0' * (-len(d) % 512)

def pax(records):
    body = b''
    for k, v in records:
        r = b' ' + k + b'=' + v + b'\n'
        n = len(r) + 1
        while len(b'%d' % n) + len(r) != n:
            n += 1
        body += b'%d' % n + r
    return hdr(b'././@PaxHeader', b'x', len(body)) + data(body)

def file(name, content=b'', **kw):
    return hdr(name, b'0', len(content), **kw) + data(content)

END = b'\0' * 1024
fx = {
    'dotdot.tar': file(b'../bxtest-escaped', b'evil\n'),
    'dotdot-deep.tar': file(b'a/b/../../../bxtest-escaped', b'evil\n'),
    'absolute.tar': file(b'/abs/file', b'abs\n'),
    'symlink-out.tar': hdr(b'link', b'2', link=b'/tmp') + file(b'link/bxtest-escaped', b'evil\n'),
    'symlink-out-rel.tar': hdr(b'up', b'2', link=b'../../../../../../../../tmp') +
        file(b'up/bxtest-escaped', b'evil\n'),
    'symlink-in.tar': hdr(b'sub/', b'5', mode=0o755) + hdr(b'in', b'2', link=b'/sub') +
        file(b'in/file', b'inside\n'),
    'hardlink-out.tar': hdr(b'h', b'1', link=b'../../../../etc/passwd'),
    'hardlink-abs.tar': hdr(b'h', b'1', link=b'/etc/passwd'),
    'hardlink-ahead.tar': hdr(b'h', b'1', link=b'later') + file(b'later', b'x\n'),
    'device.tar': hdr(b'null', b'3', mode=0o666, major=1, minor=3),
    'empty-name.tar': file(b'', b'x\n'),
    'nul-name.tar': pax([(b'path', b'a\0b')]) + file(b'placeholder', b'x\n'),
    'duplicate.tar': file(b'a', b'one\n') + hdr(b'a/', b'5', mode=0o755) +
        file(b'a/f', b'f\n') + file(b'a', b'two\n') + file(b'b', b'first\n') +
        file(b'b', b'second\n'),
    'huge-size.tar': hdr(b'big', b'0', rawsize=b'\x80' + b'\0' * 7 + b'\x40' + b'\0' * 3) +
        b'y' * 512,
    'bad-checksum.tar': hdr(b'f', b'0', 3, csum=1234) + data(b'ab\n') + END,
    'bad-pax.tar': hdr(b'././@PaxHeader', b'x', 12) + data(b'99 path=ab\n\n') + file(b'f'),
    'whiteouts.tar': hdr(b'd/', b'5', mode=0o755) + file(b'd/keep', b'k\n') +
        file(b'd/.wh.gone') + file(b'd/.wh..wh..opq') + hdr(b'e/', b'5', mode=0o755) +
        file(b'e/.wh..wh..opq') + file(b'e/new', b'n\n') + file(b'.wh.top'),
    'global-pax.tar': hdr(b'pax_global_header', b'g', 0) + pax([(b'path', b'pax/' + b'n' * 150),
        (b'mtime', b'1234567890.5'), (b'uid', b'3000000'), (b'gid', b'3000001'),
        (b'SCHILY.xattr.user.k', b'v\0w')]) + file(b'short', b'pax\n'),
}
fx['truncated.tar'] = (file(b'one', b'1\n') + file(b'two', b'2' * 600))[:1024 + 512 + 100]
fx['trunc-header.tar'] = (file(b'one', b'1\n') + file(b'two'))[:1024 + 100]
for name, b in fx.items():
    if not name.startswith(('trunc', 'huge', 'bad-checksum')):
        b += END
    open(name, 'wb').write(b)
PY
# an LZ4 frame cut short, and a good one to compare with
printf 'hello\n' > f.txt
tar --format=posix --mtime=@0 --owner=0 --group=0 -cf - f.txt | lz4 -q -c > good.tar.lz4
head -c 60 good.tar.lz4 > truncated.tar.lz4
rm f.txt
# GNU tar's own format: ././@LongLink records for long names and links
mkdir -p gnu && cd gnu
long=$(printf 'l%.0s' $(seq 1 150))
mkdir -p "dir$long" && printf 'long\n' > "dir$long/file$long" && ln -s "dir$long/file$long" "sym$long"
ln "dir$long/file$long" "hard$long"
cd ..
tar --format=gnu --mtime=@1000000000 --owner=0 --group=0 --sort=name -C gnu -cf - . | lz4 -q -c > gnu-long.tar.lz4
rm -rf gnu
