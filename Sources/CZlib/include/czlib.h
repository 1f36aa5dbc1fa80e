/*
 * czlib.h — a bounded gunzip over the system zlib, for reading /proc/config.gz and gzip-compressed
 * kernel .config files.  Not kernel arithmetic (that lives in CSparse).
 */
#ifndef CZLIB_H
#define CZLIB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cz_status {
    CZ_OK = 0,
    CZ_TOO_LARGE = 1, /* the decompressed data exceeds the caller's cap (a gzip bomb or not a .config) */
    CZ_CORRUPT = 2,   /* not gzip, truncated, or a bad checksum                                        */
    CZ_NOMEM = 3,     /* zlib could not allocate its state                                             */
} cz_status;

/* Decompress every gzip member of in[0..in_len) into out[0..cap).  On CZ_OK *out_len is the number of
 * bytes written.  Never writes past cap. */
cz_status cz_gunzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t cap, size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif /* CZLIB_H */
