/*
 * tenths.h - a score as it is written, with one decimal.
 */
#ifndef BS_TENTHS_H
#define BS_TENTHS_H

/* x to be printed with "%.1f", never as "-0.0" (a score of -0.04, a
 * required score given as -0): the fields, the report, the JSON and the
 * log hold a sign only before a number that has one. */
static inline double
tenths(double x)
{
	return x > -0.05 && x < 0.05 ? 0.0 : x;
}

#endif
