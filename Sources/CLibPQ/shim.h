#include <libpq-fe.h>

/* libpq prints server notices on stderr by default; the daemon drops them instead. */
static void clibpq_ignore_notice(void *arg, const char *message) { (void)arg; (void)message; }
static inline void clibpq_silence_notices(PGconn *conn) {
    PQsetNoticeProcessor(conn, clibpq_ignore_notice, 0);
}
