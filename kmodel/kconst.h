/*
 * kmodel/kconst.h - the few guest-kernel constants DWARF cannot give.
 * Each names the kernel source (Linux 6.12) it comes from.
 */
#ifndef UMDBG_KCONST_H
#define UMDBG_KCONST_H

/* kernel/printk/printk_ringbuffer.h: DESC_FLAGS_SHIFT, DESC_ID_MASK */
#define PRB_DESC_FLAGS_SHIFT	62
#define PRB_DESC_ID_MASK	(~(3ULL << PRB_DESC_FLAGS_SHIFT))
/* kernel/printk/printk_ringbuffer.h: enum desc_state */
#define PRB_DESC_COMMITTED	1
#define PRB_DESC_FINALIZED	2
/* kernel/printk/printk_ringbuffer.h: LPOS_DATALESS() (FAILED_LPOS, NO_LPOS) */
#define PRB_LPOS_DATALESS_BIT	1ULL
/* kernel/printk/printk_ringbuffer.c: struct prb_data_block { long id; ... } */
#define PRB_BLK_ID_SIZE		8

/* include/linux/sched.h: task states as task_state_index() reports them */
#define TASK_REPORT		0x7fULL	/* RUNNING..PARKED, with EXIT_* */
#define TASK_IDLE		0x402ULL	/* UNINTERRUPTIBLE | NOLOAD */
#define TASK_REPORT_IDLE	(TASK_REPORT + 1)
/* fs/proc/array.c: task_state_array[], one letter per bit */
#define TASK_STATE_LETTERS	"RSDTtXZPI"
/* include/linux/sched.h: PF_KTHREAD */
#define PF_KTHREAD		0x00200000ULL

#endif
