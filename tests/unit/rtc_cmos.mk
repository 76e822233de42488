UNIT_TESTS += rtc_cmos
UNIT_SRCS_rtc_cmos := hv/rtc_cmos.c
