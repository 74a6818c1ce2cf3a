/* The REPL.
 *
 * A line is first tried as an expression ("return <line>") so that typing `1+1` prints 2; if
 * that does not compile it is compiled as statements, and a syntax error at "<eof>" means the
 * statement is unfinished: more lines are read under the continuation prompt.
 *
 * On a terminal, readline reads its keys through read_key(), which waits in ppoll() and so
 * sees a Ctrl-C: Ctrl-C at the prompt throws away the line being typed instead of killing the
 * process (and the network built so far). readline's state is global by design; the few
 * variables below that talk to its key function and to the signal handlers are global for
 * the same reason. */
#include "repl.h"

#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <lauxlib.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#define PROMPT      "> "
#define PROMPT_MORE ">> "
#define HISTORY_FILE "/.annlua_history"
#define HISTORY_MAX  1000

enum { LINE_READ = 1, LINE_EOF = 0, LINE_CANCELLED = -1 };
/* load_input()'s results besides the Lua statuses (which are >= 0). */
enum { INPUT_EOF = -1, INPUT_CANCELLED = -2 };

typedef struct repl {
    lua_State *L;
    int tty;            /* reading a terminal through readline */
    char *history;      /* history file, or NULL */
} repl;

/* ---- reading a line from a terminal ------------------------------------------------------ */

/* The signals read_key() deals with itself (readline's own handlers are off). */
static const int prompt_signals[] = {SIGINT, SIGWINCH, SIGTSTP};
#define N_PROMPT_SIGNALS (sizeof prompt_signals / sizeof prompt_signals[0])

static volatile sig_atomic_t got_sigint, got_sigwinch, got_sigtstp;
static int line_cancelled;

static void on_prompt_signal(int sig)
{
    if (sig == SIGINT)
        got_sigint = 1;
    else if (sig == SIGWINCH)
        got_sigwinch = 1;
    else
        got_sigtstp = 1;
}

/* Ctrl-Z: give the terminal back, stop, and take it again with the line redrawn. */
static void suspend(void)
{
    struct sigaction dfl, ours;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigset_t tstp;
    sigemptyset(&tstp);
    sigaddset(&tstp, SIGTSTP);

    rl_cleanup_after_signal();
    sigaction(SIGTSTP, &dfl, &ours);
    raise(SIGTSTP);                         /* pending while blocked... */
    sigprocmask(SIG_UNBLOCK, &tstp, NULL);  /* ...stops here; goes on after SIGCONT */
    sigprocmask(SIG_BLOCK, &tstp, NULL);
    sigaction(SIGTSTP, &ours, NULL);
    rl_reset_after_signal();
    rl_forced_update_display();
}

/* readline's key source. The signals stay blocked except inside ppoll(), so none can slip in
 * between the test of the flags and the wait. A Ctrl-C marks the line cancelled and ends it
 * with a newline: readline then returns normally and restores the terminal itself. */
static int read_key(FILE *in)
{
    sigset_t blocked, previous;
    sigemptyset(&blocked);
    for (size_t i = 0; i < N_PROMPT_SIGNALS; i++)
        sigaddset(&blocked, prompt_signals[i]);
    sigprocmask(SIG_BLOCK, &blocked, &previous);
    int key = EOF;
    for (;;) {
        if (got_sigint) {
            got_sigint = 0;
            line_cancelled = 1;
            rl_point = rl_end;
            rl_redisplay();
            rl_echo_signal_char(SIGINT);
            key = '\n';
            break;
        }
        if (got_sigwinch) {
            got_sigwinch = 0;
            rl_resize_terminal();
        }
        if (got_sigtstp) {
            got_sigtstp = 0;
            suspend();
        }
        struct pollfd pfd = {.fd = fileno(in), .events = POLLIN};
        int n = ppoll(&pfd, 1, NULL, &previous);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        unsigned char c;
        ssize_t got = read(pfd.fd, &c, 1);
        if (got == 1) {
            key = c;
            break;
        }
        if (got == 0 || errno != EINTR)
            break;
    }
    sigprocmask(SIG_SETMASK, &previous, NULL);
    return key;
}

/* Reads one line with readline; *out receives a malloc'ed line. */
static int read_terminal_line(const char *prompt, char **out)
{
    struct sigaction act, old[N_PROMPT_SIGNALS];
    memset(&act, 0, sizeof act);
    act.sa_handler = on_prompt_signal;
    sigemptyset(&act.sa_mask);
    got_sigint = got_sigwinch = got_sigtstp = 0;
    line_cancelled = 0;
    for (size_t i = 0; i < N_PROMPT_SIGNALS; i++) {
        sigaction(prompt_signals[i], NULL, &old[i]);
        /* A shell without job control ignores Ctrl-Z for us: so do we. */
        if (old[i].sa_handler != SIG_IGN)
            sigaction(prompt_signals[i], &act, NULL);
    }

    if (rl_instream != NULL)    /* set by the first readline(): the window may have changed */
        rl_reset_screen_size();
    char *line = readline(prompt);

    for (size_t i = 0; i < N_PROMPT_SIGNALS; i++)
        sigaction(prompt_signals[i], &old[i], NULL);
    if (line != NULL && line_cancelled) {
        free(line);
        line = NULL;
    }
    *out = line;
    return line_cancelled ? LINE_CANCELLED : line != NULL ? LINE_READ : LINE_EOF;
}

