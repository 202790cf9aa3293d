/*  kp_ids: shape and alphabet of ULIDs, what kp_id_valid refuses, the time
    round trip, and order and uniqueness in a tight loop, across threads
    and across fork. */
#include "kp_ids.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

TestSuite (ids);

static uint64_t
s_now_ms (void)
{
    struct timespec now;
    clock_gettime (CLOCK_REALTIME, &now);
    return (uint64_t) now.tv_sec * 1000 + (uint64_t) now.tv_nsec / 1000000;
}

Test (ids, shape_and_alphabet)
{
    for (int count = 0; count < 1000; count++) {
        char id [KP_ID_LEN + 1];
        memset (id, 'x', sizeof id);
        kp_id_new (id);
        cr_assert_eq (strlen (id), (size_t) KP_ID_LEN);
        cr_assert_eq (strspn (id, "0123456789ABCDEFGHJKMNPQRSTVWXYZ"), (size_t) KP_ID_LEN, "%s", id);
        cr_assert (kp_id_valid (id), "%s", id);
    }
}

typedef struct {
    char text [40];
    bool valid;
} valid_case_t;

ParameterizedTestParameters (ids, valid)
{
    static valid_case_t cases [] = {
        { "01ARYZ6S41TSV4RRFFQ69G5FAV", true },     //  the ULID specification's example
        { "00000000000000000000000000", true },
        { "7ZZZZZZZZZZZZZZZZZZZZZZZZZ", true },     //  the largest 128-bit value
        { "8ZZZZZZZZZZZZZZZZZZZZZZZZZ", false },    //  needs 129 bits
        { "ZZZZZZZZZZZZZZZZZZZZZZZZZZ", false },
        { "01ARYZ6S41TSV4RRFFQ69G5FAI", false },    //  I, L, O, U are not Crockford digits
        { "01ARYZ6S41TSV4RRFFQ69G5FAL", false },
        { "01ARYZ6S41TSV4RRFFQ69G5FAO", false },
        { "01ARYZ6S41TSV4RRFFQ69G5FAU", false },
        { "01aryz6s41tsv4rrffq69g5fav", false },    //  lower case is not canonical
        { "01ARYZ6S41TSV4RRFFQ69G5FAv", false },
        { "01ARYZ6S41TSV4RRFFQ69G5FA", false },     //  25
        { "01ARYZ6S41TSV4RRFFQ69G5FAVV", false },   //  27
        { "", false },
        { "01ARYZ6S41-SV4RRFFQ69G5FAV", false },
        { "01ARYZ6S41 SV4RRFFQ69G5FAV", false },
        { "01ARYZ6S41TSV4RRFFQ69G5FA\xc3", false },
    };
    return cr_make_param_array (valid_case_t, cases, sizeof cases / sizeof cases [0]);
}

ParameterizedTest (valid_case_t *param, ids, valid)
{
    cr_assert_eq (kp_id_valid (param->text), param->valid, "\"%s\"", param->text);
}

Test (ids, null_is_not_valid)
{
    cr_assert_not (kp_id_valid (NULL));
    cr_assert_eq (kp_id_time_ms (NULL), 0);
    cr_assert_eq (kp_id_time_ms ("not an id"), 0);
}

Test (ids, time_round_trip)
{
    //  The ULID specification's example encodes 1469918176385.
    cr_assert_eq (kp_id_time_ms ("01ARYZ6S41TSV4RRFFQ69G5FAV"), UINT64_C (1469918176385));
    const uint64_t times [] = {
        0, 1, 31, 32, UINT64_C (1469918176385), UINT64_C (1700000000000),
        UINT64_C (4102444800000), (UINT64_C (1) << 48) - 1
    };
    for (size_t index = 0; index < sizeof times / sizeof times [0]; index++) {
        char id [KP_ID_LEN + 1];
        kp_id_new_at (id, times [index]);
        cr_assert (kp_id_valid (id), "%s", id);
        cr_assert_eq (kp_id_time_ms (id), times [index], "%s", id);
    }
    char id [KP_ID_LEN + 1];
    kp_id_new_at (id, UINT64_C (1469918176385));
    cr_assert_eq (strncmp (id, "01ARYZ6S41", 10), 0, "%s", id);

    uint64_t before = s_now_ms ();
    kp_id_new (id);
    uint64_t after = s_now_ms ();
    cr_assert (kp_id_time_ms (id) >= before && kp_id_time_ms (id) <= after, "%s", id);
}

