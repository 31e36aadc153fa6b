#ifndef CORCHESTRATOR_SYSTEM_H
#define CORCHESTRATOR_SYSTEM_H
/* Small wrappers for variadic libc calls that Swift cannot import, and Linux headers
   that the Glibc module leaves out (epoll). */
#include <sys/epoll.h>
int csystem_set_child_subreaper(void);
#endif
