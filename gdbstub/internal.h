/*
 * gdbstub/internal.h - private declarations of the RSP stub.
 */
#ifndef UMDBG_GDBSTUB_INTERNAL_H
#define UMDBG_GDBSTUB_INTERNAL_H

#include "rsp.h"

const char *rsp_target_xml(size_t *len);
int rsp_reg_slot(struct rsp_regs *r, int regno, void **p);

#endif
