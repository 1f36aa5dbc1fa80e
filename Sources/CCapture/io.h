/* Internal to CCapture (not exported): the one write loop capture.c and tar.c share. */
#ifndef CCAPTURE_IO_H
#define CCAPTURE_IO_H
#include <errno.h>
#include <stddef.h>
#include <unistd.h>

/* Writes all of data to fd, retrying on EINTR: 0, or the errno of the failed write(2). */
static inline int ccap_write_all(int fd, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}
#endif
