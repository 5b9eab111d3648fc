# Unit tests of the module's pure files: the extended SYN cookie codec
# (kmod/cookie.c) and Maglev tables (kmod/maglev.c).  The kernel sources are
# compiled as they are, on the host, against the small shims of kernel
# headers in kshim/ (types, byte order, bit helpers and a SipHash-2-4 that
# test_cookie checks against the reference vectors).

KSHIM := $(CURDIR)/kshim
KMOD_PURE_CFLAGS := -I$(KSHIM) -I$(TOP)
KMOD_PURE_HDRS := $(wildcard $(KSHIM)/*/*.h) $(TOP)/kmod/cookie.h \
	$(TOP)/kmod/maglev.h $(TOP)/uapi/linux/veer.h

UNIT_TESTS += test_cookie test_maglev

$(O)/test_cookie: $(CURDIR)/test_cookie.c $(TOP)/kmod/cookie.c \
		$(TOP)/kmod/maglev.c $(KSHIM)/siphash.c $(KMOD_PURE_HDRS) | $(O)
	$(CC) $(KMOD_PURE_CFLAGS) $(CFLAGS) -o $@ $(filter %.c,$^) \
		$(CMOCKA_LIBS) -lm

$(O)/test_maglev: $(CURDIR)/test_maglev.c $(TOP)/kmod/maglev.c \
		$(KSHIM)/siphash.c $(KMOD_PURE_HDRS) | $(O)
	$(CC) $(KMOD_PURE_CFLAGS) $(CFLAGS) -o $@ $(filter %.c,$^) $(CMOCKA_LIBS)
