#ifndef CORCHESTRATOR_SYSTEM_H
#define CORCHESTRATOR_SYSTEM_H
/* Small wrappers for variadic libc calls that Swift cannot import. */
int csystem_set_child_subreaper(void);
#endif
