# Unit tests of libveer (userspace/lib) and of the veer CLI's parsers and
# print layer (userspace/veer).  They compile the pure sources directly: no
# libnl, no kernel.  JSON output is checked with json-c (and jq when present).

VEER_US := $(TOP)/userspace
JSONC_CFLAGS := $(shell pkg-config --cflags json-c 2>/dev/null)
JSONC_LIBS := $(shell pkg-config --libs json-c 2>/dev/null || echo -ljson-c)

UNIT_TESTS += test_libveer_extack test_cli_parse test_cli_print

CLI_PURE_SRCS := $(VEER_US)/veer/parse.c $(VEER_US)/veer/print.c \
	$(VEER_US)/veer/objects.c $(VEER_US)/lib/names.c
CLI_PURE_HDRS := $(VEER_US)/veer/parse.h $(VEER_US)/veer/print.h \
	$(VEER_US)/veer/objects.h $(VEER_US)/lib/libveer.h $(TOP)/uapi/linux/veer.h

$(O)/test_libveer_extack: $(CURDIR)/test_libveer_extack.c \
		$(VEER_US)/lib/extack.c $(VEER_US)/lib/names.c \
		$(VEER_US)/lib/libveer.h $(TOP)/uapi/linux/veer.h | $(O)
	$(CC) $(CFLAGS) -DVEER_UAPI_HEADER='"$(TOP)/uapi/linux/veer.h"' \
		-o $@ $(filter %.c,$^) $(CMOCKA_LIBS)

$(O)/test_cli_parse: $(CURDIR)/test_cli_parse.c $(CLI_PURE_SRCS) \
		$(CLI_PURE_HDRS) | $(O)
	$(CC) $(CFLAGS) -I$(VEER_US)/veer -o $@ $(filter %.c,$^) $(CMOCKA_LIBS)

$(O)/test_cli_print: $(CURDIR)/test_cli_print.c $(CLI_PURE_SRCS) \
		$(CLI_PURE_HDRS) | $(O)
	$(CC) $(CFLAGS) -I$(VEER_US)/veer $(JSONC_CFLAGS) -o $@ \
		$(filter %.c,$^) $(CMOCKA_LIBS) $(JSONC_LIBS)
