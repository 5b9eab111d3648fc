# Unit tests of veerd's policy rules (policy.c), config parser (config.c)
# and /proc parsers (procfs.c).  Forecasting: forecast.mk.

VEERD_DIR := $(TOP)/userspace/veerd
VEERD_HDRS := $(wildcard $(VEERD_DIR)/*.h) $(CURDIR)/veerd_test.h
VEERD_FC := $(VEERD_DIR)/forecast.c $(VEERD_DIR)/fc_models.c

UNIT_TESTS += test_policy test_config test_procfs

$(O)/test_policy: $(CURDIR)/test_policy.c $(VEERD_DIR)/policy.c \
		$(VEERD_HDRS) | $(O)
	$(CC) $(CFLAGS) -o $@ $(filter %.c,$^) $(CMOCKA_LIBS) -lm

$(O)/test_config: $(CURDIR)/test_config.c $(VEERD_DIR)/config.c \
		$(VEERD_DIR)/thresh.c $(VEERD_FC) $(VEERD_HDRS) \
		$(VEERD_DIR)/veerd.conf.example | $(O)
	$(CC) $(CFLAGS) \
		-DVEERD_EXAMPLE_CONF='"$(VEERD_DIR)/veerd.conf.example"' \
		-o $@ $(filter %.c,$^) $(CMOCKA_LIBS) -lm

$(O)/test_procfs: $(CURDIR)/test_procfs.c $(VEERD_DIR)/procfs.c \
		$(VEERD_HDRS) | $(O)
	$(CC) $(CFLAGS) -o $@ $(filter %.c,$^) $(CMOCKA_LIBS) -lm
