/* The Lua 5.4 binding of the annarchy core: the only C code that includes Lua headers.
 * luaopen_annarchy_core() builds one table and lets each part add its functions to it. */
#ifndef ANN_LUA_LANNARCHY_H
#define ANN_LUA_LANNARCHY_H

#include <lua.h>

/* The one symbol the Lua module exports (its other functions are hidden). */
#if defined(__GNUC__)
__attribute__((visibility("default")))
#endif
int luaopen_annarchy_core(lua_State *L);

/* The same table without setting the core's log callback, for an embedding host whose
 * program owns the log. */
int annl_open_core(lua_State *L);

/* The registry field an embedding host sets to true: the binding then installs no signal
 * handler (a run is not turned into Ctrl-C's target). */
#define ANNL_EMBEDDED_KEY "annarchy.embedded"

/* Each adds its functions and metatables to the table on top of the stack. */
void annl_open_array(lua_State *L);    /* larray.c: ann.Array userdata */
void annl_open_random(lua_State *L);   /* lrandom.c: host-side distributions */
void annl_open_jit(lua_State *L);      /* ljit.c: compile, cache */
void annl_open_network(lua_State *L);  /* lnetwork.c: the runtime */
void annl_open_connect(lua_State *L);  /* lconnect.c: connectors */
void annl_open_projection(lua_State *L); /* lprojection.c: projections, recorders (after network) */
void annl_open_state(lua_State *L);    /* lstate.c: dynamic state of populations, projections */
void annl_open_image(lua_State *L);    /* limage.c: image decoding, video sources */
void annl_open_zip(lua_State *L);      /* lzip.c: zip archives (libzip), for .npz files */
void annl_open_extensions(lua_State *L); /* lextensions.c: Logger and ANN-to-SNN (lextensions.h) */
void annl_open_tty(lua_State *L);      /* ltty.c: isatty for the progress bar */
void annl_open_child(lua_State *L);    /* lchild.c: child processes (net:parallel_run) */

#endif
