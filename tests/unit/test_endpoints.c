/*  kp_endpoints: an endpoint setting naming several instances. */
#include "kp_endpoints.h"

#include <criterion/criterion.h>

TestSuite (endpoints);

Test (endpoints, a_list_counts_its_endpoints)
{
    cr_assert_eq (kp_endpoints_count (NULL), 0);
    cr_assert_eq (kp_endpoints_count (""), 0);
    cr_assert_eq (kp_endpoints_count ("tcp://127.0.0.1:7102"), 1);
    cr_assert_eq (kp_endpoints_count ("tcp://a:1,tcp://b:2"), 2);
    cr_assert_eq (kp_endpoints_count (",tcp://a:1,,tcp://b:2,"), 2, "empty items are not endpoints");
}

Test (endpoints, a_socket_connects_to_each)
{
    zsock_t *first = zsock_new (ZMQ_ROUTER), *second = zsock_new (ZMQ_ROUTER);
    int port_a = zsock_bind (first, "tcp://127.0.0.1:*"), port_b = zsock_bind (second, "tcp://127.0.0.1:*");
    cr_assert (port_a > 0 && port_b > 0);
    char list [128];
    snprintf (list, sizeof list, "tcp://127.0.0.1:%d,tcp://127.0.0.1:%d", port_a, port_b);
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    cr_assert_eq (kp_endpoints_connect (dealer, list), 0);
    //  Two messages, dealt out one to each.
    zstr_send (dealer, "one");
    zstr_send (dealer, "two");
    zmsg_t *at_first = zmsg_recv (first), *at_second = zmsg_recv (second);
    cr_assert (at_first && at_second);
    cr_assert_eq (zmsg_size (at_first), 2);
    cr_assert_eq (zmsg_size (at_second), 2);
    zmsg_destroy (&at_first);
    zmsg_destroy (&at_second);
    zsock_destroy (&dealer);
    zsock_destroy (&first);
    zsock_destroy (&second);
}

Test (endpoints, a_malformed_or_empty_list_is_refused)
{
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    cr_assert_eq (kp_endpoints_connect (dealer, ""), -1);
    cr_assert_eq (kp_endpoints_connect (dealer, ","), -1);
    cr_assert_eq (kp_endpoints_connect (dealer, "tcp://127.0.0.1:7102,nonsense"), -1);
    char long_one [400];
    memset (long_one, 'a', sizeof long_one - 1);
    long_one [sizeof long_one - 1] = 0;
    cr_assert_eq (kp_endpoints_connect (dealer, long_one), -1, "an endpoint cut short would connect elsewhere");
    zsock_destroy (&dealer);
}
