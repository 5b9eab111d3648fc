# Unit tests of veerd's policy rules (policy.c), config parser (config.c),
# /proc parsers (procfs.c), health probes (probe.c, against loopback
# servers in threads) and resource reports (report.c, with libcrypto).
# Forecasting: forecast.mk.

VEERD_DIR := $(TOP)/userspace/veerd
VEERD_HDRS := $(wildcard $(VEERD_DIR)/*.h) $(CURDIR)/veerd_test.h
VEERD_FC := $(VEERD_DIR)/forecast.c $(VEERD_DIR)/fc_models.c

UNIT_TESTS += test_policy test_config test_procfs test_probe test_report

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

$(O)/test_probe: $(CURDIR)/test_probe.c $(VEERD_DIR)/probe.c \
		$(VEERD_HDRS) | $(O)
	$(CC) $(CFLAGS) -pthread -o $@ $(filter %.c,$^) $(CMOCKA_LIBS) -lm

$(O)/test_report: $(CURDIR)/test_report.c $(VEERD_DIR)/report.c \
		$(VEERD_HDRS) | $(O)
	$(CC) $(CFLAGS) -o $@ $(filter %.c,$^) $(CMOCKA_LIBS) -lcrypto -lm
