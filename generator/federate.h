/*
 * federate: county repositories mounted into the site.
 *
 *     sources:
 *       - name: fuquan
 *         url: ../fuquan-site      # a path (relative to the site) or URL
 *         ref: main                # branch, tag or commit to build
 *         mount: content/counties/522702/
 *
 * Each source is fetched with libgit2 into .hearth/sources/<name>.git
 * (created on first use, updated on every build) and its tree at ref is
 * added under mount, as if the files were in the site; a path both provide
 * is an error.  So a county can keep its own repository and the province
 * builds from a pinned revision of it.
 */
#ifndef HEARTH_FEDERATE_H
#define HEARTH_FEDERATE_H

struct source;

/* Mount every source listed in src's hearth.yaml.  Returns 0, or -1 after
 * reporting (a source that cannot be fetched, a ref it lacks, a bad
 * mount point). */
int	federate(struct source *src);

#endif