/* ---- history ----------------------------------------------------------------------------- */

static char *history_path(void)
{
    const char *home = getenv("HOME");
    if (home == NULL || home[0] == '\0')
        return NULL;
    size_t len = strlen(home) + sizeof HISTORY_FILE;
    char *path = malloc(len);
    if (path != NULL)
        snprintf(path, len, "%s%s", home, HISTORY_FILE);
    return path;
}

static void history_open(repl *r)
{
    stifle_history(HISTORY_MAX);
    r->history = history_path();
    if (r->history == NULL)
        return;
    /* append_history needs the file to exist; it holds what was typed, so keep it private. */
    int fd = open(r->history, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd < 0) {
        free(r->history);
        r->history = NULL;
        return;
    }
    close(fd);
    read_history(r->history);
    history_truncate_file(r->history, HISTORY_MAX);
}

/* Each line goes to the file as it is typed, so that a session ended by os.exit() or a crash
 * keeps its history. */
static void history_add(repl *r, const char *line)
{
    if (line[0] == '\0')
        return;
    HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
    if (last != NULL && strcmp(last->line, line) == 0)
        return;
    add_history(line);
    if (r->history != NULL) {
        append_history(1, r->history);
        history_truncate_file(r->history, HISTORY_MAX);
    }
}

/* ---- reading a chunk --------------------------------------------------------------------- */

/* Pushes the prompt: _PROMPT / _PROMPT2 when set, as lua5.4 allows. */
static const char *push_prompt(lua_State *L, int first)
{
    if (lua_getglobal(L, first ? "_PROMPT" : "_PROMPT2") == LUA_TNIL) {
        lua_pop(L, 1);
        return lua_pushstring(L, first ? PROMPT : PROMPT_MORE);
    }
    const char *p = luaL_tolstring(L, -1, NULL);
    lua_remove(L, -2);
    return p;
}

/* Pushes the next line without its newline. */
static int push_line(repl *r, int first)
{
    lua_State *L = r->L;
    char *line = NULL;
    int result;
    if (r->tty) {
        const char *prompt = push_prompt(L, first);
        result = read_terminal_line(prompt, &line);
        lua_pop(L, 1);
        if (result == LINE_READ)
            history_add(r, line);
    } else {
        size_t cap = 0;
        ssize_t n = getline(&line, &cap, stdin);
        result = n < 0 ? LINE_EOF : LINE_READ;
        if (n > 0 && line[n - 1] == '\n')
            line[n - 1] = '\0';
    }
    if (result == LINE_READ) {
        if (first && line[0] == '=')    /* "=expr", kept from Lua 5.1 as lua5.4 does */
            lua_pushfstring(L, "return %s", line + 1);
        else
            lua_pushstring(L, line);
    }
    free(line);
    return result;
}

static int is_unfinished(lua_State *L, int status)
{
    static const char mark[] = "<eof>";
    size_t len;
    const char *msg = lua_tolstring(L, -1, &len);
    return status == LUA_ERRSYNTAX && msg != NULL && len >= sizeof mark - 1
           && strcmp(msg + len - (sizeof mark - 1), mark) == 0;
}

/* The line at index 1 compiled as "return <line>": on success the function replaces nothing
 * and is pushed; on failure the stack is left as it was. */
static int compile_expression(lua_State *L)
{
    const char *code = lua_pushfstring(L, "return %s;", lua_tostring(L, 1));
    int status = luaL_loadbuffer(L, code, strlen(code), "=stdin");
    if (status == LUA_OK)
        lua_remove(L, -2);
    else
        lua_pop(L, 2);
    return status;
}

/* The line at index 1 compiled as statements, reading more lines while it is unfinished.
 * Leaves the whole chunk at index 1 and the function or the error message above it. */
static int compile_statements(repl *r)
{
    lua_State *L = r->L;
    for (;;) {
        size_t len;
        const char *code = lua_tolstring(L, 1, &len);
        int status = luaL_loadbuffer(L, code, len, "=stdin");
        if (!is_unfinished(L, status))
            return status;
        int got = push_line(r, 0);
        if (got == LINE_EOF)
            return status;      /* report the "<eof>" error */
        if (got == LINE_CANCELLED)
            return INPUT_CANCELLED;
        lua_remove(L, -2);      /* the error message */
        lua_pushliteral(L, "\n");
        lua_insert(L, -2);
        lua_concat(L, 3);
    }
}

