/* Child processes (src/child.c) and a thread pool used across fork (src/pool.c, private: this
 * test includes pool.h on purpose): a child's bytes reach the parent whole, also beyond a
 * pipe's buffer while the parent waits for several children; exit codes and signals are told
 * apart; freeing a running child kills it; waiting with a time limit gives up on a child that
 * does not end; a child runs a pool its parent started (new threads) and frees it;
 * ann_child_exit refuses to end a process that is not a child. */
#include "annarchy.h"
#include "pool.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

#define BIG (1 << 20)

static void add_one(void *arg, int t)
{
    int *cells = arg;
    cells[t] += 1;
}

/* In a child: sends `n` bytes of `c` and exits with `code`. */
static void send(char c, size_t n, int code)
{
    char *b = malloc(n ? n : 1);
    memset(b, c, n);
    ann_child_exit(b, n, code, NULL);
    abort();
}

static ann_child *start(char c, size_t n, int code)
{
    ann_child *child = NULL;
    int r = ann_child_fork(&child, NULL);
    if (r == 0) send(c, n, code);
    CHECK(r == 1 && child != NULL, "ann_child_fork returned %d", r);
    return child;
}

static int all_are(const char *b, size_t n, char c)
{
    for (size_t i = 0; i < n; i++) if (b[i] != c) return 0;
    return 1;
}

int main(void)
{
    ann_status st;
    CHECK_TRUE(ann_child_exit("x", 1, 0, &st) != 0 && strstr(st.msg, "not a child") != NULL);

    /* three children, two of them sending more than a pipe holds, collected in any order */
    ann_child *kids[3] = {start('a', BIG, 0), start('b', 10, 3), start('c', BIG + 7, 0)};
    int seen[3] = {0, 0, 0};
    for (int round = 0; round < 3; round++) {
        int i = ann_child_wait_any(kids, 3, &st);
        CHECK(i >= 0 && i < 3 && !seen[i], "wait_any returned %d (%s)", i, st.msg);
        if (i < 0 || i > 2) break;
        seen[i] = 1;
        CHECK_TRUE(!ann_child_running(kids[i]));
        size_t n;
        const char *b = ann_child_bytes(kids[i], &n);
        size_t want_n[3] = {BIG, 10, BIG + 7};
        int want_code[3] = {0, 3, 0};
        CHECK(n == want_n[i] && all_are(b, n, (char)('a' + i)), "child %d sent %zu bytes", i, n);
        CHECK_TRUE(ann_child_exit_code(kids[i]) == want_code[i] && ann_child_signal(kids[i]) == 0);
    }
    CHECK_TRUE(ann_child_wait_any(kids, 3, &st) < 0 && strstr(st.msg, "no child") != NULL);
    for (int i = 0; i < 3; i++) ann_child_free(kids[i]);

    /* a child ended by a signal; a running child freed (killed) */
    ann_child *k = NULL;
    if (ann_child_fork(&k, NULL) == 0) { raise(SIGTERM); send('x', 1, 0); }
    CHECK_TRUE(ann_child_wait_any(&k, 1, NULL) == 0);
    CHECK_TRUE(ann_child_exit_code(k) == -1 && ann_child_signal(k) == SIGTERM);
    ann_child_free(k);
    if (ann_child_fork(&k, NULL) == 0) { pause(); send('x', 1, 0); }
    CHECK_TRUE(ann_child_running(k));
    ann_child_free(k);           /* returns: the child was killed and reaped */

    /* waiting with a time limit: a child that never ends is still running after it, one that
     * sends more than a pipe holds ends within it */
    if (ann_child_fork(&k, NULL) == 0) { pause(); send('x', 1, 0); }
    CHECK_TRUE(ann_child_wait(k, 0.2, &st) == 0 && ann_child_running(k));
    ann_child_free(k);
    k = start('w', BIG, 0);
    CHECK_TRUE(ann_child_wait(k, 60, &st) == 1 && !ann_child_running(k));
    size_t got;
    const char *w = ann_child_bytes(k, &got);
    CHECK(got == BIG && all_are(w, got, 'w'), "the waited child sent %zu bytes", got);
    ann_child_free(k);

    /* a pool of the parent runs in a child (on threads the child starts) and in the parent */
    ann_pool *pool = ann_pool_new(3);
    int cells[3] = {0, 0, 0};
    ann_pool_run(pool, add_one, cells);
    if (ann_child_fork(&k, NULL) == 0) {
        for (int r = 0; r < 100; r++) ann_pool_run(pool, add_one, cells);
        ann_pool_free(pool);
        char ok = cells[0] == 101 && cells[1] == 101 && cells[2] == 101 ? 'y' : 'n';
        send(ok, 1, 0);
    }
    CHECK_TRUE(ann_child_wait_any(&k, 1, NULL) == 0);
    size_t n;
    const char *b = ann_child_bytes(k, &n);
    CHECK(n == 1 && b[0] == 'y', "the child's pool ran %zu", n);
    ann_child_free(k);
    ann_pool_run(pool, add_one, cells);
    CHECK_TRUE(cells[0] == 2 && cells[1] == 2 && cells[2] == 2);
    ann_pool_free(pool);
    return CHECK_SUMMARY();
}
