#include "CLuaShim.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How often the count hook runs. Small enough to notice a deadline within microseconds,
   large enough that the hook costs nothing measurable. */
enum { CLUA_HOOK_INTERVAL = 1000 };

/* Everything the allocator and the hook need, reachable from any coroutine: the allocator
   gets it as its userdata, the hook through lua_getextraspace (which every new thread copies
   from the main thread). */
typedef struct clua_context {
    size_t used;
    size_t limit;
    int enforce;        /* refuse growth beyond `limit` (only while Lua code runs) */
    int armed;          /* a run is in progress */
    int stop;           /* CLUA_STOP_* of the current run */
    int64_t budget;
    int64_t executed;
    int64_t deadline_ns;
    lua_State *main;
} clua_context;

static clua_context *context_of(lua_State *L) {
    return *(clua_context **)lua_getextraspace(L);
}

static int64_t monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* ---- memory ---------------------------------------------------------------------------- */

static void *clua_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    clua_context *c = ud;
    size_t old = ptr != NULL ? osize : 0; /* with ptr == NULL, osize is a type tag */
    if (nsize == 0) {
        free(ptr);
        c->used -= old;
        return NULL;
    }
    /* Lua answers NULL with an emergency collection, then a catchable memory error. Outside
       runs nothing is refused: host code pushes values unprotected, where an error would
       abort the process. */
    if (nsize > old && c->enforce && c->limit > 0 && c->used - old + nsize > c->limit) {
        return NULL;
    }
    void *block = realloc(ptr, nsize);
    if (block == NULL) {
        return NULL;
    }
    c->used = c->used - old + nsize;
    return block;
}

static int clua_panic(lua_State *L) {
    const char *message = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(not a string)";
    fprintf(stderr, "unprotected Lua error: %s\n", message);
    fflush(stderr);
    return 0; /* Lua aborts */
}

lua_State *clua_newstate(size_t memory_limit) {
    clua_context *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return NULL;
    }
    c->limit = memory_limit;
    lua_State *L = lua_newstate(clua_alloc, c);
    if (L == NULL) {
        free(c);
        return NULL;
    }
    *(clua_context **)lua_getextraspace(L) = c;
    c->main = L;
    lua_atpanic(L, clua_panic);
    return L;
}

void clua_close(lua_State *L) {
    clua_context *c = context_of(L);
    lua_close(L); /* still allocates through c */
    free(c);
}

size_t clua_memory_used(lua_State *L) {
    return context_of(L)->used;
}

/* ---- instruction budget and deadline ---------------------------------------------------- */

static void clua_count_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    clua_context *c = context_of(L);
    if (!c->armed) {
        return;
    }
    if (c->stop == CLUA_STOP_NONE) {
        c->executed += lua_gethookcount(L);
        if (c->budget > 0 && c->executed >= c->budget) {
            c->stop = CLUA_STOP_BUDGET;
        } else if (c->deadline_ns > 0 && monotonic_ns() >= c->deadline_ns) {
            c->stop = CLUA_STOP_DEADLINE;
        } else {
            return;
        }
        /* From now on trap every instruction, here and in the main thread: a script that
           catches the error with pcall (or in a coroutine) fails again at its next
           instruction, so the error always reaches the host. */
        lua_sethook(c->main, clua_count_hook, LUA_MASKCOUNT, 1);
        if (L != c->main) {
            lua_sethook(L, clua_count_hook, LUA_MASKCOUNT, 1);
        }
    }
    luaL_where(L, 0); /* inside a hook, level 0 is the interrupted function */
    lua_pushstring(L, c->stop == CLUA_STOP_BUDGET ? "instruction budget exhausted" : "deadline exceeded");
    lua_concat(L, 2);
    lua_error(L);
}

void clua_begin_run(lua_State *L, int64_t instruction_budget, int64_t timeout_ns) {
    clua_context *c = context_of(L);
    c->armed = 1;
    c->stop = CLUA_STOP_NONE;
    c->executed = 0;
    c->budget = instruction_budget > 0 ? instruction_budget : 0;
    c->deadline_ns = 0;
    if (timeout_ns > 0) {
        int64_t now = monotonic_ns();
        c->deadline_ns = timeout_ns < INT64_MAX - now ? now + timeout_ns : 0;
    }
    c->enforce = 1;
    int interval = c->budget > 0 && c->budget < CLUA_HOOK_INTERVAL ? (int)c->budget : CLUA_HOOK_INTERVAL;
    lua_sethook(L, clua_count_hook, LUA_MASKCOUNT, interval);
}

int clua_end_run(lua_State *L) {
    clua_context *c = context_of(L);
    c->armed = 0;
    c->enforce = 0;
    lua_sethook(L, NULL, 0, 0);
    return c->stop;
}

int64_t clua_remaining_ns(lua_State *L) {
    clua_context *c = context_of(L);
    if (!c->armed || c->deadline_ns == 0) {
        return -1;
    }
    int64_t left = c->deadline_ns - monotonic_ns();
    return left > 0 ? left : 0;
}

/* ---- loading and errors ----------------------------------------------------------------- */

int clua_load_text(lua_State *L, const char *text, size_t length, const char *chunk_name) {
    clua_context *c = context_of(L);
    c->enforce = 1; /* lua_load is protected: a refusal becomes LUA_ERRMEM */
    int status = luaL_loadbufferx(L, text, length, chunk_name, "t");
    c->enforce = 0;
    return status;
}

