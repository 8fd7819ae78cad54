# scripts/gdb/umdbg.py - gdb commands for umdbg's kernel views.
#
#   (gdb) source scripts/gdb/umdbg.py
#   (gdb) umdbg-ps
#
# Each command forwards to umdbg's own command table through gdb's
# `monitor` (the qRcmd packet), so it needs a gdb connected to
# `umdbg --gdb`.  See docs/gdb.md.

import gdb


class UmdbgCommand(gdb.Command):
    """Base: run `monitor NAME ARGS` on umdbg."""

    monitor_name = None

    def __init__(self):
        super().__init__("umdbg-" + self.monitor_name, gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if gdb.selected_inferior().pid == 0:
            raise gdb.GdbError("umdbg-%s: not connected to umdbg "
                               "(target remote ...)" % self.monitor_name)
        gdb.execute("monitor %s %s" % (self.monitor_name, arg),
                    from_tty=from_tty)


class UmdbgPs(UmdbgCommand):
    """List the guest's tasks: pid, tgid, state, comm, mm and the host
pid of the mm's stub process.  '>' marks the task on the CPU; kernel
threads are in brackets.  Usage: umdbg-ps"""
    monitor_name = "ps"


class UmdbgVma(UmdbgCommand):
    """Show the memory maps of guest task PID, as /proc/PID/maps would:
start-end, rwxs/p, file offset, inode, path ([heap], [stack], [vdso]).
Usage: umdbg-vma PID"""
    monitor_name = "vma"


class UmdbgVtop(UmdbgCommand):
    """Walk UML's page tables for ADDR in task PID (or, without PID, the
kernel's: the direct map by arithmetic, vmalloc and modules through
swapper_pg_dir).  Prints each level's entry with its UML flags, then the
physical address and the host address in the kernel process.
Usage: umdbg-vtop [PID] ADDR"""
    monitor_name = "vtop"


class UmdbgDmesg(UmdbgCommand):
    """Print the kernel log from the printk ring buffer.
Usage: umdbg-dmesg [-l] [-n N]   (-l: with levels; -n: the last N lines)"""
    monitor_name = "dmesg"


class UmdbgLsmod(UmdbgCommand):
    """List loaded kernel modules: name, state, text address, size.
Usage: umdbg-lsmod"""
    monitor_name = "lsmod"


for cls in (UmdbgPs, UmdbgVma, UmdbgVtop, UmdbgDmesg, UmdbgLsmod):
    cls()


# ---- module symbols ---------------------------------------------------------
#
# umdbg's stub lists the loaded modules (qXfer:libraries:read): each .ko
# and, for each of its SHF_ALLOC sections in the file's order, where the
# kernel's loader put it (0: dropped, as .modinfo).  gdb does not read
# that list itself for a GNU/Linux program, so this script does, at
# every stop, and loads each module's symbols where it was placed: module
# frames get names, file:line and types, init code (.init.text) too,
# without lx-symbols.

import atexit
import os
import shutil
import struct
import tempfile
import xml.etree.ElementTree as ElementTree

_placed = {}    # .ko path -> (the copy gdb reads, the addresses listed)


def _elf_sections(data):
    """[(index, name, flags, header offset)] of an ELF64 file's sections."""
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise gdb.GdbError("umdbg: not an ELF64 file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)

    def header(i):
        return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)

    strings = header(shstrndx)[4]
    out = []
    for i in range(1, shnum):
        name, _, flags = header(i)[:3]
        end = data.index(b"\0", strings + name)
        out.append((i, data[strings + name:end].decode(), flags,
                    shoff + i * shentsize))
    return out


def _placed_copy(path, addrs):
    """A copy of the .ko whose SHF_ALLOC sections have the addresses they
    were loaded at as their sh_addr.  gdb then relocates the module's
    DWARF to the right addresses in every section: with add-symbol-file
    -s alone it places only .text's DWARF right (functions in
    .text.unlikely or .init.text would take .text's addresses)."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    alloc = [s for s in _elf_sections(data) if s[2] & 2]    # SHF_ALLOC
    if len(alloc) != len(addrs):
        raise gdb.GdbError("umdbg: %s: %d sections listed, the file has %d"
                           % (path, len(addrs), len(alloc)))
    for (_, _, _, hoff), addr in zip(alloc, addrs):
        struct.pack_into("<Q", data, hoff + 0x10, addr)     # sh_addr
    copy = os.path.join(_copies_dir(), os.path.basename(path))
    with open(copy, "wb") as f:
        f.write(data)
    return copy, tuple((s[1], a) for s, a in zip(alloc, addrs))


_copies = []


def _copies_dir():
    if not _copies:
        _copies.append(tempfile.mkdtemp(prefix="umdbg-gdb-"))
        atexit.register(shutil.rmtree, _copies[0], True)
    return _copies[0]


def _library_list():
    """[(path, [address...])] from the stub's qXfer:libraries:read."""
    conn = gdb.selected_inferior().connection
    if conn is None or not hasattr(conn, "send_packet"):
        return []
    xml, off = b"", 0
    while True:
        reply = conn.send_packet("qXfer:libraries:read::%x,fff" % off)
        if isinstance(reply, str):
            reply = reply.encode("latin-1")
        if not reply or reply[:1] not in (b"m", b"l"):
            return []   # not umdbg, or no module support
        xml += reply[1:]
        off += len(reply) - 1
        if reply[:1] == b"l":
            break
    libs = []
    for lib in ElementTree.fromstring(xml.decode()).findall("library"):
        libs.append((lib.get("name"),
                     [int(s.get("address"), 16) for s in lib.findall("section")]))
    return libs


def umdbg_place_modules():
    """Add (or move) the symbols of every loaded module; drop the ones of
    modules that are gone.  Returns what it did, as lines to say."""
    said = []
    seen = set()
    for path, addrs in _library_list():
        seen.add(path)
        if _placed.get(path, (None, None))[1] == tuple(addrs):
            continue
        copy, pairs = _placed_copy(path, addrs)
        text = dict(pairs).get(".text")
        if path in _placed:
            gdb.execute("remove-symbol-file %s" % _placed[path][0],
                        to_string=True)
        # the copy's sections are where they run: no offsets to add
        gdb.execute("add-symbol-file %s -o 0" % copy, to_string=True)
        _placed[path] = (copy, tuple(addrs))
        said.append("umdbg: module symbols from %s (.text at 0x%x)"
                    % (path, text or 0))
    for path in [p for p in _placed if p not in seen]:
        gdb.execute("remove-symbol-file %s" % _placed[path][0],
                    to_string=True)
        del _placed[path]
        said.append("umdbg: %s is no longer loaded" % path)
    return said


def _on_stop(event):
    try:
        said = umdbg_place_modules()
        for line in said:
            print(line)
        if said:
            # gdb showed the stop before it knew the module: again, named
            gdb.execute("frame")
    except gdb.error as e:
        print("umdbg: placing module symbols: %s" % e)


class UmdbgModules(gdb.Command):
    """Load the symbols of the guest's loaded modules where the kernel put
each section (umdbg's stub lists them; this runs by itself at every
stop).  Usage: umdbg-modules"""

    def __init__(self):
        super().__init__("umdbg-modules", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if gdb.selected_inferior().pid == 0:
            raise gdb.GdbError("umdbg-modules: not connected to umdbg "
                               "(target remote ...)")
        said = umdbg_place_modules()
        for line in said:
            print(line)
        if not said:
            print("umdbg: module symbols are up to date (%d module%s)"
                  % (len(_placed), "" if len(_placed) == 1 else "s"))


UmdbgModules()
gdb.events.stop.connect(_on_stop)


# ---- where a kernel thread's stack starts -----------------------------------
#
# A UML kernel thread starts in new_thread_handler (or, for a forked
# task, fork_handler), entered by a jump from a switch, not by a call:
# beyond it its stack holds nothing, and gdb would unwind into a frame at
# 0x0 and then fail to read past the stack's top.  umdbg's own backtraces
# end there; this frame filter ends gdb's there too.

_THREAD_STARTS = ("new_thread_handler", "fork_handler")


def _until_thread_start(frames):
    for decorator in frames:
        yield decorator
        frame = decorator.inferior_frame()
        if frame is not None and frame.name() in _THREAD_STARTS:
            return


class UmdbgThreadStart:
    def __init__(self):
        self.name = "umdbg-thread-start"
        self.priority = 100
        self.enabled = True
        gdb.frame_filters[self.name] = self

    def filter(self, frames):
        return _until_thread_start(frames)


UmdbgThreadStart()
