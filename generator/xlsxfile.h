/*
 * xlsxfile: each dataset as an Excel workbook (/data/<dataset>.xlsx),
 * written with libxlsxwriter: typed cells (whole numbers, decimals shown
 * with their precision, dates as dates), a frozen header row of the
 * fields' Chinese titles, and a second sheet with the data dictionary,
 * licence and source.  Text is always written as text, so a value that
 * looks like a formula never runs.  The same data gives the same bytes.
 */
#ifndef HEARTH_XLSXFILE_H
#define HEARTH_XLSXFILE_H

#include "dataset.h"

/* Start table ti's workbook, once its JSON and CSV files are listed (they
 * name it in the cache): taken from the cache, or made on a thread of its
 * own while the package's other files are made (the stations' workbook
 * takes as long as all of them). */
void	xlsx_start(struct datapkg *p, int ti);

/* Wait for every table's workbook and add it, as <dataset>.xlsx, in the
 * tables' order (the files' order does not depend on which finished
 * first).  Returns 0, or -1 after reporting. */
int	xlsx_finish(struct datapkg *p);

/* Wait for the workbooks started and drop them (a build that failed). */
void	xlsx_abandon(struct datapkg *p);

#endif
