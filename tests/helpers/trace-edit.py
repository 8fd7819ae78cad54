#!/usr/bin/env python3
"""tests/helpers/trace-edit.py - rewrite one field of an umdbg trace file,
keeping its checksums valid, so tests can make a trace that reads cleanly
but no longer matches the kernel (docs/trace-format.md).

  trace-edit.py result EVENT VALUE IN OUT   syscall EVENT returns VALUE
  trace-edit.py build-id IN OUT             flip the header's build-id
"""
import struct
import sys
import zlib

REC_HEADER, REC_SYSCALL = 1, 0x100


def records(data):
    pos = 16
    while pos + 12 <= len(data):
        rtype, length, _ = struct.unpack_from("<III", data, pos)
        yield pos, rtype, length
        pos += 12 + length + 4


def rewrite(data, pos, payload):
    rtype, length, _ = struct.unpack_from("<III", data, pos)
    assert len(payload) == length
    data[pos + 12:pos + 12 + length] = payload
    struct.pack_into("<I", data, pos + 12 + length, zlib.crc32(payload))


def main():
    mode = sys.argv[1]
    if mode == "result":
        event, value = int(sys.argv[2]), int(sys.argv[3])
        src, dst = sys.argv[4], sys.argv[5]
    else:
        src, dst = sys.argv[2], sys.argv[3]
    data = bytearray(open(src, "rb").read())
    done = False
    for pos, rtype, length in records(data):
        payload = bytearray(data[pos + 12:pos + 12 + length])
        if mode == "result" and rtype == REC_SYSCALL:
            if struct.unpack_from("<Q", payload, 0)[0] != event:
                continue
            struct.pack_into("<q", payload, 64, value)  # after 6 args
        elif mode == "build-id" and rtype == REC_HEADER:
            payload[9] ^= 0xff
        else:
            continue
        rewrite(data, pos, bytes(payload))
        done = True
        break
    if not done:
        sys.exit("trace-edit: nothing to edit")
    open(dst, "wb").write(data)


main()
