/* Citations that several parameter tables share, so that one source is
 * spelled once. docs/sources.md has each figure with what it measured, on
 * what machine, and the full citation; "sources.md#x" names its entry. */
#ifndef IOVSIM_PARAM_SOURCES_H
#define IOVSIM_PARAM_SOURCES_H

#define DALL_ATC17 "Dall et al. ATC'17 Table 2, Xeon E5-2450 KVM x86 (sources.md#dall-atc17)"
#define YANG_FAST12 \
    "Yang et al. FAST'12 3.3: 4 KiB read 4.4 us polled vs 7.6 us (sources.md#yang-poll)"
#define PLACEHOLDER "placeholder: no published figure yet (sources.md#placeholders)"

#endif
