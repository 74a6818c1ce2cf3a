/* The TensorBoard event-file writer (src/tfevents.c), without Lua: CRC-32C against the test
 * vectors of RFC 3720 (B.4) and the usual check value, the framing of the first record, and
 * every kind of summary written and closed (the sanitizer run checks memory). The contents are
 * decoded independently by tests/logger_spec.lua. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annarchy.h"

#include "check.h"

static void test_crc(void)
{
    unsigned char zeros[32] = {0}, ones[32], inc[32];
    for (int i = 0; i < 32; i++) {
        ones[i] = 0xFF;
        inc[i] = (unsigned char)i;
    }
    CHECK(ann_crc32c("123456789", 9) == 0xE3069283u, "check value");
    CHECK(ann_crc32c(zeros, 32) == 0x8A9136AAu, "32 zeros: %08x", ann_crc32c(zeros, 32));
    CHECK(ann_crc32c(ones, 32) == 0x62A8AB43u, "32 x 0xff");
    CHECK(ann_crc32c(inc, 32) == 0x46DD794Eu, "0..31");
    uint32_t c = 0xE3069283u;
    CHECK(ann_crc32c_masked("123456789", 9) == ((c >> 15) | (c << 17)) + 0xa282ead8u, "mask");
}

static void test_writer(void)
{
    char dir[] = "/tmp/tfevents_testXXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char sub[256];
    snprintf(sub, sizeof sub, "%s/a/b", dir);
    ann_tfwriter *w = NULL;
    ann_status st = {0};
    CHECK(ann_tfwriter_open(sub, &w, &st) == 0, "open: %s", st.msg);
    if (!w) return;
    const double values[] = {-1.5, 0, 2, 3e-12, 1e30};
    const unsigned char rgb[12] = {255, 0, 0, 0, 255, 0, 0, 0, 255, 1, 2, 3};
    ann_hparam params[] = {{"lr", 0, 0.1, NULL}, {"name", 1, 0, "x"}, {"on", 2, 1, NULL}};
    const char *metrics[] = {"acc"};
    CHECK(ann_tfwriter_scalar(w, "s", 1.5, 7, &st) == 0, "scalar: %s", st.msg);
    CHECK(ann_tfwriter_histogram(w, "h", values, 5, 1, &st) == 0, "histogram: %s", st.msg);
    CHECK(ann_tfwriter_histogram(w, "h", values, 0, 1, &st) != 0 && strstr(st.msg, "no values"),
          "empty histogram");
    CHECK(ann_tfwriter_image(w, "i", 2, 2, rgb, 3, &st) == 0, "image: %s", st.msg);
    CHECK(ann_tfwriter_image(w, "i", 0, 2, rgb, 3, &st) != 0, "0 rows");
    CHECK(ann_tfwriter_image_file(w, "f", "/nonexistent.png", 0, &st) != 0, "missing file");
    CHECK(ann_tfwriter_hparams(w, params, 3, metrics, 1, &st) == 0, "hparams: %s", st.msg);
    char path[4096];
    snprintf(path, sizeof path, "%s", ann_tfwriter_path(w));
    CHECK(ann_tfwriter_close(w, &st) == 0, "close: %s", st.msg);

    FILE *f = fopen(path, "rb");
    unsigned char head[12 + 64];
    size_t n = f ? fread(head, 1, sizeof head, f) : 0;
    if (f) fclose(f);
    CHECK(n == sizeof head, "file read");
    uint64_t len = 0;
    for (int i = 0; i < 8; i++) len |= (uint64_t)head[i] << (8 * i);
    /* Event{wall_time (9 bytes), file_version "brain.Event:2" (2 + 13 bytes)} */
    CHECK(len == 24, "first record length %llu", (unsigned long long)len);
    uint32_t crc = (uint32_t)head[8] | (uint32_t)head[9] << 8 | (uint32_t)head[10] << 16 |
                   (uint32_t)head[11] << 24;
    CHECK(crc == ann_crc32c_masked(head, 8), "length checksum");
    CHECK(memcmp(head + 12 + 11, "brain.Event:2", 13) == 0, "file version");

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "clean up");
}

int main(void)
{
    test_crc();
    test_writer();
    return CHECK_SUMMARY();
}
