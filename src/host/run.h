/* Running Lua code from the host: protected calls that add a traceback to errors and that
 * Ctrl-C interrupts, and the reporting of their errors on stderr. */
#ifndef ANN_HOST_RUN_H
#define ANN_HOST_RUN_H

#include <lua.h>

/* The name that prefixes the host's own messages ("annlua: ..."). */
#define ANNH_PROGNAME "annlua"

/* Calls the function under its narg arguments on top of the stack, as lua_pcall does, with a
 * traceback appended to a failure message and SIGINT turned into a Lua error
 * ("interrupted!") while it runs. Returns the lua_pcall status. */
int annh_call(lua_State *L, int narg, int nres);

/* On failure, writes "progname: message" (just the message when progname is NULL) to stderr
 * and pops the message. Returns status unchanged. */
int annh_report(lua_State *L, int status, const char *progname);

/* Writes one line to stderr: "progname: msg", or just msg when progname is NULL. */
void annh_message(const char *progname, const char *msg);

/* Loads and runs a string, or a file (stdin when fname is NULL); reports failures with
 * progname. Returns the status. */
int annh_run_string(lua_State *L, const char *s, const char *chunkname, const char *progname);
int annh_run_file(lua_State *L, const char *fname, const char *progname);

#endif
