/* Helpers shared by the binding files, and the one layout of the handles on network objects. */
#ifndef ANN_LUA_LBIND_H
#define ANN_LUA_LBIND_H

#include "annarchy.h"

#include <lua.h>
#include <lauxlib.h>

#define ANNL_NETWORK_MT "annarchy.core.Network"

/* The network userdata. net is NULL once destroyed (rt:destroy() or __gc). */
typedef struct annl_net {
    ann_network *net;
} annl_net;

/* A handle on an object the network owns (a monitor, a projection recorder). Its user value 1
 * is the network userdata, so `owner` stays valid as long as the handle; the handle frees the
 * object only while the network is alive, since ann_network_free frees it otherwise. obj is
 * NULL once freed. */
typedef struct annl_owned {
    void     *obj;
    annl_net *owner;
} annl_owned;

/* Raises st->msg as a Lua error (no position prefix). Never returns. */
int annl_raise(lua_State *L, const ann_status *st);
/* The same for a failure of the network runtime or the compiler, with the "annarchy: " prefix
 * that the front end's messages carry. */
int annl_raise_core(lua_State *L, const ann_status *st);
/* The kernel module at idx (ljit.c). */
const ann_module *annl_module_check(lua_State *L, int idx);

/* The live network of the userdata at idx; an error once it was destroyed (lnetwork.c). */
ann_network *annl_net_check(lua_State *L, int idx);
/* Pushes a handle of metatable mt on an object of the network at net_idx (obj NULL: set it
 * after the creating call, so that a failed creation leaves a harmless handle). */
annl_owned *annl_owned_push(lua_State *L, int net_idx, const char *mt);
/* The handle at idx with a live object and a live network; an error naming `what` otherwise. */
annl_owned *annl_owned_check(lua_State *L, int idx, const char *mt, const char *what);
/* Detaches the object from the handle at idx: returns it when the caller must free it (the
 * network is alive), NULL when there is nothing to free. */
void *annl_owned_release(lua_State *L, int idx, const char *mt);

/* Field k of the table at t: a number (def when nil), a boolean, or a list of integers or
 * numbers (an Array or a table) in a userdata left in the field's stack slot until the
 * caller returns (NULL and *n = 0 when nil). */
lua_Number annl_field_num(lua_State *L, int t, const char *k, lua_Number def);
int annl_field_bool(lua_State *L, int t, const char *k);
int32_t *annl_field_i32_list(lua_State *L, int t, const char *k, int32_t *n);
double *annl_field_f64_list(lua_State *L, int t, const char *k, int64_t *n);

/* Creates the metatable mt (unless it exists): __index a table of the methods (none when
 * NULL), __gc gc. Leaves the metatable on the stack for further fields. */
void annl_new_class(lua_State *L, const char *mt, const luaL_Reg *methods, lua_CFunction gc);

/* Adds methods to the network runtime (the __index table of ANNL_NETWORK_MT, created by
 * annl_open_network first). */
void annl_add_runtime_methods(lua_State *L, const luaL_Reg *methods);

/* Pushes an attribute value as its type reads in Lua: a boolean, an integer or a number. */
void annl_push_value(lua_State *L, double v, int32_t type);

/* Gives the core the names of population (proj 0) or projection (proj 1) id: the string at
 * name_idx and the "name" fields of the attribute tables listed at attrs_idx. Nothing when the
 * value at name_idx is nil (a runtime built without names). */
void annl_set_names(lua_State *L, ann_network *net, int proj, int id, int name_idx, int attrs_idx);

/* The Connectivity userdata at idx (lconnect.c). */
ann_csr *annl_csr_check(lua_State *L, int idx);

#endif
