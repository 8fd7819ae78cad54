/*
 * gdbstub/tdesc.c - the target description served by qXfer:features:read,
 * so gdb and the stub agree on the `g` packet's layout: amd64 core
 * (general registers, eflags and segments as 32-bit, x87), SSE, Linux
 * (orig_rax) and segment bases (fs_base, gs_base).  Register numbers
 * follow from the order of the <reg> elements: 0-15 general, 16 rip,
 * 17 eflags, 18-23 segments, 24-31 st0-7, 32-39 x87 control, 40-55 xmm,
 * 56 mxcsr, 57 orig_rax, 58 fs_base, 59 gs_base.
 */
#include <string.h>

#include "internal.h"

static const char target_xml[] =
"<?xml version=\"1.0\"?>\n"
"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
"<target version=\"1.0\">\n"
"  <architecture>i386:x86-64</architecture>\n"
"  <osabi>GNU/Linux</osabi>\n"
"  <feature name=\"org.gnu.gdb.i386.core\">\n"
"    <flags id=\"i386_eflags\" size=\"4\">\n"
"      <field name=\"CF\" start=\"0\" end=\"0\"/>\n"
"      <field name=\"PF\" start=\"2\" end=\"2\"/>\n"
"      <field name=\"AF\" start=\"4\" end=\"4\"/>\n"
"      <field name=\"ZF\" start=\"6\" end=\"6\"/>\n"
"      <field name=\"SF\" start=\"7\" end=\"7\"/>\n"
"      <field name=\"TF\" start=\"8\" end=\"8\"/>\n"
"      <field name=\"IF\" start=\"9\" end=\"9\"/>\n"
"      <field name=\"DF\" start=\"10\" end=\"10\"/>\n"
"      <field name=\"OF\" start=\"11\" end=\"11\"/>\n"
"    </flags>\n"
"    <reg name=\"rax\" bitsize=\"64\" type=\"int64\"/>\n"
"    <reg name=\"rbx\" bitsize=\"64\" type=\"int64\"/>\n"
"    <reg name=\"rcx\" bitsize=\"64\" type=\"int64\"/>\n"
"    <reg name=\"rdx\" bitsize=\"64\" type=\"int64\"/>\n"
"    <reg name=\"rsi\" bitsize=\"64\" type=\"int64\"/>\n"
"    <reg name=\"rdi\" bitsize=\"64\" type=\"int64\"/>\n"
"    <reg name=\"rbp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
"    <reg name=\"rsp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
"    <reg name=\"r8\" bitsize=\"64\" type=\"int64\"/>\n"
"    <reg name=\"r9\" bitsize=\"64\" type=\"int64\"/>\n"
"    <reg name=\"r10\" bitsize=\"64\" type=\"int64\"/>\n"
"    <reg name=\"r11\" bitsize=\"64\" type=\"int64\"/>\n"
"    <reg name=\"r12\" bitsize=\"64\" type=\"int64\"/>\n"
"    <reg name=\"r13\" bitsize=\"64\" type=\"int64\"/>\n"
"    <reg name=\"r14\" bitsize=\"64\" type=\"int64\"/>\n"
"    <reg name=\"r15\" bitsize=\"64\" type=\"int64\"/>\n"
"    <reg name=\"rip\" bitsize=\"64\" type=\"code_ptr\"/>\n"
"    <reg name=\"eflags\" bitsize=\"32\" type=\"i386_eflags\"/>\n"
"    <reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>\n"
"    <reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>\n"
"    <reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>\n"
"    <reg name=\"es\" bitsize=\"32\" type=\"int32\"/>\n"
"    <reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>\n"
"    <reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>\n"
"    <reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"    <reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"    <reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"    <reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"    <reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"    <reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"    <reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"    <reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>\n"
"    <reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"    <reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"    <reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"    <reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"    <reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"    <reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"    <reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"    <reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
"  </feature>\n"
"  <feature name=\"org.gnu.gdb.i386.sse\">\n"
"    <vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
"    <vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
"    <vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n"
"    <vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n"
"    <vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
"    <vector id=\"v2i64\" type=\"int64\" count=\"2\"/>\n"
"    <union id=\"vec128\">\n"
"      <field name=\"v4_float\" type=\"v4f\"/>\n"
"      <field name=\"v2_double\" type=\"v2d\"/>\n"
"      <field name=\"v16_int8\" type=\"v16i8\"/>\n"
"      <field name=\"v8_int16\" type=\"v8i16\"/>\n"
"      <field name=\"v4_int32\" type=\"v4i32\"/>\n"
"      <field name=\"v2_int64\" type=\"v2i64\"/>\n"
"      <field name=\"uint128\" type=\"uint128\"/>\n"
"    </union>\n"
"    <flags id=\"i386_mxcsr\" size=\"4\">\n"
"      <field name=\"IE\" start=\"0\" end=\"0\"/>\n"
"      <field name=\"DE\" start=\"1\" end=\"1\"/>\n"
"      <field name=\"ZE\" start=\"2\" end=\"2\"/>\n"
"      <field name=\"OE\" start=\"3\" end=\"3\"/>\n"
"      <field name=\"UE\" start=\"4\" end=\"4\"/>\n"
"      <field name=\"PE\" start=\"5\" end=\"5\"/>\n"
"      <field name=\"DAZ\" start=\"6\" end=\"6\"/>\n"
"      <field name=\"FZ\" start=\"15\" end=\"15\"/>\n"
"    </flags>\n"
"    <reg name=\"xmm0\" bitsize=\"128\" type=\"vec128\"/>\n"
"    <reg name=\"xmm1\" bitsize=\"128\" type=\"vec128\"/>\n"
"    <reg name=\"xmm2\" bitsize=\"128\" type=\"vec128\"/>\n"
"    <reg name=\"xmm3\" bitsize=\"128\" type=\"vec128\"/>\n"
"    <reg name=\"xmm4\" bitsize=\"128\" type=\"vec128\"/>\n"
"    <reg name=\"xmm5\" bitsize=\"128\" type=\"vec128\"/>\n"
"    <reg name=\"xmm6\" bitsize=\"128\" type=\"vec128\"/>\n"
"    <reg name=\"xmm7\" bitsize=\"128\" type=\"vec128\"/>\n"
"    <reg name=\"xmm8\" bitsize=\"128\" type=\"vec128\"/>\n"
"    <reg name=\"xmm9\" bitsize=\"128\" type=\"vec128\"/>\n"
"    <reg name=\"xmm10\" bitsize=\"128\" type=\"vec128\"/>\n"
"    <reg name=\"xmm11\" bitsize=\"128\" type=\"vec128\"/>\n"
"    <reg name=\"xmm12\" bitsize=\"128\" type=\"vec128\"/>\n"
"    <reg name=\"xmm13\" bitsize=\"128\" type=\"vec128\"/>\n"
"    <reg name=\"xmm14\" bitsize=\"128\" type=\"vec128\"/>\n"
"    <reg name=\"xmm15\" bitsize=\"128\" type=\"vec128\"/>\n"
"    <reg name=\"mxcsr\" bitsize=\"32\" type=\"i386_mxcsr\" group=\"vector\"/>\n"
"  </feature>\n"
"  <feature name=\"org.gnu.gdb.i386.linux\">\n"
"    <reg name=\"orig_rax\" bitsize=\"64\" type=\"int\" regnum=\"57\"/>\n"
"  </feature>\n"
"  <feature name=\"org.gnu.gdb.i386.segments\">\n"
"    <reg name=\"fs_base\" bitsize=\"64\" type=\"int\"/>\n"
"    <reg name=\"gs_base\" bitsize=\"64\" type=\"int\"/>\n"
"  </feature>\n"
"</target>\n";

