/* The libnuma shim (cnuma.h): the only C code in the package that asks the running host anything.
 * Each function forwards to the libnuma call it names (numa(3), libnuma-dev). */
#include "cnuma.h"

#include <numa.h>

int cs_numa_available(void)
{
    return numa_available();
}

int cs_numa_max_node(void)
{
    return numa_max_node();
}

long long cs_numa_node_size64(int node, long long *free_bytes)
{
    return numa_node_size64(node, free_bytes);
}

int cs_numa_distance(int a, int b)
{
    return numa_distance(a, b);
}

int cs_numa_node_cpus(int node, int *cpus, int max_cpus)
{
    struct bitmask *mask = numa_allocate_cpumask();
    if (mask == NULL)
        return -1;
    if (numa_node_to_cpus(node, mask) < 0) {
        numa_free_cpumask(mask);
        return -1;
    }
    int count = 0;
    for (unsigned int cpu = 0; cpu < mask->size && count < max_cpus; cpu++) {
        if (numa_bitmask_isbitset(mask, cpu))
            cpus[count++] = (int)cpu;
    }
    numa_free_cpumask(mask);
    return count;
}
