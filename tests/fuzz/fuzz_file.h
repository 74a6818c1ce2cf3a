/* The fuzz harnesses' one file: each input is written to a file in a private temporary
 * directory (the loaders under test take file names); the harness removes both after the
 * input (fuzz_file_cleanup), so that processes that end without running atexit handlers
 * (libFuzzer's fork mode) leave nothing behind. */
#ifndef ANN_FUZZ_FILE_H
#define ANN_FUZZ_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_dir[64];
static char fuzz_path[128];

static void fuzz_file_cleanup(void)
{
    if (fuzz_path[0])
        unlink(fuzz_path);
    if (fuzz_dir[0])
        rmdir(fuzz_dir);
    fuzz_path[0] = fuzz_dir[0] = '\0';
}

/* Writes data to <tmpdir>/input<suffix> and returns that path (NULL when it cannot). */
static const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix)
{
    FILE *f;
    if (!fuzz_dir[0]) {
        snprintf(fuzz_dir, sizeof fuzz_dir, "/tmp/annlua-fuzz-XXXXXX");
        if (!mkdtemp(fuzz_dir)) {
            fuzz_dir[0] = '\0';
            return NULL;
        }
    }
    snprintf(fuzz_path, sizeof fuzz_path, "%s/input%s", fuzz_dir, suffix);
    f = fopen(fuzz_path, "wb");
    if (!f)
        return NULL;
    if (size && fwrite(data, 1, size, f) != size) {
        fclose(f);
        return NULL;
    }
    fclose(f);
    return fuzz_path;
}

#endif
