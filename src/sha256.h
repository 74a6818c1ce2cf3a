/* SHA-256 (FIPS 180-4): cache keys and integrity checks of cached kernels. */
#ifndef ANN_SHA256_H
#define ANN_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct ann_sha256 {
    uint32_t h[8];
    uint64_t len;
    uint8_t  buf[64];
    size_t   nbuf;
} ann_sha256;

void ann_sha256_init(ann_sha256 *s);
void ann_sha256_update(ann_sha256 *s, const void *data, size_t n);
void ann_sha256_final(ann_sha256 *s, uint8_t out[32]);
/* Writes the 64 hex digits and a terminating NUL. */
void ann_sha256_hex(const uint8_t digest[32], char out[65]);

#endif
