/*
 * tests/hostos/compile/mingw-extra.h - force-included (-include) only in
 * the mingw-w64 syntax check of surface-driver.c (check-mingw.py), never
 * in pcisim's build.
 *
 * It supplies what the driver source uses and mingw-w64 lacks, spelled as
 * Microsoft's toolchain has it, so that the check tests the driver code
 * rather than mingw's gaps:
 *   - __try/__except/__finally: keywords of MSVC and clang-cl that
 *     mingw-w64's GCC does not know in C. The same shape as pcisim's wdm.h
 *     (the try block runs, the handler never does), which is enough for a
 *     syntax check.
 *   - KeMemoryBarrier and KeMemoryBarrierWithoutFence: on x64 the WDK
 *     defines both as macros (a fence; a compiler-only barrier); mingw's
 *     DDK has them for x86 only.
 *   - SYNCH_LEVEL (x64: 12), KERNEL_SECURITY_CHECK_FAILURE (bug check
 *     0x139) and FAST_FAIL_CORRUPT_LIST_ENTRY (3): WDK constants mingw's
 *     DDK lacks on x64.
 *   - NT_VERIFY, NT_VERIFYMSG: mingw-w64 defines them only for MSVC in a
 *     checked (DBG) build.
 *   - ExAllocatePool2 and the POOL_FLAG_* it takes (Windows 10 2004).
 *   - READ_REGISTER_ULONG64 / WRITE_REGISTER_ULONG64 (x64).
 */
#ifndef PCISIM_TESTS_MINGW_EXTRA_H
#define PCISIM_TESTS_MINGW_EXTRA_H

#ifndef __try
#define __try if (1)
#define __except(...) else if (((void)(__VA_ARGS__)), 0)
#define __finally
#endif

#ifndef KeMemoryBarrier
#define KeMemoryBarrier() __sync_synchronize()
#endif
#ifndef KeMemoryBarrierWithoutFence
#define KeMemoryBarrierWithoutFence() __asm__ __volatile__("" ::: "memory")
#endif

#ifndef SYNCH_LEVEL
#define SYNCH_LEVEL 12
#endif
#ifndef KERNEL_SECURITY_CHECK_FAILURE
#define KERNEL_SECURITY_CHECK_FAILURE 0x139
#endif
#ifndef FAST_FAIL_CORRUPT_LIST_ENTRY
#define FAST_FAIL_CORRUPT_LIST_ENTRY 3
#endif

#if defined(DBG) && DBG && !defined(NT_VERIFY)
#define NT_VERIFY(exp) ((exp) ? TRUE : FALSE)
#define NT_VERIFYMSG(msg, exp) ((exp) ? TRUE : FALSE)
#endif

/* ExAllocatePool2 (Windows 10 2004) and its flags: newer than mingw-w64's
 * DDK. */
#include <wdm.h>
#ifndef POOL_FLAG_NON_PAGED
typedef ULONG64 POOL_FLAGS;
#define POOL_FLAG_UNINITIALIZED 0x0000000000000002ULL
#define POOL_FLAG_RESERVED1 0x0000000000000010ULL
#define POOL_FLAG_NON_PAGED 0x0000000000000040ULL
#define POOL_FLAG_PAGED 0x0000000000000100ULL
NTKERNELAPI PVOID NTAPI ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag);
#endif

/* The 64-bit register routines of x64 (FORCEINLINE in the WDK), which
 * mingw-w64's DDK lacks. */
#ifndef READ_REGISTER_ULONG64
ULONG64 READ_REGISTER_ULONG64(volatile ULONG64 *Register);
VOID WRITE_REGISTER_ULONG64(volatile ULONG64 *Register, ULONG64 Value);
#endif

/* MmGetSystemAddressForMdlSafe's priority flags (Windows 8), newer than
 * mingw-w64's DDK. */
#ifndef MdlMappingNoExecute
#define MdlMappingNoWrite 0x80000000
#define MdlMappingNoExecute 0x40000000
#endif

#endif /* PCISIM_TESTS_MINGW_EXTRA_H */
