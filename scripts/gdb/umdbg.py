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
