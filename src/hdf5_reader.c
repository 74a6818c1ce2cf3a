/* Reading HDF5 files through libhdf5: string attributes and numeric datasets, for Keras model
 * files. See include/annarchy.h. libhdf5's own error printing is switched off; its failures
 * become ann_status messages naming the file and the object. */
#include <hdf5.h>
#include <stdlib.h>
#include <string.h>

#include "annarchy.h"
#include "status.h"

struct ann_h5file {
    hid_t file;
    char  path[4096];
};

int ann_h5_open(const char *path, ann_h5file **out, ann_status *st)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    htri_t is = H5Fis_hdf5(path);
    if (is <= 0) return ann_fail(st, "'%s' is not a readable HDF5 file", path);
    ann_h5file *f = calloc(1, sizeof *f);
    if (!f) return ann_fail(st, "out of memory");
    f->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f->file < 0) {
        free(f);
        return ann_fail(st, "cannot open the HDF5 file '%s'", path);
    }
    snprintf(f->path, sizeof f->path, "%s", path);
    *out = f;
    return 0;
}

void ann_h5_close(ann_h5file *f)
{
    if (!f) return;
    H5Fclose(f->file);
    free(f);
}

int ann_h5_exists(ann_h5file *f, const char *object)
{
    if (strcmp(object, "/") == 0) return 1;
    /* every prefix of the path must exist for H5Oexists_by_name */
    char buf[4096];
    size_t n = strlen(object);
    if (n >= sizeof buf) return 0;
    memcpy(buf, object, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0') continue;
        char c = buf[i];
        buf[i] = '\0';
        if (H5Lexists(f->file, buf, H5P_DEFAULT) <= 0) return 0;
        buf[i] = c;
    }
    return 1;
}

int ann_h5_string_attribute(ann_h5file *f, const char *object, const char *name, char **out,
                            size_t *count, ann_status *st)
{
    if (!ann_h5_exists(f, object))
        return ann_fail(st, "%s: no object '%s'", f->path, object);
    if (H5Aexists_by_name(f->file, object, name, H5P_DEFAULT) <= 0)
        return ann_fail(st, "%s: '%s' has no attribute '%s'", f->path, object, name);
    hid_t a = H5Aopen_by_name(f->file, object, name, H5P_DEFAULT, H5P_DEFAULT);
    hid_t type = a >= 0 ? H5Aget_type(a) : -1;
    hid_t space = a >= 0 ? H5Aget_space(a) : -1;
    int rc = 0;
    char *block = NULL;
    if (type < 0 || space < 0 || H5Tget_class(type) != H5T_STRING) {
        rc = ann_fail(st, "%s: the attribute '%s' of '%s' is not a string", f->path, name, object);
        goto done;
    }
    hssize_t n = H5Sget_simple_extent_npoints(space);
    if (n < 1) {
        rc = ann_fail(st, "%s: the attribute '%s' of '%s' is empty", f->path, name, object);
        goto done;
    }
    size_t total = 0;
    if (H5Tis_variable_str(type) > 0) {
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(type));
        char **strs = calloc((size_t)n, sizeof *strs);
        if (!strs || H5Aread(a, mt, strs) < 0) {
            free(strs);
            H5Tclose(mt);
            rc = ann_fail(st, "%s: cannot read the attribute '%s' of '%s'", f->path, name, object);
            goto done;
        }
        for (hssize_t i = 0; i < n; i++) total += (strs[i] ? strlen(strs[i]) : 0) + 1;
        block = malloc(total);
        if (block) {
            size_t off = 0;
            for (hssize_t i = 0; i < n; i++) {
                size_t l = strs[i] ? strlen(strs[i]) : 0;
                if (l) memcpy(block + off, strs[i], l);
                block[off + l] = '\0';
                off += l + 1;
            }
        }
        H5Dvlen_reclaim(mt, space, H5P_DEFAULT, strs);
        free(strs);
        H5Tclose(mt);
    } else {
        size_t sz = H5Tget_size(type);
        char *raw = malloc((size_t)n * sz);
        if (!raw || H5Aread(a, type, raw) < 0) {
            free(raw);
            rc = ann_fail(st, "%s: cannot read the attribute '%s' of '%s'", f->path, name, object);
            goto done;
        }
        block = malloc((size_t)n * (sz + 1));
        if (block) {
            size_t off = 0;
            for (hssize_t i = 0; i < n; i++) {
                const char *s = raw + (size_t)i * sz;
                size_t l = strnlen(s, sz);
                while (l > 0 && s[l - 1] == ' ') l--;   /* space-padded strings */
                memcpy(block + off, s, l);
                block[off + l] = '\0';
                off += l + 1;
            }
        }
        free(raw);
    }
    if (!block) {
        rc = ann_fail(st, "out of memory");
        goto done;
    }
    *out = block;
    *count = (size_t)n;
