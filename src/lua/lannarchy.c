/* luaopen_annarchy_core: the table returned by require("annarchy.core"). */
#include "lannarchy.h"
#include "annarchy.h"

#include <lauxlib.h>
#include <stdio.h>

/* The core's log (the compiler it falls back to, cache decisions when verbose) goes to stderr
 * as the host's own messages. */
static void log_stderr(void *user, const char *msg)
{
    (void)user;
    fprintf(stderr, "annlua: %s\n", msg);
}

int luaopen_annarchy_core(lua_State *L)
{
    ann_set_log(log_stderr, NULL);
    return annl_open_core(L);
}

int annl_open_core(lua_State *L)
{
    lua_newtable(L);
    annl_open_array(L);
    annl_open_random(L);
    annl_open_jit(L);
    annl_open_network(L);
    annl_open_connect(L);
    annl_open_projection(L);
    annl_open_state(L);
    annl_open_image(L);
    annl_open_zip(L);
    annl_open_extensions(L);
    annl_open_tty(L);
    annl_open_child(L);
    return 1;
}
