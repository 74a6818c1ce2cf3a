/* The interactive loop of annlua: reads statements or expressions, runs them, prints the
 * values of expressions. */
#ifndef ANN_HOST_REPL_H
#define ANN_HOST_REPL_H

#include <lua.h>

/* Runs the loop until end of input. On a terminal it uses readline, with history kept in
 * ~/.annlua_history; otherwise it reads plain lines and prints no prompt. Sets the global
 * `ann` to require("annarchy") first unless `ann` already has a value. Errors in what is typed
 * are reported and do not end the loop. */
void annh_repl(lua_State *L);

#endif
