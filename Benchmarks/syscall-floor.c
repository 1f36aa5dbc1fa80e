/* The kernel's floor for reading every memory block's state: readdir, then openat + read + close of
 * <dir>/memoryN/state, nothing else. Not built by SwiftPM (outside every target); run by hand:
 *     cc -O2 -o /tmp/syscall-floor Benchmarks/syscall-floor.c
 *     /usr/bin/time -f "%e s user %U sys %S" /tmp/syscall-floor /tmp/memmap-synth-24t/sys/devices/system/memory */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2) { fprintf(stderr, "usage: %s MEMORY_DIR\n", argv[0]); return 2; }
    int d = open(argv[1], O_RDONLY | O_DIRECTORY);
    DIR *dir = d < 0 ? NULL : fdopendir(dup(d));
    if (!dir) { perror(argv[1]); return 3; }
    struct dirent *e;
    char path[300], buf[64];
    long blocks = 0, online = 0;
    while ((e = readdir(dir))) {
        if (strncmp(e->d_name, "memory", 6) != 0) continue;
        snprintf(path, sizeof path, "%s/state", e->d_name);
        int f = openat(d, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (f < 0) continue;
        ssize_t k = read(f, buf, sizeof buf);
        close(f);
        blocks++;
        if (k >= 6 && memcmp(buf, "online", 6) == 0) online++;
    }
    printf("%ld blocks, %ld online\n", blocks, online);
    return 0;
}
