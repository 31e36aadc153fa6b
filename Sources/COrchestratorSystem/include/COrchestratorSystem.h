#ifndef CORCHESTRATOR_SYSTEM_H
#define CORCHESTRATOR_SYSTEM_H
/* Small wrappers for variadic libc calls that Swift cannot import, and Linux headers
   that the Glibc module leaves out (epoll). */
#include <sys/epoll.h>
#include <stdint.h>
int csystem_set_child_subreaper(void);

/* What the plugin file checks need of a stat, in a struct Swift imports plainly (Glibc's
   `struct stat` is attributed to another module under MemberImportVisibility). */
typedef struct csystem_file_info {
    uint64_t device;
    uint64_t inode;
    uint32_t mode;
    uint32_t uid;
    int64_t size;
} csystem_file_info;

/* stat (a link is followed) / lstat (a link is described, not followed) / fstat; 0 or -1
   with errno. */
int csystem_stat(const char *path, csystem_file_info *info);
int csystem_lstat(const char *path, csystem_file_info *info);
int csystem_fstat(int descriptor, csystem_file_info *info);

/* O_PATH, which the Glibc module does not export. */
int csystem_o_path(void);
#endif
