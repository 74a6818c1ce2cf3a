/* annlua: the lua5.4 command line with annarchy built in.
 *
 * Same options, same `arg` table, same LUA_INIT handling and exit statuses as lua5.4, so that
 * tools written for it (busted --lua=./annlua) run unchanged; on top of it the front end is
 * found without LUA_PATH, the core is linked in, kernels can be compiled by libtcc inside the
 * process, and a few long options look after the kernel cache. */
#include "annarchy.h"
#include "frontend.h"
#include "lua/lannarchy.h"
#include "repl.h"
#include "run.h"
#include "tcc_inproc.h"

#include <errno.h>
#include <limits.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef ANN_VERSION
#define ANN_VERSION "unknown"
#endif

enum action { RUN, SHOW_USAGE_ERROR, SHOW_HELP, SHOW_VERSION, CACHE_INFO, CACHE_CLEAR };

typedef struct cmdline {
    int argc;
    char **argv;
    enum action action;
    int script;             /* index of the script in argv; argc when there is none */
    int has_e, has_i, has_v, no_env;
    const char *bad;        /* the faulty option, for SHOW_USAGE_ERROR */
} cmdline;

static const char usage_text[] =
    "usage: " ANNH_PROGNAME " [options] [script [args]]\n"
    "Available options are:\n"
    "  -e stat   execute string 'stat'\n"
    "  -i        enter interactive mode after executing 'script'\n"
    "  -l mod    require library 'mod' into global 'mod'\n"
    "  -l g=mod  require library 'mod' into global 'g'\n"
    "  -v        show version information\n"
    "  -E        ignore environment variables\n"
    "  -W        turn warnings on\n"
    "  --        stop handling options\n"
    "  -         stop handling options and execute stdin\n"
    "  --cache        show the kernel cache's directory, entries and size, then exit\n"
    "  --cache-clear  empty the kernel cache, then exit\n"
    "  --version      show annlua's and Lua's versions, then exit\n"
    "  --help         show this help, then exit\n";

static void print_usage_error(const char *bad)
{
    if ((bad[1] == 'e' || bad[1] == 'l') && bad[2] == '\0')
        fprintf(stderr, "%s: '%s' needs argument\n", ANNH_PROGNAME, bad);
    else
        fprintf(stderr, "%s: unrecognized option '%s'\n", ANNH_PROGNAME, bad);
    fputs(usage_text, stderr);
    fflush(stderr);
}

static void print_banner(void)
{
    printf("%s %s (%s)\n", ANNH_PROGNAME, ANN_VERSION, LUA_COPYRIGHT);
    fflush(stdout);
}

/* ---- the command line -------------------------------------------------------------------- */

static enum action long_option(const char *opt)
{
    if (strcmp(opt, "--help") == 0)
        return SHOW_HELP;
    if (strcmp(opt, "--version") == 0)
        return SHOW_VERSION;
    if (strcmp(opt, "--cache") == 0)
        return CACHE_INFO;
    if (strcmp(opt, "--cache-clear") == 0)
        return CACHE_CLEAR;
    return SHOW_USAGE_ERROR;
}

/* Options end at the first argument that is not one, at "-" (the script is stdin) or after
 * "--". A long option other than "--" is a command of its own: it ends the parsing. */
static void parse(cmdline *c, int argc, char **argv)
{
    memset(c, 0, sizeof *c);
    c->argc = argc;
    c->argv = argv;
    c->action = RUN;
    int i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == '\0')
            break;
        if (a[1] == '-') {
            if (a[2] == '\0') {
                i++;
                break;
            }
            c->action = long_option(a);
            c->bad = a;
            return;
        }
        int alone = a[2] == '\0';
        switch (a[1]) {
        case 'E': c->no_env = 1; break;
        case 'W': break;
        case 'i': c->has_i = 1; break;
        case 'v': c->has_v = 1; break;
        case 'e':
        case 'l':
            c->has_e |= a[1] == 'e';
            alone = 1;
            if (a[2] == '\0' && (i + 1 >= argc || argv[i + 1][0] == '-')) {
                alone = 0;
                break;
            }
            if (a[2] == '\0')
                i++;
            break;
        default: alone = 0; break;
        }
        if (!alone) {
            c->action = SHOW_USAGE_ERROR;
            c->bad = a;
            return;
        }
    }
    c->script = i;
}

/* lua5.4's layout: arg[0] is the script, the interpreter and its options go below 0, the
 * script's arguments above. Without a script, arg[0] is the interpreter. */