#define S_LOOP_IDS 100000

Test (ids, tight_loop_is_strictly_increasing)
{
    char previous [KP_ID_LEN + 1];
    char id [KP_ID_LEN + 1];
    kp_id_new (previous);
    //  Strictly increasing implies unique, without a set.
    for (int count = 1; count < S_LOOP_IDS; count++) {
        kp_id_new (id);
        cr_assert_gt (strcmp (id, previous), 0, "id %d: %s after %s", count, id, previous);
        memcpy (previous, id, sizeof id);
    }
}

Test (ids, same_millisecond_counts_up)
{
    char previous [KP_ID_LEN + 1];
    char id [KP_ID_LEN + 1];
    kp_id_new_at (previous, UINT64_C (1700000000000));
    for (int count = 0; count < 1000; count++) {
        kp_id_new_at (id, UINT64_C (1700000000000));
        cr_assert_gt (strcmp (id, previous), 0, "%s after %s", id, previous);
        cr_assert_eq (kp_id_time_ms (id), UINT64_C (1700000000000));
        memcpy (previous, id, sizeof id);
    }
    //  A later millisecond sorts after, whatever the random part.
    kp_id_new_at (id, UINT64_C (1700000000001));
    cr_assert_gt (strcmp (id, previous), 0);
}

#define S_THREADS       4
#define S_THREAD_IDS    25000

typedef char id_text_t [KP_ID_LEN + 1];

typedef struct {
    id_text_t *ids;         //  this thread's slice of the shared array
    bool in_order;
} thread_work_t;

static void *
s_thread_main (void *arg)
{
    thread_work_t *work = arg;
    work->in_order = true;
    for (int count = 0; count < S_THREAD_IDS; count++) {
        kp_id_new (work->ids [count]);
        if (count > 0 && strcmp (work->ids [count], work->ids [count - 1]) <= 0)
            work->in_order = false;
    }
    return NULL;
}

static int
s_compare_ids (const void *a, const void *b)
{
    return strcmp (a, b);
}

Test (ids, threads_share_one_sequence)
{
    id_text_t *all = calloc (S_THREADS * S_THREAD_IDS, sizeof (id_text_t));
    cr_assert_not_null (all);
    thread_work_t work [S_THREADS];
    pthread_t threads [S_THREADS];
    for (int index = 0; index < S_THREADS; index++) {
        work [index].ids = all + index * S_THREAD_IDS;
        cr_assert_eq (pthread_create (&threads [index], NULL, s_thread_main, &work [index]), 0);
    }
    for (int index = 0; index < S_THREADS; index++) {
        pthread_join (threads [index], NULL);
        cr_assert (work [index].in_order, "thread %d saw ids out of order", index);
    }
    //  The threads' ids, sorted together, have no duplicate.
    qsort (all, S_THREADS * S_THREAD_IDS, sizeof (id_text_t), s_compare_ids);
    for (int index = 1; index < S_THREADS * S_THREAD_IDS; index++)
        cr_assert_neq (strcmp (all [index], all [index - 1]), 0, "duplicate %s", all [index]);
    free (all);
}

//  A child starts from its parent's last id; if it only counted up from
//  there, parent and child would both make the same next id.
Test (ids, fork_does_not_repeat_ids)
{
    char parent_id [KP_ID_LEN + 1];
    char child_id [KP_ID_LEN + 1] = "";
    kp_id_new_at (parent_id, UINT64_C (1700000000000));
    int fds [2];
    cr_assert_eq (pipe (fds), 0);
    pid_t pid = fork ();
    cr_assert_geq (pid, 0);
    if (pid == 0) {
        char id [KP_ID_LEN + 1];
        kp_id_new_at (id, UINT64_C (1700000000000));
        ssize_t written = write (fds [1], id, sizeof id);
        _exit (written == (ssize_t) sizeof id ? 0 : 1);
    }
    close (fds [1]);
    cr_assert_eq (read (fds [0], child_id, sizeof child_id), (ssize_t) sizeof child_id);
    close (fds [0]);
    int status;
    waitpid (pid, &status, 0);
    cr_assert (WIFEXITED (status) && WEXITSTATUS (status) == 0);

    kp_id_new_at (parent_id, UINT64_C (1700000000000));
    cr_assert (kp_id_valid (child_id));
    cr_assert_str_neq (parent_id, child_id);
}