/* Leaves on the stack the compiled chunk (status LUA_OK) or an error message. */
static int load_input(repl *r)
{
    lua_State *L = r->L;
    lua_settop(L, 0);
    int got = push_line(r, 1);
    if (got != LINE_READ)
        return got == LINE_EOF ? INPUT_EOF : INPUT_CANCELLED;
    int status = compile_expression(L);
    if (status != LUA_OK)
        status = compile_statements(r);
    if (status == INPUT_CANCELLED)
        lua_settop(L, 0);
    else
        lua_remove(L, 1);
    return status;
}

/* Pushes field `name` of the Lua side of the REPL (lua/annarchy/repl.lua), or nil. */
static int push_helper(lua_State *L, const char *name)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, "annlua.repl") != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_pushnil(L);
        return LUA_TNIL;
    }
    int t = lua_getfield(L, -1, name);
    lua_remove(L, -2);
    return t;
}

static void print_results(lua_State *L)
{
    int n = lua_gettop(L);
    if (n == 0)
        return;
    luaL_checkstack(L, LUA_MINSTACK, "too many results to print");
    if (push_helper(L, "print") != LUA_TFUNCTION) { /* plain tables by their contents */
        lua_pop(L, 1);
        lua_getglobal(L, "print");
    }
    lua_insert(L, 1);
    if (lua_pcall(L, n, 0, 0) != LUA_OK)
        annh_message(NULL, lua_pushfstring(L, "error calling 'print' (%s)", lua_tostring(L, -1)));
}

/* ---- completion --------------------------------------------------------------------------- */

static lua_State *completion_L;

/* readline's generator: the state-th completion of text, asked of repl.complete(text). */
static char *completion(const char *text, int state)
{
    lua_State *L = completion_L;
    int top = lua_gettop(L);
    if (state == 0) {
        lua_pushnil(L);
        lua_setfield(L, LUA_REGISTRYINDEX, "annlua.completions");
        if (push_helper(L, "complete") != LUA_TFUNCTION) {
            lua_settop(L, top);
            return NULL;
        }
        lua_pushstring(L, text);
        if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
            lua_settop(L, top);
            return NULL;
        }
        lua_setfield(L, LUA_REGISTRYINDEX, "annlua.completions");
    }
    char *out = NULL;
    if (lua_getfield(L, LUA_REGISTRYINDEX, "annlua.completions") == LUA_TTABLE &&
        lua_geti(L, -1, state + 1) == LUA_TSTRING)
        out = strdup(lua_tostring(L, -1));
    lua_settop(L, top);
    return out;
}

static char **complete(const char *text, int start, int end)
{
    (void)start;
    (void)end;
    rl_attempted_completion_over = 1; /* no file names */
    rl_completion_append_character = '\0';
    return rl_completion_matches(text, completion);
}

/* ---- the loop ---------------------------------------------------------------------------- */

/* The Lua side of the REPL: printing, completion and the global help(). */
static void load_helpers(lua_State *L)
{
    lua_getglobal(L, "require");
    lua_pushliteral(L, "annarchy.repl");
    if (lua_pcall(L, 1, 1, 0) != LUA_OK || !lua_istable(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    lua_setfield(L, LUA_REGISTRYINDEX, "annlua.repl");
    if (push_helper(L, "setup") == LUA_TFUNCTION && lua_pcall(L, 0, 0, 0) == LUA_OK)
        return;
    lua_pop(L, 1);
}

static void load_annarchy(lua_State *L)
{
    if (lua_getglobal(L, "ann") != LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "annarchy");
    if (annh_call(L, 1, 1) == LUA_OK) {
        lua_setglobal(L, "ann");
        return;
    }
    /* One line: the first of the message, without the traceback or a list of paths. */
    const char *msg = lua_tostring(L, -1);
    if (msg == NULL)
        msg = "?";
    size_t len = strcspn(msg, "\n");
    while (len > 0 && (msg[len - 1] == ':' || msg[len - 1] == ' '))
        len--;
    lua_pushlstring(L, msg, len);
    annh_message(ANNH_PROGNAME,
                 lua_pushfstring(L, "warning: 'ann' is not set, require(\"annarchy\") failed: %s",
                                 lua_tostring(L, -1)));
    lua_pop(L, 3);
}

void annh_repl(lua_State *L)
{
    repl r = {.L = L, .tty = isatty(STDIN_FILENO), .history = NULL};
    if (r.tty) {
        rl_readline_name = "annlua";
        rl_getc_function = read_key;
        rl_catch_signals = 0;       /* read_key() handles the signals */
        rl_catch_sigwinch = 0;
        rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{(,+-*/%^#~[]}";
        rl_attempted_completion_function = complete;
        completion_L = L;
        history_open(&r);
    }
    load_annarchy(L);
    load_helpers(L);
    for (;;) {
        int status = load_input(&r);
        if (status == INPUT_EOF)
            break;
        if (status == INPUT_CANCELLED)
            continue;
        if (status == LUA_OK)
            status = annh_call(L, 0, LUA_MULTRET);
        if (status == LUA_OK)
            print_results(L);
        else
            annh_report(L, status, NULL);
    }
    lua_settop(L, 0);
    if (r.tty) {
        fputc('\n', stdout);
        fflush(stdout);
    }
    free(r.history);
}
