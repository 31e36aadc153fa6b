#include "CLuaShim.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
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

/* ---- string library guards --------------------------------------------------------------

   The count hook cannot interrupt a C function, and Lua's pattern matcher backtracks: a
   pattern with k repetition items can take about n^(k+1) steps on a subject of n bytes
   (`string.rep("a",3e5):find(".-b")`, `s:find(("a?"):rep(30)..("a"):rep(30))`). So every
   pattern function first bounds the matcher's work from the pattern and the subject, and
   refuses the call (a catchable error) when the bound passes CLUA_PATTERN_BUDGET.

   The bound: start positions (1 when anchored with '^', else n+1) times, per item, the
   number of ways it can match: 2 for '?'; for '*', '+' and '-', one more than the longest
   run of subject bytes its class matches (`[^\n]+` over lines: the longest line; `.-`: n);
   n+1 for %b and back-references. No backtracking search can try more combinations.
   Plain searches (no special character, or find's `plain` flag) are linear and always run. */
#define CLUA_PATTERN_BUDGET 4294967296.0

static int has_specials(const char *p, size_t lp) {
    for (size_t i = 0; i < lp; i++) {
        if (p[i] != '\0' && strchr("^$*+?.([%-", p[i]) != NULL) {
            return 1;
        }
    }
    return 0;
}

/* Whether byte c is in the class letter `cl` (%a, %d, ...; upper case: the complement). */
static int class_matches(int c, int cl) {
    int res;
    switch (tolower(cl)) {
    case 'a': res = isalpha(c); break;
    case 'c': res = iscntrl(c); break;
    case 'd': res = isdigit(c); break;
    case 'g': res = isgraph(c); break;
    case 'l': res = islower(c); break;
    case 'p': res = ispunct(c); break;
    case 's': res = isspace(c); break;
    case 'u': res = isupper(c); break;
    case 'w': res = isalnum(c); break;
    case 'x': res = isxdigit(c); break;
    default: return cl == c;
    }
    return islower(cl) ? res != 0 : res == 0;
}

/* Whether byte c is in the set from `p` ('[') to `close` (its ']'). */
static int set_matches(int c, const char *p, const char *close) {
    int in = 1;
    p++;
    if (*p == '^') {
        in = 0;
        p++;
    }
    while (p < close) {
        if (*p == '%' && p + 1 < close) {
            if (class_matches(c, (unsigned char)p[1])) {
                return in;
            }
            p += 2;
        } else if (p + 2 < close && p[1] == '-') {
            if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2]) {
                return in;
            }
            p += 3;
        } else {
            if ((unsigned char)*p == c) {
                return in;
            }
            p++;
        }
    }
    return !in;
}

/* Whether byte c matches the single-character item from `p` to `end` (exclusive). */
static int item_matches(int c, const char *p, const char *end) {
    switch (*p) {
    case '.': return 1;
    case '%': return class_matches(c, (unsigned char)p[1]);
    case '[': return set_matches(c, p, end - 1);
    default: return (unsigned char)*p == c;
    }
}

/* The longest run of subject bytes the item matches. */
static size_t longest_run(const char *s, size_t n, const char *p, const char *end) {
    size_t longest = 0, run = 0;
    for (size_t i = 0; i < n; i++) {
        run = item_matches((unsigned char)s[i], p, end) ? run + 1 : 0;
        if (run > longest) {
            longest = run;
        }
    }
    return longest;
}