static void create_arg_table(lua_State *L, const cmdline *c)
{
    int zero = c->script < c->argc ? c->script : 0;
    lua_createtable(L, c->argc - zero - 1 > 0 ? c->argc - zero - 1 : 0, zero + 1);
    for (int i = 0; i < c->argc; i++) {
        lua_pushstring(L, c->argv[i]);
        lua_rawseti(L, -2, (lua_Integer)i - zero);
    }
    lua_setglobal(L, "arg");
}

/* ---- running what the command line asks -------------------------------------------------- */

static int run_lua_init(lua_State *L)
{
    const char *name = "=LUA_INIT_" LUA_VERSION_MAJOR "_" LUA_VERSION_MINOR;
    const char *init = getenv(name + 1);
    if (init == NULL) {
        name = "=LUA_INIT";
        init = getenv(name + 1);
    }
    if (init == NULL)
        return LUA_OK;
    if (init[0] == '@')
        return annh_run_file(L, init + 1, ANNH_PROGNAME);
    return annh_run_string(L, init, name, ANNH_PROGNAME);
}

/* -l mod sets the global mod; -l g=mod sets the global g. */
static int require_into_global(lua_State *L, const char *spec)
{
    const char *eq = strchr(spec, '=');
    const char *module = eq != NULL ? eq + 1 : spec;
    if (eq != NULL)
        lua_pushlstring(L, spec, (size_t)(eq - spec));
    else
        lua_pushstring(L, spec);
    lua_getglobal(L, "require");
    lua_pushstring(L, module);
    int status = annh_call(L, 1, 1);
    if (status == LUA_OK)
        lua_setglobal(L, lua_tostring(L, -2));
    else
        annh_report(L, status, ANNH_PROGNAME);
    lua_pop(L, 1);
    return status;
}

/* -e, -l and -W, in the order given. */
static int run_options(lua_State *L, const cmdline *c)
{
    for (int i = 1; i < c->script; i++) {
        const char *a = c->argv[i];
        if (a[0] != '-' || a[1] == '-')
            continue;   /* "--" */
        if (a[1] == 'W') {
            lua_warning(L, "@on", 0);
            continue;
        }
        if (a[1] != 'e' && a[1] != 'l')
            continue;
        const char *value = a[2] != '\0' ? a + 2 : c->argv[++i];
        int status = a[1] == 'e' ? annh_run_string(L, value, "=(command line)", ANNH_PROGNAME)
                                 : require_into_global(L, value);
        if (status != LUA_OK)
            return status;
    }
    return LUA_OK;
}

/* The main chunk receives arg[1], ..., arg[#arg] of the global `arg` as it is now (an -e may
 * have changed it). */
static int push_script_args(lua_State *L)
{
    if (lua_getglobal(L, "arg") != LUA_TTABLE)
        luaL_error(L, "'arg' is not a table");
    int n = (int)luaL_len(L, -1);
    luaL_checkstack(L, n + 3, "too many arguments to script");
    for (int i = 1; i <= n; i++)
        lua_rawgeti(L, -i, i);
    lua_remove(L, -n - 1);
    return n;
}

static int run_script(lua_State *L, const cmdline *c)
{
    const char *fname = c->argv[c->script];
    /* "-" is stdin, unless it came after "--". */
    if (strcmp(fname, "-") == 0 && strcmp(c->argv[c->script - 1], "--") != 0)
        fname = NULL;
    int status = luaL_loadfile(L, fname);
    if (status == LUA_OK) {
        int n = push_script_args(L);
        status = annh_call(L, n, LUA_MULTRET);
    }
    return annh_report(L, status, ANNH_PROGNAME);
}

/* Runs inside a protected call, so that an error raised here (memory) is reported too.
 * Returns true when everything ran without error. */
