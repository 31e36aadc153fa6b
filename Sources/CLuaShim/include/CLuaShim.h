#ifndef CLUA_SHIM_H
#define CLUA_SHIM_H

#include <stddef.h>
#include <stdint.h>

/* Declared here rather than by including <lua.h> so that this module does not re-export
   Lua's headers; Swift sees the same opaque type from both CLua and CLuaShim. */
typedef struct lua_State lua_State;

/* A host (Swift) function called by the trampoline. Returns the number of results it pushed,
   or -1 after pushing an error message: the trampoline then raises the Lua error, once the
   host frame has returned, so a longjmp never crosses it. */
typedef int (*clua_host_function)(lua_State *L, void *context);

/* Why the count hook stopped the current run. */
enum {
    CLUA_STOP_NONE = 0,
    CLUA_STOP_BUDGET = 1,
    CLUA_STOP_DEADLINE = 2,
};

/* State lifecycle: a state whose allocator counts bytes and, while Lua code runs, refuses to
   go beyond memory_limit (0 = no limit). Returns NULL if the state cannot be created. */
lua_State *clua_newstate(size_t memory_limit);
void clua_close(lua_State *L);
size_t clua_memory_used(lua_State *L);

/* Opens the sandboxed standard library (see shim.c). Protected: returns a Lua status. */
int clua_open_sandbox(lua_State *L);

/* Limits of one run: budget in VM instructions (<= 0: none), timeout in nanoseconds of
   CLOCK_MONOTONIC (<= 0: none). The memory limit is enforced between begin and end. */
void clua_begin_run(lua_State *L, int64_t instruction_budget, int64_t timeout_ns);
/* Ends the run and returns CLUA_STOP_*. */
int clua_end_run(lua_State *L);
/* Nanoseconds left before the current run's deadline, or -1 if it has none. */
int64_t clua_remaining_ns(lua_State *L);

/* Loads a text chunk (binary chunks are refused) under the memory limit. */
int clua_load_text(lua_State *L, const char *text, size_t length, const char *chunk_name);

/* Pushes the message handler: it turns any error into a table
   { message, traceback, source, short_src, line } describing where it was raised. */
void clua_push_message_handler(lua_State *L);

/* Pushes a Lua function that calls fn(L, context). */
void clua_push_host_function(lua_State *L, clua_host_function fn, void *context);

/* Lua's function-like macros, which Swift cannot import. */
int clua_pcall(lua_State *L, int nargs, int nresults, int msgh);
void clua_pop(lua_State *L, int n);
void clua_insert(lua_State *L, int index);
void clua_remove(lua_State *L, int index);
void clua_newtable(lua_State *L);
void clua_pushglobaltable(lua_State *L);
const char *clua_tostring(lua_State *L, int index);
int clua_registryindex(void);
int clua_upvalueindex(int i);

#endif
