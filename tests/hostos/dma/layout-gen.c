/*
 * tests/hostos/dma/layout-gen.c - prints, as C11 static assertions, the
 * sizes, field offsets and constant values of the MDL and DMA surface
 * (hostos/include/wdm-dma.h) as pcisim's <wdm.h> has them; check-layout.py
 * compiles the output with mingw-w64 against its DDK, so any difference
 * fails. DEVICE_DESCRIPTION's size is not compared: the WDK's has
 * VERSION3's four fields at its end, mingw-w64's stops at DmaPort (the
 * offsets of every field both have are compared); nor DMA_OPERATIONS's,
 * whose version 3 members mingw-w64 lacks. Built with the driver flags.
 */
#include <wdm.h>

#include <stddef.h>
#include <stdio.h>

#define SIZE(t) printf("_Static_assert(sizeof(" #t ") == %zu, \"sizeof " #t "\");\n", sizeof(t))
#define OFF(t, f)                                                                          \
	printf("_Static_assert(offsetof(" #t ", " #f ") == %zu, \"offset " #t "." #f "\");\n", \
	       offsetof(t, f))
#define VAL(c) printf("_Static_assert((long long)(" #c ") == %lldLL, \"value " #c "\");\n", \
		      (long long)(c))

int main(void)
{
	printf("#include <wdm.h>\n#include <stddef.h>\n");
	/* pages */
	VAL(PAGE_SIZE);
	VAL(PAGE_SHIFT);
	VAL(BYTE_OFFSET(0x12345));
	VAL(BYTES_TO_PAGES(5000));
	VAL(ROUND_TO_PAGES(5000));
	VAL((ULONG_PTR)PAGE_ALIGN(0x12345));
	VAL(ADDRESS_AND_SIZE_TO_SPAN_PAGES(100, 9000));
	VAL(ADDRESS_AND_SIZE_TO_SPAN_PAGES(0, 8192));
	SIZE(PFN_NUMBER);
	SIZE(PFN_COUNT);
	/* MDLs */
	SIZE(MDL);
	OFF(MDL, Next);
	OFF(MDL, Size);
	OFF(MDL, MdlFlags);
	OFF(MDL, Process);
	OFF(MDL, MappedSystemVa);
	OFF(MDL, StartVa);
	OFF(MDL, ByteCount);
	OFF(MDL, ByteOffset);
	VAL(MDL_MAPPED_TO_SYSTEM_VA);
	VAL(MDL_PAGES_LOCKED);
	VAL(MDL_SOURCE_IS_NONPAGED_POOL);
	VAL(MDL_ALLOCATED_FIXED_SIZE);
	VAL(MDL_PARTIAL);
	VAL(MDL_PARTIAL_HAS_BEEN_MAPPED);
	VAL(MDL_IO_PAGE_READ);
	VAL(MDL_WRITE_OPERATION);
	VAL(MDL_PARENT_MAPPED_SYSTEM_VA);
	VAL(MDL_FREE_EXTRA_PTES);
	VAL(MDL_DESCRIBES_AWE);
	VAL(MDL_IO_SPACE);
	VAL(MDL_NETWORK_HEADER);
	VAL(MDL_MAPPING_CAN_FAIL);
	VAL(MDL_ALLOCATED_MUST_SUCCEED);
	VAL(MDL_INTERNAL);
	SIZE(LOCK_OPERATION);
	VAL(IoReadAccess);
	VAL(IoWriteAccess);
	VAL(IoModifyAccess);
	SIZE(MM_PAGE_PRIORITY);
	VAL(LowPagePriority);
	VAL(NormalPagePriority);
	VAL(HighPagePriority);
	/* DMA */
	SIZE(DMA_WIDTH);
	VAL(Width8Bits);
	VAL(Width64Bits);
	VAL(WidthNoWrap);
	VAL(MaximumDmaWidth);
	SIZE(DMA_SPEED);
	VAL(Compatible);
	VAL(TypeF);
	VAL(MaximumDmaSpeed);
	VAL(DEVICE_DESCRIPTION_VERSION);
	VAL(DEVICE_DESCRIPTION_VERSION1);
	VAL(DEVICE_DESCRIPTION_VERSION2);
	OFF(DEVICE_DESCRIPTION, Version);
	OFF(DEVICE_DESCRIPTION, Master);
	OFF(DEVICE_DESCRIPTION, ScatterGather);
	OFF(DEVICE_DESCRIPTION, DemandMode);
	OFF(DEVICE_DESCRIPTION, AutoInitialize);
	OFF(DEVICE_DESCRIPTION, Dma32BitAddresses);
	OFF(DEVICE_DESCRIPTION, IgnoreCount);
	OFF(DEVICE_DESCRIPTION, Reserved1);
	OFF(DEVICE_DESCRIPTION, Dma64BitAddresses);
	OFF(DEVICE_DESCRIPTION, BusNumber);
	OFF(DEVICE_DESCRIPTION, DmaChannel);
	OFF(DEVICE_DESCRIPTION, InterfaceType);
	OFF(DEVICE_DESCRIPTION, DmaWidth);
	OFF(DEVICE_DESCRIPTION, DmaSpeed);
	OFF(DEVICE_DESCRIPTION, MaximumLength);
	OFF(DEVICE_DESCRIPTION, DmaPort);
	SIZE(SCATTER_GATHER_ELEMENT);
	OFF(SCATTER_GATHER_ELEMENT, Address);
	OFF(SCATTER_GATHER_ELEMENT, Length);
	OFF(SCATTER_GATHER_ELEMENT, Reserved);
	SIZE(SCATTER_GATHER_LIST);
	OFF(SCATTER_GATHER_LIST, NumberOfElements);
	OFF(SCATTER_GATHER_LIST, Reserved);
	OFF(SCATTER_GATHER_LIST, Elements);
	SIZE(DMA_ADAPTER);
	OFF(DMA_ADAPTER, Version);
	OFF(DMA_ADAPTER, Size);
	OFF(DMA_ADAPTER, DmaOperations);
	OFF(DMA_OPERATIONS, Size);
	OFF(DMA_OPERATIONS, PutDmaAdapter);
	OFF(DMA_OPERATIONS, AllocateCommonBuffer);
	OFF(DMA_OPERATIONS, FreeCommonBuffer);
	OFF(DMA_OPERATIONS, AllocateAdapterChannel);
	OFF(DMA_OPERATIONS, FlushAdapterBuffers);
	OFF(DMA_OPERATIONS, FreeAdapterChannel);
	OFF(DMA_OPERATIONS, FreeMapRegisters);
	OFF(DMA_OPERATIONS, MapTransfer);
	OFF(DMA_OPERATIONS, GetDmaAlignment);
	OFF(DMA_OPERATIONS, ReadDmaCounter);
	OFF(DMA_OPERATIONS, GetScatterGatherList);
	OFF(DMA_OPERATIONS, PutScatterGatherList);
	OFF(DMA_OPERATIONS, CalculateScatterGatherList);
	OFF(DMA_OPERATIONS, BuildScatterGatherList);
	OFF(DMA_OPERATIONS, BuildMdlFromScatterGatherList);
	SIZE(DMA_COMPLETION_STATUS);
	VAL(DmaComplete);
	VAL(DmaAborted);
	VAL(DmaError);
	VAL(DmaCancelled);
	VAL(KeepObject);
	VAL(DeallocateObject);
	VAL(DeallocateObjectKeepRegisters);
	return 0;
}