static int protected_main(lua_State *L)
{
    const cmdline *c = lua_touserdata(L, 1);
    luaL_checkversion(L);
    /* -i implies -v, but a banner in piped output only gets in the way. */
    if (c->has_v || (c->has_i && isatty(STDIN_FILENO)))
        print_banner();
    if (c->no_env) {
        /* The package library reads this and ignores LUA_PATH and LUA_CPATH. */
        lua_pushboolean(L, 1);
        lua_setfield(L, LUA_REGISTRYINDEX, "LUA_NOENV");
    }
    luaL_openlibs(L);
    char dir[PATH_MAX];
    annh_open_frontend(L, annh_frontend_dir(dir, sizeof dir) == 0 ? dir : NULL,
                       luaopen_annarchy_core);
    create_arg_table(L, c);
    lua_gc(L, LUA_GCRESTART);
    lua_gc(L, LUA_GCGEN, 0, 0);

    int ok = (c->no_env || run_lua_init(L) == LUA_OK) && run_options(L, c) == LUA_OK
             && (c->script >= c->argc || run_script(L, c) == LUA_OK);
    if (ok) {
        if (c->has_i) {
            annh_repl(L);
        } else if (c->script >= c->argc && !c->has_e && !c->has_v) {
            if (isatty(STDIN_FILENO)) {
                print_banner();
                annh_repl(L);
            } else {
                ok = annh_run_file(L, NULL, ANNH_PROGNAME) == LUA_OK;
            }
        }
    }
    lua_pushboolean(L, ok);
    return 1;
}

static int run_lua(cmdline *c)
{
    lua_State *L = luaL_newstate();
    if (L == NULL) {
        annh_message(ANNH_PROGNAME, "cannot create state: not enough memory");
        return EXIT_FAILURE;
    }
    lua_gc(L, LUA_GCSTOP);  /* until the libraries are open */
    lua_pushcfunction(L, protected_main);
    lua_pushlightuserdata(L, c);
    int status = lua_pcall(L, 1, 1, 0);
    int ok = status == LUA_OK && lua_toboolean(L, -1);
    annh_report(L, status, ANNH_PROGNAME);
    lua_close(L);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* ---- the kernel cache -------------------------------------------------------------------- */

static void print_size(long long bytes)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) {
        printf("%lld bytes", bytes);
        return;
    }
    double v = (double)bytes;
    int u = -1;
    while (v >= 1024.0 && u < 3) {
        v /= 1024.0;
        u++;
    }
    printf("%.1f %s (%lld bytes)", v, units[u], bytes);
}

/* The core reports no message for the cache: the directory and errno say what went wrong. */
static void cache_failure(const char *what, const char *dir)
{
    if (errno != 0)
        fprintf(stderr, "%s: cannot %s %s: %s\n", ANNH_PROGNAME, what, dir, strerror(errno));
    else
        fprintf(stderr, "%s: cannot %s %s\n", ANNH_PROGNAME, what, dir);
}

static void cache_name(char *dir, size_t size)
{
    if (ann_cache_dir(dir, size) != 0)
        snprintf(dir, size, "the kernel cache (directory name too long)");
}

static int cache_info(void)
{
    char dir[4096];
    long entries = 0;
    long long bytes = 0;
    errno = 0;
    if (ann_cache_info(dir, sizeof dir, &entries, &bytes) != 0) {
        cache_name(dir, sizeof dir);
        cache_failure("read", dir);
        return EXIT_FAILURE;
    }
    printf("kernel cache: %s\nentries: %ld\nsize: ", dir, entries);
    print_size(bytes);
    putchar('\n');
    return EXIT_SUCCESS;
}

static int cache_clear(void)
{
    char dir[4096];
    long removed = 0;
    cache_name(dir, sizeof dir);
    errno = 0;
    if (ann_cache_clear(&removed) != 0) {
        cache_failure("empty", dir);
        return EXIT_FAILURE;
    }
    printf("removed %ld %s from %s\n", removed, removed == 1 ? "entry" : "entries", dir);
    return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
    static char *no_args[] = {NULL};
    cmdline c;
    if (argc < 1 || argv[0] == NULL) {
        argc = 0;
        argv = no_args;
    }
    parse(&c, argc, argv);
    switch (c.action) {
    case SHOW_USAGE_ERROR:
        print_usage_error(c.bad);
        return EXIT_FAILURE;
    case SHOW_HELP:
        fputs(usage_text, stdout);
        return EXIT_SUCCESS;
    case SHOW_VERSION:
        printf("%s %s (%s)\n", ANNH_PROGNAME, ANN_VERSION, LUA_RELEASE);
        return EXIT_SUCCESS;
    case CACHE_INFO:
        return cache_info();
    case CACHE_CLEAR:
        return cache_clear();
    case RUN:
        break;
    }
    ann_host_register_tcc();
    int rc = run_lua(&c);
    /* under mpirun, a failing process stops the others, which may be waiting for it */
    if (rc != EXIT_SUCCESS && ann_mpi_size() > 1) ann_mpi_abort(rc);
    return rc;
}
