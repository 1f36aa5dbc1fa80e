#include "czlib.h"

#include <limits.h>
#include <zlib.h>

cz_status cz_gunzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t cap, size_t *out_len)
{
    z_stream zs = {0};
    size_t produced = 0, consumed = 0;
    /* 16 + MAX_WBITS: gzip wrapper only. */
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return CZ_NOMEM;
    cz_status result = CZ_OK;
    for (;;) {
        size_t in_left = in_len - consumed, out_left = cap - produced;
        zs.next_in = (Bytef *)(uintptr_t)(in + consumed);
        zs.avail_in = in_left > UINT_MAX ? UINT_MAX : (uInt)in_left;
        zs.next_out = out + produced;
        zs.avail_out = out_left > UINT_MAX ? UINT_MAX : (uInt)out_left;
        uInt avail_in = zs.avail_in, avail_out = zs.avail_out;
        int rc = inflate(&zs, Z_NO_FLUSH);
        consumed += avail_in - zs.avail_in;
        produced += avail_out - zs.avail_out;
        if (rc == Z_STREAM_END) {
            /* Another member may follow (concatenated gzip); trailing zero padding is accepted. */
            while (consumed < in_len && in[consumed] == 0)
                consumed++;
            if (consumed == in_len)
                break;
            if (inflateReset(&zs) != Z_OK) {
                result = CZ_CORRUPT;
                break;
            }
            continue;
        }
        if (rc == Z_OK) {
            if (produced == cap && zs.avail_out == 0) {
                result = CZ_TOO_LARGE;
                break;
            }
            if (consumed == in_len && zs.avail_in == 0 && avail_in == 0) {
                result = CZ_CORRUPT; /* truncated: no progress possible */
                break;
            }
            continue;
        }
        if (rc == Z_BUF_ERROR) {
            result = produced == cap ? CZ_TOO_LARGE : CZ_CORRUPT;
            break;
        }
        result = rc == Z_MEM_ERROR ? CZ_NOMEM : CZ_CORRUPT;
        break;
    }
    inflateEnd(&zs);
    if (result == CZ_OK)
        *out_len = produced;
    return result;
}
