#!/usr/bin/env python3
"""Generate a synthetic sysfs/procfs tree shaped like a large x86_64 NUMA machine, for `memmap-check host
--root DIR` and `lsmem --sysroot DIR`.

The default is a 24 TiB machine: 196,608 memory blocks of 128 MiB over 16 nodes (the issue-6 host-query
benchmark). File formats follow the captured qemu fixtures (Tests/Fixtures/hosts) and the
kernel's sysfs/procfs printers:

  sys/devices/system/memory/block_size_bytes        hex without 0x
  sys/devices/system/memory/memoryN/{state,phys_index,valid_zones,removable}
  sys/devices/system/memory/memoryN/nodeK -> ../../node/nodeK          (one per node with pages in the block)
  sys/devices/system/node/{possible,online,has_memory,has_cpu}
  sys/devices/system/node/nodeK/{cpulist,distance,meminfo}
  sys/devices/system/node/nodeK/memoryN -> ../../memory/memoryN
  proc/zoneinfo (DMA, DMA32, Normal, Movable, Device per node), proc/iomem, proc/version, uname.txt

Memory layout: RAM from pfn 1 with the legacy hole at 0x9fc00-0xfffff and the PCI hole 3-4 GiB (no memory
blocks there), then contiguous above 4 GiB. Blocks are split evenly over the nodes in address order.
--shared-offset MiB moves every node boundary that many MiB into the boundary block, so that block (and its
section) holds pages of two nodes: it is linked under both nodes and its valid_zones reads `none`.

Usage: gen-synthetic-host.py OUT [--blocks N] [--nodes K] [--block-mib M] [--shared-offset MIB]
       [--cpus-per-node C] [--print-expected]
OUT must not exist (or be empty). --print-expected prints the layout as JSON (node ranges, shared blocks).
"""
import argparse
import json
import os
import sys

PAGE = 4096
MiB = 1 << 20
GiB = 1 << 30
DMA_END = 16 * MiB
DMA32_END = 4 * GiB
PCI_HOLE = (3 * GiB, 4 * GiB)
LOW_RAM = [(0x1000, 0x9FC00), (0x100000, PCI_HOLE[0])]
RELEASE = "6.12.117+deb12-amd64"
VERSION = ("Linux version %s (debian-kernel@lists.debian.org) (x86_64-linux-gnu-gcc-12 (Debian 12.2.0-14+deb12u1) "
           "12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.12.117-1~deb12u1 (2026-11-10)\n" % RELEASE)


def die(msg):
    print("gen-synthetic-host.py: error: " + msg, file=sys.stderr)
    sys.exit(2)


def id_list(ids):
    """Sorted ints in the kernel's list syntax (0-3,8)."""
    ids = sorted(ids)
    out, i = [], 0
    while i < len(ids):
        j = i
        while j + 1 < len(ids) and ids[j + 1] == ids[j] + 1:
            j += 1
        out.append(str(ids[i]) if i == j else "%d-%d" % (ids[i], ids[j]))
        i = j + 1
    return ",".join(out)


def intersect(a, b):
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        s, e = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


