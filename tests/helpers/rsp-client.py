#!/usr/bin/env python3
"""tests/helpers/rsp-client.py - a raw GDB remote protocol client for the
stub tests: it sends exactly the bytes a test wants (garbage, bad
checksums, overlong packets, 0x03) and prints what comes back, one line per
event, for the test to assert on.

usage: rsp-client.py HOST:PORT SCRIPT
SCRIPT lines:
  send PAYLOAD          frame PAYLOAD ($...#cs) and send it
  raw TEXT              send TEXT as is (\\xNN escapes allowed)
  badsum PAYLOAD        frame PAYLOAD with a wrong checksum
  long N                a well-framed packet of N 'x' bytes
  intr                  send the interrupt byte 0x03
  expect                read one reply packet (acking it) and print it
  expectx b|bare        read one binary reply (an x packet's), unescape
                        it and print "xreply: HEX ESCAPES" (b: it must
                        start with 'b', which is dropped; else "xreply:
                        no-b")
  acks                  read and print pending ack characters
  sleep SECONDS
"""
import socket, sys, time


def frame(payload, good=True):
    cs = sum(payload.encode('latin-1')) & 0xff
    if not good:
        cs = (cs + 1) & 0xff
    return ('$%s#%02x' % (payload, cs)).encode('latin-1')


def main():
    host, port = sys.argv[1].rsplit(':', 1)
    s = socket.create_connection((host, int(port)), timeout=20)
    buf = b''

    def fill():
        nonlocal buf
        data = s.recv(65536)
        if not data:
            raise EOFError
        buf += data

    def read_packet():
        nonlocal buf
        while True:
            while buf[:1] in (b'+', b'-'):
                buf = buf[1:]
            i = buf.find(b'$')
            j = buf.find(b'#', i + 1) if i >= 0 else -1
            if i >= 0 and j >= 0 and len(buf) >= j + 3:
                pkt = buf[i + 1:j].decode('latin-1')
                buf = buf[j + 3:]
                s.sendall(b'+')
                return pkt
            fill()

    for line in open(sys.argv[2]):
        line = line.rstrip('\n')
        if not line or line.startswith('#'):
            continue
        cmd, _, arg = line.partition(' ')
        try:
            if cmd == 'send':
                s.sendall(frame(arg))
            elif cmd == 'badsum':
                s.sendall(frame(arg, good=False))
            elif cmd == 'raw':
                s.sendall(arg.encode('latin-1').decode('unicode_escape')
                          .encode('latin-1'))
            elif cmd == 'long':
                s.sendall(frame('x' * int(arg)))
            elif cmd == 'intr':
                s.sendall(b'\x03')
            elif cmd == 'expect':
                print('reply:', read_packet())
            elif cmd == 'expectx':
                pkt = read_packet().encode('latin-1')
                if arg == 'b':
                    if pkt[:1] != b'b':
                        print('xreply: no-b', pkt[:40])
                        continue
                    pkt = pkt[1:]
                out, i, esc = bytearray(), 0, 0
                while i < len(pkt):
                    if pkt[i] == 0x7d and i + 1 < len(pkt):
                        out.append(pkt[i + 1] ^ 0x20)
                        esc += 1
                        i += 2
                    else:
                        out.append(pkt[i])
                        i += 1
                print('xreply:', out.hex(), esc)
            elif cmd == 'acks':
                time.sleep(0.3)
                s.setblocking(False)
                try:
                    fill()
                except (BlockingIOError, EOFError):
                    pass
                s.setblocking(True)
                s.settimeout(20)
                acks = ''
                while buf[:1] in (b'+', b'-'):
                    acks += buf[:1].decode()
                    buf = buf[1:]
                print('acks:', acks)
            elif cmd == 'sleep':
                time.sleep(float(arg))
            sys.stdout.flush()
        except (EOFError, ConnectionError, socket.timeout) as e:
            print('closed:', type(e).__name__)
            return
    s.close()


main()
