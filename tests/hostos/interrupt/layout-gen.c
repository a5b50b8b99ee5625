/*
 * tests/hostos/interrupt/layout-gen.c - prints, as C11 static assertions,
 * the sizes, field offsets and constant values of the resource and
 * interrupt surface (hostos/include/wdm-interrupt.h) as pcisim's <wdm.h>
 * has them; check-layout.py compiles the output with mingw-w64 against its
 * DDK, so any difference fails. Built with the driver flags.
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
	SIZE(CM_PARTIAL_RESOURCE_DESCRIPTOR);
	SIZE(CM_PARTIAL_RESOURCE_LIST);
	SIZE(CM_FULL_RESOURCE_DESCRIPTOR);
	SIZE(CM_RESOURCE_LIST);
	OFF(CM_PARTIAL_RESOURCE_DESCRIPTOR, ShareDisposition);
	OFF(CM_PARTIAL_RESOURCE_DESCRIPTOR, Flags);
	OFF(CM_PARTIAL_RESOURCE_DESCRIPTOR, u);
	OFF(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Generic.Length);
	OFF(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Interrupt.Vector);
	OFF(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Interrupt.Affinity);
	OFF(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.MessageInterrupt.Raw.MessageCount);
	OFF(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.MessageInterrupt.Raw.Vector);
	OFF(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.MessageInterrupt.Raw.Affinity);
	OFF(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.MessageInterrupt.Translated.Affinity);
	OFF(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Memory.Length);
	OFF(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.Port.Length);
	OFF(CM_PARTIAL_RESOURCE_DESCRIPTOR, u.DeviceSpecificData.Reserved2);
	OFF(CM_PARTIAL_RESOURCE_LIST, Count);
	OFF(CM_PARTIAL_RESOURCE_LIST, PartialDescriptors);
	OFF(CM_FULL_RESOURCE_DESCRIPTOR, BusNumber);
	OFF(CM_FULL_RESOURCE_DESCRIPTOR, PartialResourceList);
	OFF(CM_RESOURCE_LIST, List);
	SIZE(INTERFACE_TYPE);
	SIZE(KINTERRUPT_MODE);
	SIZE(KINTERRUPT_POLARITY);
	SIZE(IO_INTERRUPT_MESSAGE_INFO_ENTRY);
	OFF(IO_INTERRUPT_MESSAGE_INFO_ENTRY, TargetProcessorSet);
	OFF(IO_INTERRUPT_MESSAGE_INFO_ENTRY, InterruptObject);
	OFF(IO_INTERRUPT_MESSAGE_INFO_ENTRY, MessageData);
	OFF(IO_INTERRUPT_MESSAGE_INFO_ENTRY, Vector);
	OFF(IO_INTERRUPT_MESSAGE_INFO_ENTRY, Irql);
	OFF(IO_INTERRUPT_MESSAGE_INFO_ENTRY, Mode);
	OFF(IO_INTERRUPT_MESSAGE_INFO_ENTRY, Polarity);
	SIZE(IO_INTERRUPT_MESSAGE_INFO);
	OFF(IO_INTERRUPT_MESSAGE_INFO, MessageCount);
	OFF(IO_INTERRUPT_MESSAGE_INFO, MessageInfo);
	SIZE(IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS);
	OFF(IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS, SynchronizeIrql);
	OFF(IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS, FloatingSave);
	OFF(IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS, ShareVector);
	OFF(IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS, Vector);
	OFF(IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS, Irql);
	OFF(IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS, InterruptMode);
	OFF(IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS, ProcessorEnableMask);
	OFF(IO_CONNECT_INTERRUPT_FULLY_SPECIFIED_PARAMETERS, Group);
	SIZE(IO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS);
	OFF(IO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS, SynchronizeIrql);
	OFF(IO_CONNECT_INTERRUPT_LINE_BASED_PARAMETERS, FloatingSave);
	SIZE(IO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS);
	OFF(IO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS, ConnectionContext);
	OFF(IO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS, MessageServiceRoutine);
	OFF(IO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS, SynchronizeIrql);
	OFF(IO_CONNECT_INTERRUPT_MESSAGE_BASED_PARAMETERS, FallBackServiceRoutine);
	SIZE(IO_CONNECT_INTERRUPT_PARAMETERS);
	OFF(IO_CONNECT_INTERRUPT_PARAMETERS, FullySpecified);
	OFF(IO_CONNECT_INTERRUPT_PARAMETERS, MessageBased.FallBackServiceRoutine);
	SIZE(IO_DISCONNECT_INTERRUPT_PARAMETERS);
	OFF(IO_DISCONNECT_INTERRUPT_PARAMETERS, ConnectionContext);
	VAL(CmResourceTypeNull);
	VAL(CmResourceTypePort);
	VAL(CmResourceTypeInterrupt);
	VAL(CmResourceTypeMemory);
	VAL(CmResourceTypeDma);
	VAL(CmResourceTypeDeviceSpecific);
	VAL(CmResourceTypeBusNumber);
	VAL(CmResourceTypeMemoryLarge);
	VAL(CmResourceShareUndetermined);
	VAL(CmResourceShareDeviceExclusive);
	VAL(CmResourceShareDriverExclusive);
	VAL(CmResourceShareShared);
	VAL(CM_RESOURCE_PORT_MEMORY);
	VAL(CM_RESOURCE_PORT_IO);
	VAL(CM_RESOURCE_PORT_BAR);
	VAL(CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE);
	VAL(CM_RESOURCE_INTERRUPT_LATCHED);
	VAL(CM_RESOURCE_INTERRUPT_MESSAGE);
	VAL(CM_RESOURCE_INTERRUPT_POLICY_INCLUDED);
	VAL(CM_RESOURCE_INTERRUPT_LEVEL_LATCHED_BITS);
	VAL(CM_RESOURCE_INTERRUPT_MESSAGE_TOKEN);
	VAL(CM_RESOURCE_MEMORY_READ_WRITE);
	VAL(CM_RESOURCE_MEMORY_READ_ONLY);
	VAL(CM_RESOURCE_MEMORY_WRITE_ONLY);
	VAL(CM_RESOURCE_MEMORY_PREFETCHABLE);
	VAL(CM_RESOURCE_MEMORY_BAR);
	VAL(InterfaceTypeUndefined);
	VAL(Internal);
	VAL(PCIBus);
	VAL(ACPIBus);
	VAL(MaximumInterfaceType);
	VAL(LevelSensitive);
	VAL(Latched);
	VAL(InterruptPolarityUnknown);
	VAL(InterruptActiveHigh);
	VAL(InterruptRisingEdge);
	VAL(InterruptActiveLow);
	VAL(InterruptFallingEdge);
	VAL(InterruptActiveBoth);
	VAL(CONNECT_FULLY_SPECIFIED);
	VAL(CONNECT_LINE_BASED);
	VAL(CONNECT_MESSAGE_BASED);
	VAL(CONNECT_FULLY_SPECIFIED_GROUP);
	VAL(CONNECT_CURRENT_VERSION);
	VAL(STATUS_INVALID_PARAMETER_10);
	return 0;
}
