/* A capture as one ustar file (POSIX.1-1988 ustar headers), and back (ccapture.h). */
#define _GNU_SOURCE
#include "ccapture.h"
#include "io.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK 512
#define MAX_TAR_BYTES (256ull << 20)
#define MAX_ENTRIES 200000

static void seterr(char *err, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
}

static int read_full(int fd, void *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, (char *)buf + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return 0;
}

/* One header: name split into prefix/name when over 100 bytes. */
static int header(int fd, const char *name, char type, uint64_t size, unsigned mode, const char *link, char *err, size_t errlen)
{
    unsigned char h[BLOCK];
    memset(h, 0, sizeof h);
    size_t n = strlen(name);
    const char *base = name;
    if (n > 100) {
        const char *cut = NULL;
        for (const char *p = name; *p; p++)
            if (*p == '/' && (size_t)(p - name) <= 155 && strlen(p + 1) <= 100)
                cut = p;
        if (cut == NULL) {
            seterr(err, errlen, "%s: a name too long for ustar", name);
            return -1;
        }
        memcpy(h + 345, name, (size_t)(cut - name));
        base = cut + 1;
    }
    memcpy(h, base, strlen(base));
    snprintf((char *)h + 100, 8, "%07o", mode);
    snprintf((char *)h + 108, 8, "%07o", 0);
    snprintf((char *)h + 116, 8, "%07o", 0);
    snprintf((char *)h + 124, 12, "%011llo", (unsigned long long)size);
    snprintf((char *)h + 136, 12, "%011o", 0);
    h[156] = (unsigned char)type;
    if (link) {
        if (strlen(link) > 100) {
            seterr(err, errlen, "%s: a link target too long for ustar", name);
            return -1;
        }
        memcpy(h + 157, link, strlen(link));
    }
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < BLOCK; i++)
        sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
    h[155] = ' ';
    if (ccap_write_all(fd, h, sizeof h)) {
        seterr(err, errlen, "cannot write (%s)", strerror(errno));
        return -1;
    }
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Writes root/rel (a directory) and everything under it, names sorted. */
static int add_tree(int fd, const char *root, const char *rel, int *entries, char *err, size_t errlen)
{
    char path[4200];
    snprintf(path, sizeof path, "%s%s%s", root, rel[0] ? "/" : "", rel);
    DIR *d = opendir(path);
    if (d == NULL) {
        seterr(err, errlen, "%s: cannot list (%s)", path, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **p = realloc(names, cap * sizeof *names);
            if (p == NULL)
                break;
            names = p;
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char r2[4200], p2[8500];
        snprintf(r2, sizeof r2, "%s%s%s", rel, rel[0] ? "/" : "", names[i]);
        snprintf(p2, sizeof p2, "%s/%s", root, r2);
        struct stat st;
        if (++*entries > MAX_ENTRIES || lstat(p2, &st) != 0) {
            seterr(err, errlen, "%s: cannot add to the tar", p2);
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            char dn[4300];
            snprintf(dn, sizeof dn, "%s/", r2);
            rc = header(fd, dn, '5', 0, 0755, NULL, err, errlen);
            if (rc == 0)
                rc = add_tree(fd, root, r2, entries, err, errlen);
        } else if (S_ISLNK(st.st_mode)) {
            char t[256];
            ssize_t m = readlink(p2, t, sizeof t - 1);
            if (m < 0) {
                seterr(err, errlen, "%s: cannot read the link", p2);
                rc = -1;
            } else {
                t[m] = 0;
                rc = header(fd, r2, '2', 0, 0777, t, err, errlen);
            }
        } else if (S_ISREG(st.st_mode)) {
            int in = open(p2, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
            if (in < 0) {
                seterr(err, errlen, "%s: cannot open (%s)", p2, strerror(errno));
                rc = -1;
            } else {
                rc = header(fd, r2, '0', (uint64_t)st.st_size, 0644, NULL, err, errlen);
                unsigned char *buf = malloc(65536);
                if (buf == NULL) {
                    seterr(err, errlen, "out of memory");
                    rc = -1;
                }
                uint64_t left = (uint64_t)st.st_size;
                while (rc == 0 && left > 0) {
                    size_t want = left < 65536 ? (size_t)left : 65536;
                    if (read_full(in, buf, want) || ccap_write_all(fd, buf, want)) {
                        seterr(err, errlen, "%s: cannot copy into the tar", p2);
                        rc = -1;
                    }
                    left -= want;
                }
                size_t pad = (size_t)((BLOCK - st.st_size % BLOCK) % BLOCK);
                if (rc == 0 && pad) {
                    memset(buf, 0, pad);
                    if (ccap_write_all(fd, buf, pad)) {
                        seterr(err, errlen, "cannot write (%s)", strerror(errno));
                        rc = -1;
                    }
                }
                free(buf);
                close(in);
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

int ccap_tar_write(const char *dir, const char *tar, char *err, size_t errlen)
{
    int fd = open(tar, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        seterr(err, errlen, "%s: cannot create the tar (%s)", tar, strerror(errno));
        return -1;
    }
    int entries = 0;
    int rc = add_tree(fd, dir, "", &entries, err, errlen);
    if (rc == 0) {
        unsigned char z[2 * BLOCK];
        memset(z, 0, sizeof z);
        if (ccap_write_all(fd, z, sizeof z)) {
            seterr(err, errlen, "%s: cannot write (%s)", tar, strerror(errno));
            rc = -1;
        }
    }
    if (close(fd) != 0 && rc == 0) {
        seterr(err, errlen, "%s: cannot write (%s)", tar, strerror(errno));
        rc = -1;
    }
    return rc;
}

int ccap_is_tar(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return 0;
    struct stat st;
    unsigned char h[BLOCK];
    int ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && read_full(fd, h, sizeof h) == 0 && memcmp(h + 257, "ustar", 5) == 0;
    close(fd);
    return ok;
}

static uint64_t octal(const unsigned char *p, size_t n, int *bad)
{
    uint64_t v = 0;
    size_t i = 0;
    while (i < n && p[i] == ' ')
        i++;
    for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
        if (v >> 60)
            *bad = 1;
        v = v * 8 + (uint64_t)(p[i] - '0');
    }
    for (; i < n; i++)
        if (p[i] != 0 && p[i] != ' ')
            *bad = 1;
    return v;
}

/* A relative name with no empty, "." or ".." component ("a/b/" allowed for directories). */
static int safe_name(const char *s)
{
    if (s[0] == 0 || s[0] == '/')
        return 0;
    const char *p = s;
    while (*p) {
        const char *q = strchr(p, '/');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        if (n == 0 && q && q[1] != 0)
            return 0;
        if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return 0;
        if (!q)
            break;
        p = q + 1;
    }
    return 1;
}

/* Whether a relative link at name (inside the tree) with target stays inside the tree, lexically. */
static int link_inside(const char *name, const char *target)
{
    if (target[0] == 0 || target[0] == '/')
        return 0;
    int depth = 0;
    for (const char *p = name; *p; p++)
        if (*p == '/' && p[1] != 0)
            depth++;
    const char *p = target;
    while (*p) {
        const char *q = strchr(p, '/');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (--depth < 0)
                return 0;
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            depth++;
        }
        if (!q)
            break;
        p = q + 1;
    }
    return 1;
}

static int mkdirs(const char *path)
{
    char tmp[4200];
    size_t n = strlen(path);
    if (n >= sizeof tmp)
        return -1;
    memcpy(tmp, path, n + 1);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(tmp, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

typedef struct {
    char name[260], target[101];
} pending_link;

/* 1 when no existing component of dir/rel up to its last '/' is a symlink (links made earlier could
 * otherwise lead a later link's lexical check outside dir). */
static int no_links_above(const char *dir, const char *rel)
{
    char path[4500];
    size_t dl = strlen(dir);
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    for (char *p = path + dl + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        struct stat st;
        int link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
        *p = '/';
        if (link)
            return 0;
    }
    return 1;
}

int ccap_tar_extract(const char *tar, const char *dir, char *err, size_t errlen)
{
    int fd = open(tar, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        seterr(err, errlen, "%s: cannot open (%s)", tar, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        seterr(err, errlen, "%s: expected a tar file written by capture -o", tar);
        return -1;
    }
    if ((uint64_t)st.st_size > MAX_TAR_BYTES) {
        close(fd);
        seterr(err, errlen, "%s: expected a capture tar of at most 256 MiB", tar);
        return -1;
    }
    if (mkdirs(dir) != 0) {
        close(fd);
        seterr(err, errlen, "%s: cannot create (%s)", dir, strerror(errno));
        return -1;
    }
    pending_link *links = NULL;
    size_t nlinks = 0, caplinks = 0;
    int rc = -1, entries = 0, ended = 0;
    unsigned char h[BLOCK];
    unsigned char *buf = malloc(65536);
    if (buf == NULL) {
        close(fd);
        seterr(err, errlen, "out of memory");
        return -1;
    }
    while (!ended) {
        if (read_full(fd, h, sizeof h)) {
            seterr(err, errlen, "%s: expected a tar file: it ends without the end-of-archive blocks", tar);
            goto out;
        }
        int zero = 1;
        for (int i = 0; i < BLOCK && zero; i++)
            zero = h[i] == 0;
        if (zero) {
            ended = 1;
            break;
        }
        int bad = 0;
        unsigned sum = 0;
        for (int i = 0; i < BLOCK; i++)
            sum += (i >= 148 && i < 156) ? ' ' : h[i];
        if (memcmp(h + 257, "ustar", 5) != 0 || octal(h + 148, 8, &bad) != sum || bad) {
            seterr(err, errlen, "%s: expected a ustar file: entry %d has a bad header", tar, entries + 1);
            goto out;
        }
        if (++entries > MAX_ENTRIES) {
            seterr(err, errlen, "%s: expected at most %d entries", tar, MAX_ENTRIES);
            goto out;
        }
        char name[260];
        if (h[345]) {
            snprintf(name, sizeof name, "%.155s/%.100s", (const char *)h + 345, (const char *)h);
        } else {
            snprintf(name, sizeof name, "%.100s", (const char *)h);
        }
        uint64_t size = octal(h + 124, 12, &bad);
        char type = (char)h[156];
        if (bad || size > MAX_TAR_BYTES || !safe_name(name)) {
            seterr(err, errlen, "%s: entry '%.100s': expected a relative name inside the capture", tar, name);
            goto out;
        }
        char path[4500];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        if (type == '5') {
            if (mkdirs(path) != 0) {
                seterr(err, errlen, "%s: cannot create (%s)", path, strerror(errno));
                goto out;
            }
        } else if (type == '2') {
            char target[101];
            snprintf(target, sizeof target, "%.100s", (const char *)h + 157);
            if (!link_inside(name, target)) {
                seterr(err, errlen, "%s: entry '%s' links to '%s', outside the capture; refused", tar, name, target);
                goto out;
            }
            if (nlinks == caplinks) {
                caplinks = caplinks ? caplinks * 2 : 256;
                pending_link *p = realloc(links, caplinks * sizeof *links);
                if (p == NULL) {
                    seterr(err, errlen, "out of memory");
                    goto out;
                }
                links = p;
            }
            snprintf(links[nlinks].name, sizeof links[nlinks].name, "%s", name);
            snprintf(links[nlinks].target, sizeof links[nlinks].target, "%s", target);
            nlinks++;
        } else if (type == '0' || type == 0) {
            char *slash = strrchr(path, '/');
            *slash = 0;
            int e = mkdirs(path);
            *slash = '/';
            /* No symlink exists yet (they are made last), so nothing here can lead outside dir. */
            int out = e == 0 ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644) : -1;
            if (out < 0) {
                seterr(err, errlen, "%s: cannot create (%s)", path, strerror(errno));
                goto out;
            }
            uint64_t left = size;
            while (left > 0) {
                size_t want = left < 65536 ? (size_t)left : 65536;
                if (read_full(fd, buf, want) || ccap_write_all(out, buf, want)) {
                    close(out);
                    seterr(err, errlen, "%s: entry '%s' is cut short", tar, name);
                    goto out;
                }
                left -= want;
            }
            close(out);
            size_t pad = (size_t)((BLOCK - size % BLOCK) % BLOCK);
            if (pad && read_full(fd, buf, pad)) {
                seterr(err, errlen, "%s: entry '%s' is cut short", tar, name);
                goto out;
            }
        } else {
            seterr(err, errlen, "%s: entry '%s': expected a file, directory or symlink (type '%c')", tar, name, type >= 32 && type < 127 ? type : '?');
            goto out;
        }
    }
    for (size_t i = 0; i < nlinks; i++) {
        char path[4500];
        snprintf(path, sizeof path, "%s/%s", dir, links[i].name);
        if (!no_links_above(dir, links[i].name)) {
            seterr(err, errlen, "%s: entry '%s' lies below another link; refused", tar, links[i].name);
            goto out;
        }
        char *slash = strrchr(path, '/');
        *slash = 0;
        int e = mkdirs(path);
        *slash = '/';
        if (e != 0 || symlink(links[i].target, path) != 0) {
            seterr(err, errlen, "%s: cannot create the link (%s)", path, strerror(errno));
            goto out;
        }
    }
    rc = 0;
out:
    free(buf);
    free(links);
    close(fd);
    return rc;
}