done:
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    if (a >= 0) H5Aclose(a);
    return rc;
}

static hid_t open_numeric(ann_h5file *f, const char *path, ann_status *st)
{
    if (!ann_h5_exists(f, path)) {
        ann_fail(st, "%s: no dataset '%s'", f->path, path);
        return -1;
    }
    hid_t d = H5Dopen2(f->file, path, H5P_DEFAULT);
    if (d < 0) {
        ann_fail(st, "%s: '%s' is not a dataset", f->path, path);
        return -1;
    }
    hid_t type = H5Dget_type(d);
    H5T_class_t cls = H5Tget_class(type);
    H5Tclose(type);
    if (cls != H5T_FLOAT && cls != H5T_INTEGER) {
        H5Dclose(d);
        ann_fail(st, "%s: the dataset '%s' is not numeric", f->path, path);
        return -1;
    }
    return d;
}

int ann_h5_dataset_shape(ann_h5file *f, const char *path, int32_t *rank, int64_t *dims,
                         ann_status *st)
{
    hid_t d = open_numeric(f, path, st);
    if (d < 0) return 1;
    hid_t space = H5Dget_space(d);
    int r = H5Sget_simple_extent_ndims(space);
    int rc = 0;
    if (r < 0 || r > 8) {
        rc = ann_fail(st, "%s: the dataset '%s' has rank %d (at most 8)", f->path, path, r);
    } else {
        hsize_t h[8];
        H5Sget_simple_extent_dims(space, h, NULL);
        for (int i = 0; i < r; i++) dims[i] = (int64_t)h[i];
        *rank = r;
    }
    H5Sclose(space);
    H5Dclose(d);
    return rc;
}

int ann_h5_dataset_read(ann_h5file *f, const char *path, double *out, size_t count,
                        ann_status *st)
{
    hid_t d = open_numeric(f, path, st);
    if (d < 0) return 1;
    hid_t space = H5Dget_space(d);
    hssize_t n = H5Sget_simple_extent_npoints(space);
    H5Sclose(space);
    int rc = 0;
    if (n < 0 || (size_t)n != count)
        rc = ann_fail(st, "%s: the dataset '%s' has %lld elements, not %zu", f->path, path,
                      (long long)n, count);
    else if (H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0)
        rc = ann_fail(st, "%s: cannot read the dataset '%s'", f->path, path);
    H5Dclose(d);
    return rc;
}

/* The names of a group's members, collected one after another by H5Literate. */
typedef struct names {
    char  *block;
    size_t len, cap, count;
    int    failed;   /* out of memory */
} names;

static herr_t add_name(hid_t group, const char *name, const H5L_info_t *info, void *data)
{
    (void)group;
    (void)info;
    names *n = data;
    size_t l = strlen(name) + 1;
    if (n->cap - n->len < l) {
        size_t cap = n->cap ? n->cap : 256;
        while (cap - n->len < l) cap *= 2;
        char *b = realloc(n->block, cap);
        if (!b) {
            n->failed = 1;
            return -1;
        }
        n->block = b;
        n->cap = cap;
    }
    memcpy(n->block + n->len, name, l);
    n->len += l;
    n->count++;
    return 0;
}

int ann_h5_members(ann_h5file *f, const char *group, char **out, size_t *count, ann_status *st)
{
    if (!ann_h5_exists(f, group)) return ann_fail(st, "%s: no group '%s'", f->path, group);
    hid_t g = H5Gopen2(f->file, group, H5P_DEFAULT);
    if (g < 0) return ann_fail(st, "%s: '%s' is not a group", f->path, group);
    names n = {0};
    herr_t r = H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, add_name, &n);
    H5Gclose(g);
    if (r < 0 || n.failed) {
        free(n.block);
        if (n.failed) return ann_fail(st, "out of memory");
        return ann_fail(st, "%s: cannot list the members of '%s'", f->path, group);
    }
    *out = n.block ? n.block : calloc(1, 1);
    if (!*out) return ann_fail(st, "out of memory");
    *count = n.count;
    return 0;
}