const char *rsp_target_xml(size_t *len)
{
	*len = sizeof(target_xml) - 1;
	return target_xml;
}

/* Where register regno lives in struct rsp_regs, and its size. */
int rsp_reg_slot(struct rsp_regs *r, int regno, void **p)
{
	if (regno < 0 || regno >= RSP_NREGS)
		return -1;
	if (regno < RSP_NGPR) {
		*p = &r->gpr[regno];
		return 8;
	}
	if (regno == 17) {
		*p = &r->eflags;
		return 4;
	}
	if (regno < 24) {
		*p = &r->seg[regno - 18];
		return 4;
	}
	if (regno < 32) {
		*p = r->st[regno - 24];
		return 10;
	}
	if (regno < 40) {
		uint32_t *ctl[] = { &r->fctrl, &r->fstat, &r->ftag, &r->fiseg,
				    &r->fioff, &r->foseg, &r->fooff, &r->fop };

		*p = ctl[regno - 32];
		return 4;
	}
	if (regno < 56) {
		*p = r->xmm[regno - 40];
		return 16;
	}
	switch (regno) {
	case 56:
		*p = &r->mxcsr;
		return 4;
	case 57:
		*p = &r->orig_rax;
		return 8;
	case 58:
		*p = &r->fs_base;
		return 8;
	default:
		*p = &r->gs_base;
		return 8;
	}
}
