/*
 * cnuma.h — the libnuma shim: the only C code in the package that asks the running host anything.
 * Each function forwards to the libnuma call it names (numa(3), libnuma-dev). Kept apart from the
 * pure CSparse mirror so that only the host reader links libnuma.
 */
#ifndef CNUMA_H
#define CNUMA_H

#ifdef __cplusplus
extern "C" {
#endif

/* numa_available() — libnuma: < 0 when the kernel has no NUMA support. */
int cs_numa_available(void);
/* numa_max_node() — libnuma. */
int cs_numa_max_node(void);
/* numa_node_size64() — libnuma: bytes of node `node`, free bytes in *free; -1 on error. */
long long cs_numa_node_size64(int node, long long *free_bytes);
/* numa_distance() — libnuma: the SLIT distance, 0 when unknown. */
int cs_numa_distance(int a, int b);
/* numa_node_to_cpus() — libnuma: writes up to max_cpus CPU ids of `node` into cpus, returns the count,
 * or -1 on error. */
int cs_numa_node_cpus(int node, int *cpus, int max_cpus);

#ifdef __cplusplus
}
#endif

#endif /* CNUMA_H */
