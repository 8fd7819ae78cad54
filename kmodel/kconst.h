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

/* include/linux/mmzone.h: MAX_PAGE_ORDER (without ARCH_FORCE_MAX_ORDER) */
#define KMAX_PAGE_ORDER		10
/* include/linux/mmzone.h: PAGE_ALLOC_COSTLY_ORDER; HPAGE_PMD_ORDER
 * (x86_64: PMD_SHIFT - PAGE_SHIFT), the order of a THP pcp list */
#define KPAGE_ALLOC_COSTLY_ORDER 3
#define KPMD_ORDER		9
/* mm/slub.c: OO_SHIFT, OO_MASK (struct kmem_cache_order_objects) */
#define KOO_SHIFT		16
#define KOO_MASK		0xffffULL
/* lib/stackdepot.c: DEPOT_STACK_ALIGN */
#define KDEPOT_STACK_ALIGN	4

/* include/uapi/linux/magic.h: STACK_END_MAGIC, the word at the end of a
 * kernel stack (above UML's thread_info) */
#define KSTACK_END_MAGIC	0x57ac6e9dULL

/* include/linux/sched.h: task states as task_state_index() reports them */
#define TASK_REPORT		0x7fULL	/* RUNNING..PARKED, with EXIT_* */
#define TASK_IDLE		0x402ULL	/* UNINTERRUPTIBLE | NOLOAD */
#define TASK_REPORT_IDLE	(TASK_REPORT + 1)
/* fs/proc/array.c: task_state_array[], one letter per bit */
#define TASK_STATE_LETTERS	"RSDTtXZPI"
/* include/linux/sched.h: PF_KTHREAD */
#define PF_KTHREAD		0x00200000ULL

/* lib/maple_tree.c: MAPLE_NODE_MASK, MAPLE_NODE_TYPE_SHIFT/_MASK;
 * include/linux/maple_tree.h: enum maple_type */
#define MAPLE_NODE_MASK		0xffULL
#define MAPLE_NODE_TYPE_SHIFT	3
#define MAPLE_NODE_TYPE_MASK	0xf
#define MAPLE_LEAF_64		1
#define MAPLE_RANGE_64		2
#define MAPLE_ARANGE_64		3
/* include/linux/xarray.h: XA_ZERO_ENTRY = xa_mk_internal(257) */
#define XA_ZERO_ENTRY		((257ULL << 2) | 2)
/* include/linux/mm.h: VM_READ VM_WRITE VM_EXEC VM_SHARED */
#define VM_READ			0x1ULL
#define VM_WRITE		0x2ULL
#define VM_EXEC			0x4ULL
#define VM_SHARED		0x8ULL
/* arch/um: PAGE_SHIFT */
#define KPAGE_SHIFT		12

/* arch/um/include/asm/pgtable.h: UML's own page-table bits */
#define UM_PAGE_PRESENT		0x001ULL
#define UM_PAGE_NEWPAGE		0x002ULL
#define UM_PAGE_NEWPROT		0x004ULL
#define UM_PAGE_PROTNONE	0x010ULL
#define UM_PAGE_RW		0x020ULL
#define UM_PAGE_USER		0x040ULL
#define UM_PAGE_ACCESSED	0x080ULL
#define UM_PAGE_DIRTY		0x100ULL
/* arch/um/include/asm/pgtable-3level.h (x86_64): 3 levels of 512 */
#define UM_PGDIR_SHIFT		30
#define UM_PMD_SHIFT		21
#define UM_PTRS_PER_TABLE	512
#define UM_PAGE_MASK		(~0xfffULL)

#endif
