/* Citations that several parameter tables share, so that one source is
 * spelled once. docs/sources.md has each figure with what it measured. */
#ifndef IOVSIM_PARAM_SOURCES_H
#define IOVSIM_PARAM_SOURCES_H

#define DALL_ATC17  "calibration.md 1.1: Dall et al. ATC'17 Table 2 (Xeon E5-2450, KVM x86)"
#define YANG_FAST12 "calibration.md 1.7: Yang et al. FAST'12, 4 KiB read 4.4 us polled vs 7.6 us"
#define PLACEHOLDER "placeholder: no calibration.md row yet (calibration.md 4)"

#endif
