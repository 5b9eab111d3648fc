# Unit tests of veerd's forecasting core (userspace/veerd): the models and
# series (forecast.c, fc_models.c), dynamic thresholds (thresh.c) and the
# per-connection estimates (connest.c).  Sources are compiled directly:
# libc and libm only, no libnl, no kernel.  The rest of veerd: veerd.mk.

VEERD_DIR := $(TOP)/userspace/veerd
VEERD_HDRS := $(wildcard $(VEERD_DIR)/*.h) $(CURDIR)/veerd_test.h
VEERD_FC := $(VEERD_DIR)/forecast.c $(VEERD_DIR)/fc_models.c

UNIT_TESTS += test_forecast test_thresh test_connest

$(O)/test_forecast: $(CURDIR)/test_forecast.c $(VEERD_FC) $(VEERD_HDRS) | $(O)
	$(CC) $(CFLAGS) -o $@ $(filter %.c,$^) $(CMOCKA_LIBS) -lm

$(O)/test_thresh: $(CURDIR)/test_thresh.c $(VEERD_DIR)/thresh.c \
		$(VEERD_HDRS) | $(O)
	$(CC) $(CFLAGS) -o $@ $(filter %.c,$^) $(CMOCKA_LIBS) -lm

$(O)/test_connest: $(CURDIR)/test_connest.c $(VEERD_DIR)/connest.c \
		$(VEERD_FC) $(VEERD_HDRS) | $(O)
	$(CC) $(CFLAGS) -o $@ $(filter %.c,$^) $(CMOCKA_LIBS) -lm
