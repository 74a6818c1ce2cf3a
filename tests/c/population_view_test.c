/* ann_population_attr_data: the storage of a local attribute, shared with ann_population_get
 * and _set (no copy), and a status naming the fault for every bad argument. */
#include "annarchy.h"

#include <string.h>

#include "check.h"

int main(void)
{
    ann_status st;
    ann_network *net = ann_network_new(0.1, 1);
    ann_attr_spec specs[3] = {{ANN_TYPE_F64, 1}, {ANN_TYPE_F64, 0}, {ANN_TYPE_BOOL, 1}};
    int pop = ann_network_add_population(net, 4, 3, specs, 0, &st);
    CHECK_TRUE(pop == 0);

    double *v = ann_population_attr_data(net, pop, 0, &st);
    CHECK_TRUE(v != NULL);
    v[2] = 7.5;                                      /* a write through the pointer ... */
    CHECK_TRUE(ann_population_get(net, pop, 0, 2) == 7.5);
    ann_population_set(net, pop, 0, 3, -1.0);        /* ... and a write through the API */
    CHECK_TRUE(v[3] == -1.0);
    unsigned char *b = ann_population_attr_data(net, pop, 2, &st);
    ann_population_set(net, pop, 2, 1, 1.0);
    CHECK_TRUE(b != NULL && b[1] == 1 && b[0] == 0);

    CHECK(ann_population_attr_data(NULL, 0, 0, &st) == NULL
          && strcmp(st.msg, "attribute data: no network (NULL)") == 0, "%s", st.msg);
    CHECK(ann_population_attr_data(net, 1, 0, &st) == NULL
          && strcmp(st.msg, "attribute data: no population 1 (the network has 1)") == 0, "%s", st.msg);
    CHECK(ann_population_attr_data(net, -1, 0, &st) == NULL
          && strcmp(st.msg, "attribute data: no population -1 (the network has 1)") == 0, "%s", st.msg);
    CHECK(ann_population_attr_data(net, 0, 3, &st) == NULL
          && strcmp(st.msg, "attribute data: population 0 has no attribute 3 (it has 3)") == 0, "%s", st.msg);
    CHECK(ann_population_attr_data(net, 0, 1, &st) == NULL
          && strcmp(st.msg, "attribute data: attribute 1 of population 0 is global (one value, not an array)") == 0,
          "%s", st.msg);
    CHECK_TRUE(strcmp(ann_last_error(), st.msg) == 0);
    CHECK_TRUE(ann_population_attr_data(net, 0, 0, NULL) == v);   /* NULL status accepted */
    ann_network_free(net);
    return CHECK_SUMMARY();
}
