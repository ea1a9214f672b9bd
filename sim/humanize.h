/* Numbers in SI base units shown for people: 1.25e-6 s -> "1.25 us",
 * 9.48e9 bit/s -> "9.48 Gb/s". Used by the CLI tables (the store keeps SI). */
#ifndef IOVSIM_HUMANIZE_H
#define IOVSIM_HUMANIZE_H

/* Pick a display scale for @value in @unit ("s", "B", "bit/s", "1/s", "1",
 * ...): sets *@factor (multiply base values by it) and returns the display
 * unit (static string). */
const char *humanize_scale(double value, const char *unit, double *factor);

/* "@value @unit" with 4 significant digits in the scale humanize_scale()
 * picks; caller frees. */
char *humanize(double value, const char *unit);

#endif