/* The bound described above; 0 for a malformed pattern (the real function reports it). */
static double pattern_cost(const char *p, size_t lp, const char *s, size_t n, int anchors) {
    double subject = (double)n + 1.0;
    size_t i = 0;
    double cost = subject;
    if (anchors && lp > 0 && p[0] == '^') {
        cost = 1.0;
        i = 1;
    }
    while (i < lp) {
        char c = p[i];
        size_t end;
        if (c == '(' || c == ')') {
            i++;
            continue;
        }
        if (c == '$' && i + 1 == lp) {
            break;
        }
        if (c == '%') {
            if (i + 1 >= lp) {
                return 0;
            }
            char e = p[i + 1];
            if (e == 'b') {
                cost *= subject;
                i += 4;
                continue;
            }
            if (e == 'f') {
                i += 2; /* the set that follows is tested once per position */
                continue;
            }
            if (e >= '0' && e <= '9') {
                cost *= subject;
            }
            end = i + 2;
        } else if (c == '[') {
            size_t j = i + 1;
            if (j < lp && p[j] == '^') {
                j++;
            }
            do { /* as Lua reads a set: its first character is always a member */
                if (j >= lp) {
                    return 0;
                }
                if (p[j++] == '%' && j < lp) {
                    j++;
                }
            } while (j < lp && p[j] != ']');
            if (j >= lp) {
                return 0;
            }
            end = j + 1;
        } else {
            end = i + 1;
        }
        if (end < lp) {
            char q = p[end];
            if (q == '*' || q == '+' || q == '-') {
                cost *= (double)longest_run(s, n, p + i, p + end) + 1.0;
                end++;
            } else if (q == '?') {
                cost *= 2.0;
                end++;
            }
        }
        i = end;
        if (cost > CLUA_PATTERN_BUDGET) {
            return cost;
        }
    }
    return cost;
}

/* Calls the wrapped function (upvalue 1) with all arguments. */
static int call_original(lua_State *L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

static int guard_pattern(lua_State *L, const char *name, int anchors, int plain_argument) {
    size_t n, lp;
    const char *s = luaL_checklstring(L, 1, &n);
    const char *p = luaL_checklstring(L, 2, &lp);
    int plain = plain_argument > 0 && lua_toboolean(L, plain_argument);
    if (!plain && has_specials(p, lp) && pattern_cost(p, lp, s, n, anchors) > CLUA_PATTERN_BUDGET) {
        return luaL_error(L,
                          "string.%s: this pattern could backtrack too long on a subject of %I bytes (more than "
                          "%f steps); split the subject into smaller pieces, use fewer repetition items "
                          "('*', '+', '-', '?'), or anchor the pattern with '^'",
                          name, (lua_Integer)n, (lua_Number)CLUA_PATTERN_BUDGET);
    }
    return call_original(L);
}

static int guarded_find(lua_State *L) { return guard_pattern(L, "find", 1, 4); }
static int guarded_match(lua_State *L) { return guard_pattern(L, "match", 1, 0); }
static int guarded_gmatch(lua_State *L) { return guard_pattern(L, "gmatch", 0, 0); }
static int guarded_gsub(lua_State *L) { return guard_pattern(L, "gsub", 1, 0); }

/* string.rep with an empty result answers at once: the original loops n times copying
   nothing (`string.rep("", 1<<40)`). Non-empty results are bounded by the memory limit. */
static int guarded_rep(lua_State *L) {
    size_t l, lsep = 0;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n <= 0 || (l == 0 && lsep == 0)) {
        lua_pushliteral(L, "");
        return 1;
    }
    return call_original(L);
}

static void wrap_field(lua_State *L, const char *table, const char *field, lua_CFunction wrapper) {
    lua_getglobal(L, table);
    lua_getfield(L, -1, field);
    lua_pushcclosure(L, wrapper, 1);
    lua_setfield(L, -2, field);
    lua_pop(L, 1);
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
    /* The string table is also strings' metatable __index: s:find is guarded too. */
    wrap_field(L, LUA_STRLIBNAME, "find", guarded_find);
    wrap_field(L, LUA_STRLIBNAME, "match", guarded_match);
    wrap_field(L, LUA_STRLIBNAME, "gmatch", guarded_gmatch);
    wrap_field(L, LUA_STRLIBNAME, "gsub", guarded_gsub);
    wrap_field(L, LUA_STRLIBNAME, "rep", guarded_rep);
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
