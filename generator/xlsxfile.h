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

/* Add <dataset>.xlsx for every table of p.  Returns 0, or -1 after
 * reporting. */
int	xlsx_build(struct datapkg *p);

#endif