class Layout:
    def __init__(self, blocks, nodes, block_size, shared_offset):
        if blocks < nodes:
            die("--blocks %d: expected at least one block per node (--nodes %d)" % (blocks, nodes))
        if shared_offset % PAGE or shared_offset >= block_size:
            die("--shared-offset: expected a page multiple below the block size")
        self.block_size = block_size
        hole_first, hole_last = PCI_HOLE[0] // block_size, PCI_HOLE[1] // block_size
        ids, b = [], 0
        while len(ids) < blocks:
            if not (hole_first <= b < hole_last):
                ids.append(b)
            b += 1
        self.block_ids = ids
        end = (ids[-1] + 1) * block_size
        self.ram = LOW_RAM + [(PCI_HOLE[1], end)] if end > PCI_HOLE[1] else intersect(LOW_RAM, [(0, end)])
        # Node k: blocks [k*N/K, (k+1)*N/K); its start moves shared_offset into its first block (k > 0).
        self.node_blocks, starts = [], []
        for k in range(nodes):
            lo, hi = k * blocks // nodes, (k + 1) * blocks // nodes
            self.node_blocks.append(ids[lo:hi])
            starts.append(0 if k == 0 else ids[lo] * block_size + shared_offset)
        starts.append(end)
        self.node_ranges = []
        for k in range(nodes):
            # Whole-block memory between this node's start and the next node's start.
            spans = []
            for bid in self.node_blocks[k] + ([self.node_blocks[k + 1][0]] if shared_offset and k + 1 < nodes else []):
                s, e = max(bid * block_size, starts[k]), min((bid + 1) * block_size, starts[k + 1])
                if s < e:
                    if spans and spans[-1][1] == s:
                        spans[-1] = (spans[-1][0], e)
                    else:
                        spans.append((s, e))
            self.node_ranges.append(intersect(spans, self.ram))
        # Which nodes have pages in each block.
        self.block_nodes = {bid: [] for bid in ids}
        for k, rs in enumerate(self.node_ranges):
            for s, e in rs:
                for bid in range(s // block_size, (e - 1) // block_size + 1):
                    if bid in self.block_nodes and k not in self.block_nodes[bid]:
                        self.block_nodes[bid].append(k)

    def zones(self, k):
        """(name, start_pfn, spanned, present) for DMA, DMA32, Normal; start None when empty."""
        rs = self.node_ranges[k]
        lo, hi = rs[0][0], rs[-1][1]
        out = []
        for name, zs, ze in (("DMA", 0, DMA_END), ("DMA32", DMA_END, DMA32_END), ("Normal", DMA32_END, 1 << 62)):
            s, e = max(lo, zs), min(hi, ze)
            if s >= e:
                out.append((name, None, 0, 0))
                continue
            present = sum(x[1] - x[0] for x in intersect(rs, [(s, e)])) // PAGE
            first = min(x[0] for x in intersect(rs, [(s, e)])) if present else s
            out.append((name, first // PAGE, (e - first) // PAGE, present))
        return out


def managed(present):
    return present - present // 40  # memblock reservations: about 2.5%


MEMINFO_KEYS = ["MemTotal", "MemFree", "MemUsed", "SwapCached", "Active", "Inactive", "Active(anon)", "Inactive(anon)",
                "Active(file)", "Inactive(file)", "Unevictable", "Mlocked", "Dirty", "Writeback", "FilePages", "Mapped",
                "AnonPages", "Shmem", "KernelStack", "PageTables", "SecPageTables", "NFS_Unstable", "Bounce",
                "WritebackTmp", "KReclaimable", "Slab", "SReclaimable", "SUnreclaim", "AnonHugePages",
                "ShmemHugePages", "ShmemPmdMapped", "FileHugePages", "FilePmdMapped"]


def meminfo(k, total_kb):
    # drivers/base/node.c node_read_meminfo(): "Node %d MemTotal:       %8lu kB" etc. (the label padding
    # differs per key; reproduced from the fixtures).
    used = total_kb // 100
    vals = {"MemTotal": total_kb, "MemFree": total_kb - used, "MemUsed": used, "Slab": used // 4,
            "SReclaimable": used // 8, "SUnreclaim": used // 8, "KReclaimable": used // 8}
    lines = []
    for key in MEMINFO_KEYS:
        label = "Node %d %s:" % (k, key)
        # The number ends at column len("Node N ") + 24, one earlier for the two File* keys (as the kernel
        # prints them).
        end = len("Node %d " % k) + (23 if key in ("FileHugePages", "FilePmdMapped") else 24)
        width = max(end - len(label), 1)
        lines.append("%s%*d kB" % (label, width, vals.get(key, 0)))
    for key in ("HugePages_Total", "HugePages_Free", "HugePages_Surp"):
        label = "Node %d %s:" % (k, key)
        lines.append("%s%*d" % (label, len("Node %d " % k) + 22 - len(label), 0))
    return "\n".join(lines) + "\n"


PER_NODE_STATS = ["nr_inactive_anon", "nr_active_anon", "nr_inactive_file", "nr_active_file", "nr_unevictable",
                  "nr_slab_reclaimable", "nr_slab_unreclaimable", "nr_isolated_anon", "nr_isolated_file",
                  "workingset_nodes", "workingset_refault_anon", "workingset_refault_file", "workingset_activate_anon",
                  "workingset_activate_file", "workingset_restore_anon", "workingset_restore_file",
                  "workingset_nodereclaim", "nr_anon_pages", "nr_mapped", "nr_file_pages", "nr_dirty", "nr_writeback",
                  "nr_writeback_temp", "nr_shmem", "nr_shmem_hugepages", "nr_shmem_pmdmapped", "nr_file_hugepages",
                  "nr_file_pmdmapped", "nr_anon_transparent_hugepages", "nr_vmscan_write",
                  "nr_vmscan_immediate_reclaim", "nr_dirtied", "nr_written", "nr_throttled_written",
                  "nr_kernel_misc_reclaimable", "nr_foll_pin_acquired", "nr_foll_pin_released", "nr_kernel_stack",
                  "nr_page_table_pages", "nr_sec_page_table_pages", "nr_swapcached", "pgpromote_success",
                  "pgpromote_candidate"]
ZONE_STATS = ["nr_free_pages", "nr_zone_inactive_anon", "nr_zone_active_anon", "nr_zone_inactive_file",
              "nr_zone_active_file", "nr_zone_unevictable", "nr_zone_write_pending", "nr_mlock", "nr_bounce",
              "nr_zspages", "nr_free_cma", "numa_hit", "numa_miss", "numa_foreign", "numa_interleave", "numa_local",
              "numa_other"]


def stat_line(indent, key, value):
    # mm/vmstat.c: "\n      %-12s %lu"
    return "%s%-12s %d" % (indent, key, value)


def zoneinfo(layout, ncpus):
    out = []
    nzones = 5
    for k in range(len(layout.node_ranges)):
        zs = layout.zones(k) + [("Movable", None, 0, 0), ("Device", None, 0, 0)]
        first_populated = True
        for name, start, spanned, present in zs:
            out.append("Node %d, zone %8s" % (k, name))
            if present and first_populated:
                out.append("  per-node stats")
                out += [stat_line("      ", s, 0) for s in PER_NODE_STATS]
                first_populated = False
            m = managed(present)
            free = m - m // 100 if present else 0
            out.append("  pages free     %d" % free)
            for key, v in (("boost", 0), ("min", m // 200), ("low", m // 160), ("high", m // 133),
                           ("spanned", spanned), ("present", present), ("managed", m), ("cma", 0)):
                out.append("        %-8s %d" % (key, v))
            out.append("        protection: (%s)" % ", ".join(["0"] * nzones))
            if not present:
                continue
            out += [stat_line("      ", s, free if s == "nr_free_pages" else 0) for s in ZONE_STATS]
            out.append("  pagesets")
            for c in range(ncpus):
                out += ["    cpu: %d" % c, "              count: 0", "              high:  %d" % (m // 160),
                        "              batch: 63", "  vm stats threshold: 24"]
            out.append("  node_unreclaimable:  0")
            out.append("  start_pfn:           %d" % start)
    return "\n".join(out) + "\n"


def iomem(layout):
    def line(s, e, what, indent=""):
        return "%s%08x-%08x : %s" % (indent, s, e - 1, what)
    out = [line(0, 0x1000, "Reserved"), line(0x1000, 0x9FC00, "System RAM"), line(0x9FC00, 0xA0000, "Reserved"),
           line(0xA0000, 0xC0000, "PCI Bus 0000:00"), line(0xF0000, 0x100000, "Reserved"),
           line(0xF0000, 0x100000, "System ROM", "  ")]
    for s, e in layout.ram[1:]:
        if s == PCI_HOLE[1]:
            out += [line(0xC0000000, 0xFEC00000, "PCI Bus 0000:00"), line(0xFEC00000, 0xFEC00400, "IOAPIC 0"),
                    line(0xFED00000, 0xFED00400, "HPET 0"), line(0xFEE00000, 0xFEE01000, "Local APIC"),
                    line(0xFFFC0000, 0x100000000, "Reserved")]
        out.append(line(s, e, "System RAM"))
        if s == 0x100000:
            out += [line(0x1000000, 0x1E00000, "Kernel code", "  "), line(0x1E00000, 0x2600000, "Kernel rodata", "  "),
                    line(0x2600000, 0x2A00000, "Kernel data", "  ")]
    return "\n".join(out) + "\n"


def distances(nodes):
    # Two sockets' worth of SLIT: 10 local, 12 same group of four, 21 otherwise.
    return [[10 if a == b else (12 if a // 4 == b // 4 else 21) for b in range(nodes)] for a in range(nodes)]


def write(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    os.write(fd, text.encode())
    os.close(fd)


def generate(out, layout, cpus_per_node):
    if os.path.exists(out) and os.listdir(out):
        die("%s: expected a new or empty directory" % out)
    nodes = len(layout.node_ranges)
    mem = os.path.join(out, "sys/devices/system/memory")
    nd = os.path.join(out, "sys/devices/system/node")
    for d in (mem, nd, os.path.join(out, "proc"), os.path.join(out, "sys/kernel/mm/transparent_hugepage")):
        os.makedirs(d, exist_ok=True)
    all_nodes = id_list(range(nodes))
    for name in ("possible", "online", "has_memory", "has_cpu"):
        write(os.path.join(nd, name), all_nodes + "\n")
    dist = distances(nodes)
    zones = {}
    for k in range(nodes):
        d = os.path.join(nd, "node%d" % k)
        os.mkdir(d)
        write(os.path.join(d, "cpulist"), id_list(range(k * cpus_per_node, (k + 1) * cpus_per_node)) + "\n")
        write(os.path.join(d, "distance"), " ".join(map(str, dist[k])) + "\n")
        zones[k] = layout.zones(k)
        write(os.path.join(d, "meminfo"), meminfo(k, sum(managed(z[3]) for z in zones[k]) * PAGE // 1024))
    write(os.path.join(mem, "block_size_bytes"), "%x\n" % layout.block_size)
    write(os.path.join(mem, "auto_online_blocks"), "online\n")
    bs = layout.block_size
    for bid in layout.block_ids:
        d = os.path.join(mem, "memory%d" % bid)
        os.mkdir(d)
        owners = layout.block_nodes[bid]
        # drivers/base/memory.c: valid_zones of an online block is its zone, `none` when it spans two zones
        # or two nodes.
        s, e = bid * bs, (bid + 1) * bs
        zone = "DMA" if e <= DMA_END else "DMA32" if s >= DMA_END and e <= DMA32_END else "Normal" if s >= DMA32_END else "none"
        write(os.path.join(d, "state"), "online\n")
        write(os.path.join(d, "phys_index"), "%08x\n" % bid)
        write(os.path.join(d, "removable"), "1\n")
        write(os.path.join(d, "valid_zones"), ("none" if len(owners) > 1 else zone) + "\n")
        for k in owners:
            os.symlink("../../node/node%d" % k, os.path.join(d, "node%d" % k))
            os.symlink("../../memory/memory%d" % bid, os.path.join(nd, "node%d" % k, "memory%d" % bid))
    write(os.path.join(out, "proc/zoneinfo"), zoneinfo(layout, nodes * cpus_per_node))
    write(os.path.join(out, "proc/iomem"), iomem(layout))
    write(os.path.join(out, "proc/version"), VERSION)
    write(os.path.join(out, "sys/kernel/mm/transparent_hugepage/hpage_pmd_size"), "2097152\n")
    write(os.path.join(out, "uname.txt"), "Linux synthetic %s #1 SMP PREEMPT_DYNAMIC Debian 6.12.117-1~deb12u1 (2026-11-10) x86_64 GNU/Linux\n" % RELEASE)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out")
    p.add_argument("--blocks", type=int, default=196608)
    p.add_argument("--nodes", type=int, default=16)
    p.add_argument("--block-mib", type=int, default=128)
    p.add_argument("--shared-offset", type=int, default=0, metavar="MIB",
                   help="move each node boundary this many MiB into a block (shared sections); 0: block-aligned")
    p.add_argument("--cpus-per-node", type=int, default=8)
    p.add_argument("--print-expected", action="store_true")
    a = p.parse_args()
    if a.nodes < 1 or a.blocks < 1 or a.cpus_per_node < 1:
        die("--nodes, --blocks and --cpus-per-node: expected positive numbers")
    if a.block_mib < 128 or a.block_mib & (a.block_mib - 1):
        die("--block-mib %d: expected a power of two of at least 128 (x86_64 section size)" % a.block_mib)
    layout = Layout(a.blocks, a.nodes, a.block_mib * MiB, a.shared_offset * MiB)
    generate(a.out, layout, a.cpus_per_node)
    if a.print_expected:
        print(json.dumps({
            "block_size": layout.block_size,
            "blocks": layout.block_ids[0:1] + layout.block_ids[-1:],
            "block_count": len(layout.block_ids),
            "nodes": [{"id": k, "ranges": [[s, e] for s, e in rs], "blocks": [len(layout.node_blocks[k])],
                       "zones": layout.zones(k)} for k, rs in enumerate(layout.node_ranges)],
            "shared_blocks": {str(b): ns for b, ns in sorted(layout.block_nodes.items()) if len(ns) > 1},
        }))


if __name__ == "__main__":
    main()
