/* Child processes (annarchy.h, "child processes"): the parent forks a child, which does part
 * of the work and sends one byte string back through a pipe before ending with _exit; the
 * parent reads every child's pipe as data arrives (a child never blocks on a full pipe while
 * the parent waits for another) and reaps each child when its pipe ends. */
#include "annarchy.h"
#include "status.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define READ_CHUNK 65536

struct ann_child {
    pid_t  pid;      /* 0 once reaped */
    pid_t  parent;   /* the process that forked it (a grandchild inherits the handle too) */
    int    fd;       /* the read end of the pipe; -1 once it ended */
    char  *bytes;    /* what the child sent */
    size_t len, cap;
    int    code;     /* the exit code; -1 while it runs or when a signal ended it */
    int    signal;   /* the signal that ended it, or 0 */
};

/* In a child: the write end of the pipe to its parent; -1 in a process that is not a child. */
static int parent_fd = -1;

int ann_child_fork(ann_child **out, ann_status *st)
{
    *out = NULL;
    ann_child *c = calloc(1, sizeof *c);
    if (!c) return -ann_fail(st, "cannot start a child process: out of memory");
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        free(c);
        return -ann_fail(st, "cannot start a child process: pipe: %s", strerror(errno));
    }
    fflush(NULL);      /* what this process buffered is written once, not again by the child */
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(p[0]);
        close(p[1]);
        free(c);
        return -ann_fail(st, "cannot start a child process: fork: %s", strerror(e));
    }
    if (pid == 0) {
        close(p[0]);
        parent_fd = p[1];
        free(c);
        return 0;
    }
    close(p[1]);
    c->pid = pid;
    c->parent = getpid();
    c->fd = p[0];
    c->code = -1;
    *out = c;
    return 1;
}

int ann_child_exit(const void *bytes, size_t n, int code, ann_status *st)
{
    if (parent_fd < 0) return ann_fail(st, "ann_child_exit: this process is not a child process");
    fflush(NULL);
    const char *p = bytes;
    while (n > 0) {
        ssize_t w = write(parent_fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;          /* the parent is gone: nothing to report to */
        p += w;
        n -= (size_t)w;
    }
    _exit(code);
}

/* Reads what is available on c's pipe; 1 when the pipe ended (the child closed it or ended). */
static int drain(ann_child *c)
{
    if (c->cap - c->len < READ_CHUNK) {
        size_t cap = c->cap ? c->cap * 2 : READ_CHUNK;
        while (cap - c->len < READ_CHUNK) cap *= 2;
        char *b = realloc(c->bytes, cap);
        if (!b) return -1;
        c->bytes = b;
        c->cap = cap;
    }
    ssize_t r = read(c->fd, c->bytes + c->len, READ_CHUNK);
    if (r < 0) return errno == EINTR || errno == EAGAIN ? 0 : 1;
    if (r == 0) return 1;
    c->len += (size_t)r;
    return 0;
}

/* The pipe of c ended: waits for the child's end and records how it ended. */
static void reap(ann_child *c)
{
    close(c->fd);
    c->fd = -1;
    int status = 0;
    while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR) {}
    c->pid = 0;
    if (WIFSIGNALED(status)) c->signal = WTERMSIG(status);
    else c->code = WEXITSTATUS(status);
}

/* Milliseconds of the monotonic clock. */
static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ann_child_wait_any with a deadline on the monotonic clock (ms; < 0: none): -2 when the
 * deadline passes before a child ends. */
static int wait_until(ann_child *const *children, int n, long long deadline, ann_status *st)
{
    struct pollfd *fds = calloc(n > 0 ? (size_t)n : 1, sizeof *fds);
    int *which = calloc(n > 0 ? (size_t)n : 1, sizeof *which);
    int ended = -1;
    if (!fds || !which) {
        ended = -ann_fail(st, "ann_child_wait_any: out of memory");
        goto done;
    }
    for (;;) {
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (!children[i] || children[i]->fd < 0) continue;
            fds[m].fd = children[i]->fd;
            fds[m].events = POLLIN;
            fds[m].revents = 0;
            which[m++] = i;
        }
        if (m == 0) {
            ended = -ann_fail(st, "ann_child_wait_any: no child process is running");
            goto done;
        }
        int wait = -1;
        if (deadline >= 0) {
            long long left = deadline - now_ms();
            if (left <= 0) {
                ended = -2;
                goto done;
            }
            wait = left > INT_MAX ? INT_MAX : (int)left;
        }
        if (poll(fds, (nfds_t)m, wait) < 0) {
            if (errno == EINTR) continue;
            ended = -ann_fail(st, "ann_child_wait_any: poll: %s", strerror(errno));
            goto done;
        }
        for (int j = 0; j < m; j++) {
            if (!fds[j].revents) continue;
            ann_child *c = children[which[j]];
            int r = drain(c);
            if (r < 0) {
                ended = -ann_fail(st, "ann_child_wait_any: out of memory for a child's result");
                goto done;
            }
            if (r > 0) {
                reap(c);
                ended = which[j];
                goto done;
            }
        }
    }
done:
    free(fds);
    free(which);
    return ended;
}

int ann_child_wait_any(ann_child *const *children, int n, ann_status *st)
{
    return wait_until(children, n, -1, st);
}

int ann_child_wait(ann_child *c, double seconds, ann_status *st)
{
    if (!(seconds > 0)) seconds = 0;          /* also NaN */
    if (seconds > 1e9) seconds = 1e9;
    int r = wait_until(&c, 1, now_ms() + (long long)(seconds * 1000), st);
    return r == 0 ? 1 : r == -2 ? 0 : -1;
}

const char *ann_child_bytes(const ann_child *c, size_t *n)
{
    *n = c->len;
    return c->bytes ? c->bytes : "";
}

int ann_child_exit_code(const ann_child *c) { return c->code; }

int ann_child_signal(const ann_child *c) { return c->signal; }

int ann_child_running(const ann_child *c) { return c->pid != 0; }

void ann_child_free(ann_child *c)
{
    if (!c) return;
    if (c->pid != 0 && c->parent == getpid()) {
        kill(c->pid, SIGKILL);
        while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR) {}
    }
    if (c->fd >= 0) close(c->fd);
    free(c->bytes);
    free(c);
}
