/*
 * tests/hostos/compile/surface-scenarios.c - Windows driver code (built
 * with the driver flags) for test-surface-os.c: the list helpers' checks,
 * ASSERT, ASSERTMSG and PAGED_CODE, which end in the core's bug check
 * path. See surface-scenarios.h.
 */
/* ntddk.h for KeBugCheck, which the WDK declares there. */
#include <ntddk.h>

#include "surface-scenarios.h"

int surface_reached_end;

static LIST_ENTRY head;
static LIST_ENTRY a, b, c;

static VOID build_list(VOID)
{
	InitializeListHead(&head);
	InsertTailList(&head, &a);
	InsertTailList(&head, &b);
	InsertTailList(&head, &c);
}

void surface_list_ok(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	build_list();
	(void)RemoveEntryList(&b);
	(void)RemoveHeadList(&head);
	(void)RemoveTailList(&head);
	InsertHeadList(&head, &b);
	surface_reached_end = IsListEmpty(&head) ? 0 : 1;
}

void surface_list_corrupt_insert_tail(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	build_list();
	c.Flink = &b; /* the tail no longer points back at the head */
	InsertTailList(&head, &b);
	surface_reached_end = 1;
}

void surface_list_corrupt_insert_head(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	build_list();
	a.Blink = &c;
	InsertHeadList(&head, &c);
	surface_reached_end = 1;
}

void surface_list_corrupt_remove_entry(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	build_list();
	c.Blink = &a; /* b's successor does not point back at b */
	(void)RemoveEntryList(&b);
	surface_reached_end = 1;
}

void surface_list_corrupt_remove_head(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	build_list();
	b.Blink = &c;
	(void)RemoveHeadList(&head);
	surface_reached_end = 1;
}

void surface_list_corrupt_remove_tail(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	build_list();
	b.Flink = &a;
	(void)RemoveTailList(&head);
	surface_reached_end = 1;
}

void surface_assert_true(void *arg)
{
	ULONG two = 2;

	UNREFERENCED_PARAMETER(arg);
	ASSERT(two == 2);
	NT_ASSERT(two > 1);
	ASSERTMSG("two is two", two == 2);
	surface_reached_end = NT_VERIFY(two == 2) ? 1 : 0;
}

void surface_assert_false(void *arg)
{
	ULONG two = 2;

	UNREFERENCED_PARAMETER(arg);
	DBG_UNREFERENCED_LOCAL_VARIABLE(two);
	ASSERT(two == 3);
	surface_reached_end = 1;
}

void surface_assertmsg_false(void *arg)
{
	UNREFERENCED_PARAMETER(arg);
	ASSERTMSG("must not be NULL", arg != NULL);
	surface_reached_end = 1;
}

void surface_paged_code_passive(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	PAGED_CODE();
	KeRaiseIrql(APC_LEVEL, &old);
	PAGED_CODE(); /* APC_LEVEL is still allowed */
	KeLowerIrql(old);
	surface_reached_end = 1;
}

void surface_paged_code_dispatch(void *arg)
{
	KIRQL old;

	UNREFERENCED_PARAMETER(arg);
	KeRaiseIrql(DISPATCH_LEVEL, &old);
	PAGED_CODE();
	KeLowerIrql(old);
	surface_reached_end = 1;
}

/* The try block runs; the handler and its filter never do. */
void surface_try_except(void *arg)
{
	int ran = 0;

	UNREFERENCED_PARAMETER(arg);
	__try {
		ran = 1;
	} __except (KeBugCheckEx(0xBAD, 0, 0, 0, 0), EXCEPTION_EXECUTE_HANDLER) {
		KeBugCheck(0xBAD);
	}
	surface_reached_end = ran;
}
