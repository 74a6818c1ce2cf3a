/* annlua.h — the embedding library: the Lua 5.4 front end of annlua inside a C program.
 *
 * A host program (a game, a robot controller) opens a host, runs a model script that builds
 * and compiles a network, takes the network by name, and from then on drives it with the
 * core API of annarchy.h alone (ann_network_step, ann_population_data, ...): no Lua runs
 * between frames unless the program asks for it.
 *
 *     ann_status st;
 *     annlua_host *h = annlua_open(NULL, &st);
 *     if (!h || annlua_run_file(h, "model.lua", 0, NULL, &st)) { puts(st.msg); ... }
 *     ann_network *net = annlua_network(h, "net", &st);     // pinned by the host
 *     ... per frame: write inputs through ann_population_data, ann_network_simulate(net, 10, &st),
 *         read outputs ...
 *     annlua_close(h);                                      // frees the networks
 *
 * Ownership. A network belongs to the Lua side (the front end's Network object and its
 * runtime). annlua_network pins the runtime in the host, so that the ann_network stays alive
 * and valid even when the script drops the network; annlua_release unpins it, after
 * which Lua may free it at any time, and annlua_close frees every network of the host. A
 * handle used after that is refused ("not a live network") by the checked functions of
 * annarchy.h. Never call ann_network_free on a network the host gave out.
 *
 * Errors. Every function that can fail takes an ann_status * last (NULL accepted) and returns
 * non-zero or NULL on failure; the message is also kept on the host (annlua_error). Errors of
 * a model script carry the Lua traceback.
 *
 * Nothing aborts the program, and the library prints nothing and installs no signal handler
 * (Lua code that prints, such as the model script, prints as under annlua; the core's log
 * callback stays what the program set with ann_set_log, silent by default).
 *
 * Threads. A host is one Lua state: use it from one thread at a time. Several hosts may live
 * in one process, each on its own thread; a network taken from a host may be stepped on
 * another thread as long as the host runs no Lua code on that network meanwhile.
 *
 * Linking. The library carries the core, the Lua binding and the front end's search, and is
 * linked with the system's liblua5.4: `cc prog.c $(pkg-config --cflags --libs annlua)`.
 * It cannot be loaded into a LuaJIT process (both define Lua's C API under the same names): a
 * LuaJIT program uses require("annarchy") over the FFI runtime instead.
 *
 * Valid input for LuaJIT's ffi.cdef after annarchy.h once the preprocessor lines are removed. */
#ifndef ANNLUA_H
#define ANNLUA_H

#include "annarchy.h"

#if defined(__GNUC__) && defined(ANN_BUILDING_LIBRARY)
#pragma GCC visibility push(default)
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct annlua_host annlua_host;

/* Opens a host: a Lua 5.4 state with the standard libraries and the front end, found in
 * frontend_dir (the directory holding annarchy/init.lua), or when NULL beside the library
 * (../share/lua/5.4 of an installation) or in the source tree it was built from. NULL on
 * failure. */
annlua_host *annlua_open(const char *frontend_dir, ann_status *st);

/* Closes the Lua state: every network of the host is freed. NULL is accepted. */
void annlua_close(annlua_host *h);

/* Runs a model script file with nargs string arguments (its `...`, as on annlua's command
 * line), or a string (chunkname names it in messages; NULL: "=string"). What the chunk
 * returns is kept for annlua_network. */
int annlua_run_file(annlua_host *h, const char *path, int32_t nargs, const char *const *args,
                    ann_status *st);
int annlua_run_string(annlua_host *h, const char *code, const char *chunkname, ann_status *st);

/* The compiled network the scripts built: name NULL, the network created last; otherwise the
 * field `name` of the table the last chunk returned, or the global `name`. The network is
 * pinned (see Ownership); asking twice gives the same pointer. NULL with the reason (no such
 * network, not a network, not compiled) on failure. */
ann_network *annlua_network(annlua_host *h, const char *name, ann_status *st);

/* Unpins a network given by annlua_network: the host no longer keeps it alive. */
int annlua_release(annlua_host *h, ann_network *net, ann_status *st);

/* The message of the host's last failure ("" if none). */
const char *annlua_error(const annlua_host *h);

#ifdef __cplusplus
}
#endif

#if defined(__GNUC__) && defined(ANN_BUILDING_LIBRARY)
#pragma GCC visibility pop
#endif

#endif
