#define _GNU_SOURCE
#include "COrchestratorSystem.h"
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>

int csystem_set_child_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }

static void fill(const struct stat *st, csystem_file_info *info) {
    info->device = (uint64_t)st->st_dev;
    info->inode = (uint64_t)st->st_ino;
    info->mode = (uint32_t)st->st_mode;
    info->uid = (uint32_t)st->st_uid;
    info->size = (int64_t)st->st_size;
}

int csystem_stat(const char *path, csystem_file_info *info) {
    struct stat st;
    if (stat(path, &st) != 0) {
        return -1;
    }
    fill(&st, info);
    return 0;
}

int csystem_lstat(const char *path, csystem_file_info *info) {
    struct stat st;
    if (lstat(path, &st) != 0) {
        return -1;
    }
    fill(&st, info);
    return 0;
}

int csystem_fstat(int descriptor, csystem_file_info *info) {
    struct stat st;
    if (fstat(descriptor, &st) != 0) {
        return -1;
    }
    fill(&st, info);
    return 0;
}

int csystem_o_path(void) { return O_PATH; }