static int clua_message_handler(lua_State *L) {
    const char *message;
    int type = lua_type(L, 1);
    if (type == LUA_TSTRING || type == LUA_TNUMBER) {
        message = lua_tostring(L, 1);
    } else if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
        message = lua_tostring(L, -1);
    } else {
        message = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    lua_createtable(L, 0, 5);
    lua_pushstring(L, message);
    lua_setfield(L, -2, "message");
    luaL_traceback(L, L, NULL, 1);
    lua_setfield(L, -2, "traceback");
    /* The innermost Lua function: the message's own "file:line:" prefix is truncated for
       long paths, `source` is not. */
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            lua_pushstring(L, ar.source);
            lua_setfield(L, -2, "source");
            lua_pushstring(L, ar.short_src);
            lua_setfield(L, -2, "short_src");
            lua_pushinteger(L, ar.currentline);
            lua_setfield(L, -2, "line");
            break;
        }
    }
    return 1;
}

void clua_push_message_handler(lua_State *L) {
    lua_pushcfunction(L, clua_message_handler);
}

/* ---- host functions --------------------------------------------------------------------- */

static int clua_trampoline(lua_State *L) {
    /* POSIX guarantees function pointers survive a round trip through void *. */
    clua_host_function fn = (clua_host_function)(uintptr_t)lua_touserdata(L, lua_upvalueindex(1));
    void *context = lua_touserdata(L, lua_upvalueindex(2));
    clua_context *c = context_of(L);
    int enforced = c->enforce;
    c->enforce = 0; /* the host pushes results unprotected; see clua_alloc */
    int results = fn(L, context);
    c->enforce = enforced;
    if (results >= 0) {
        return results;
    }
    luaL_where(L, 1);
    lua_insert(L, -2);
    lua_concat(L, 2);
    return lua_error(L);
}

void clua_push_host_function(lua_State *L, clua_host_function fn, void *context) {
    lua_pushlightuserdata(L, (void *)(uintptr_t)fn);
    lua_pushlightuserdata(L, context);
    lua_pushcclosure(L, clua_trampoline, 2);
}

/* ---- sandbox ---------------------------------------------------------------------------- */

/* load(chunk [, chunkname [, mode [, env]]]) with the mode forced to "t". */
static int sandbox_load(lua_State *L) {
    int nargs = lua_gettop(L);
    if (nargs < 3) {
        lua_settop(L, 3); /* keeps `env` absent, which load distinguishes from nil */
    }
    lua_pushliteral(L, "t");
    lua_replace(L, 3);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* setmetatable refusing __gc: finalizers run with debug hooks disabled (and at lua_close),
   so a finalizer looping forever could never be stopped. An object is only marked for
   finalization if its metatable has __gc when it is set, so checking here is sufficient. */
static int sandbox_setmetatable(lua_State *L) {
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        int has_gc = lua_rawget(L, 2) != LUA_TNIL;
        lua_pop(L, 1);
        if (has_gc) {
            return luaL_error(L, "__gc metamethods are not allowed");
        }
    }
    lua_settop(L, 2);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 2, 1);
    return 1;
}

static void wrap_global(lua_State *L, const char *name, lua_CFunction wrapper) {
    lua_getglobal(L, name);
    lua_pushcclosure(L, wrapper, 1);
    lua_setglobal(L, name);
}

static void remove_field(lua_State *L, const char *table, const char *field) {
    lua_getglobal(L, table);
    lua_pushnil(L);
    lua_setfield(L, -2, field);
    lua_pop(L, 1);
}

static int open_sandbox(lua_State *L) {
    static const luaL_Reg libraries[] = {
        {LUA_GNAME, luaopen_base},
        {LUA_STRLIBNAME, luaopen_string},
        {LUA_TABLIBNAME, luaopen_table},
        {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8},
        {LUA_COLIBNAME, luaopen_coroutine},
        {NULL, NULL},
    };
    for (const luaL_Reg *library = libraries; library->func != NULL; library++) {
        luaL_requiref(L, library->name, library->func, 1);
        lua_pop(L, 1);
    }

    /* os: only the clock and calendar functions, copied out of a table nobody else sees. */
    static const char *const os_kept[] = {"time", "clock", "date", "difftime", NULL};
    lua_pushcfunction(L, luaopen_os);
    lua_call(L, 0, 1);
    lua_newtable(L);
    for (const char *const *name = os_kept; *name != NULL; name++) {
        lua_getfield(L, -2, *name);
        lua_setfield(L, -2, *name);
    }
    lua_setglobal(L, LUA_OSLIBNAME);
    lua_pop(L, 1);

    lua_pushnil(L);
    lua_setglobal(L, "dofile");
    lua_pushnil(L);
    lua_setglobal(L, "loadfile");
    remove_field(L, LUA_STRLIBNAME, "dump"); /* bytecode is never loadable here anyway */
    wrap_global(L, "load", sandbox_load);
    wrap_global(L, "setmetatable", sandbox_setmetatable);
    return 0;
}

int clua_open_sandbox(lua_State *L) {
    lua_pushcfunction(L, open_sandbox);
    return lua_pcall(L, 0, 0, 0);
}

/* ---- macros ----------------------------------------------------------------------------- */

int clua_pcall(lua_State *L, int nargs, int nresults, int msgh) {
    return lua_pcall(L, nargs, nresults, msgh);
}

void clua_pop(lua_State *L, int n) {
    lua_pop(L, n);
}

void clua_insert(lua_State *L, int index) {
    lua_insert(L, index);
}

void clua_remove(lua_State *L, int index) {
    lua_remove(L, index);
}

void clua_newtable(lua_State *L) {
    lua_newtable(L);
}

void clua_pushglobaltable(lua_State *L) {
    lua_pushglobaltable(L);
}

const char *clua_tostring(lua_State *L, int index) {
    return lua_tostring(L, index);
}

int clua_registryindex(void) {
    return LUA_REGISTRYINDEX;
}

int clua_upvalueindex(int i) {
    return lua_upvalueindex(i);
}
