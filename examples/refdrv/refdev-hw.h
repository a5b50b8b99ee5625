/*
 * examples/refdrv/refdev-hw.h - the reference device's registers as its
 * driver knows them (from ../shared/spec/refdev.md), in the driver's own
 * header as a Windows driver keeps its hardware definitions: the driver
 * never includes the simulator's model headers.
 */
#ifndef REFDEV_HW_H
#define REFDEV_HW_H

#define REFDEV_HW_VENDOR_ID 0x1234
#define REFDEV_HW_DEVICE_ID 0x7011
#define REFDEV_HW_ID_VALUE 0x70110100UL  /* the ID register: device 0x7011, v1.0 */
#define REFDEV_HW_REGS_BYTES 0x1000UL    /* BAR0 */

/* BAR0 registers: byte offsets, every access an aligned ULONG. */
#define REG_ID 0x00
#define REG_CTRL 0x04
#define REG_STATUS 0x08
#define REG_INT_STATUS 0x0C              /* write 1 to clear */
#define REG_INT_MASK 0x10
#define REG_INT_COUNT 0x14
#define REG_MSIX_VEC 0x18
#define REG_CMD 0x20
#define REG_ARG 0x24
#define REG_RESULT 0x28
#define REG_DMA_TABLE_LO 0x30
#define REG_DMA_TABLE_HI 0x34
#define REG_DMA_OFFSET 0x38
#define REG_DMA_LENGTH 0x3C
#define REG_DMA_DEV_OFFSET 0x40
#define REG_DMA_BYTES 0x44

#define CTRL_RESET 0x1UL
#define CTRL_INT_EN 0x2UL
#define CTRL_DMA64 0x4UL

#define STATUS_BUSY_BIT 0x1UL
#define STATUS_SINGLE_MSG 0x2UL
#define STATUS_ERROR_BIT 0x4UL
#define STATUS_CODE(s) (((s) >> 8) & 0xFFUL)

/* INT_STATUS / INT_MASK causes; bit n is also the cause's MSI message
 * number when four or more messages are granted. */
#define INT_CMD_DONE 0x1UL
#define INT_DMA_DONE 0x2UL
#define INT_ERROR 0x4UL
#define INT_TIMER 0x8UL
#define INT_ALL 0xFUL

#define CMD_ECHO 0x01UL
#define CMD_DMA_READ 0x02UL              /* host memory -> SRAM */
#define CMD_DMA_WRITE 0x03UL             /* SRAM -> host memory */
#define CMD_CHECKSUM 0x04UL
#define CMD_TIMER 0x05UL

#define ERR_BUSY 1
#define ERR_BAD_CMD 2
#define ERR_DMA_RANGE 3
#define ERR_DMA_ABORT 4
#define ERR_DMA_ADDR32 5
#define ERR_ACCESS 6

#define REFDEV_HW_PAGE 0x1000UL          /* page-table page size */

#endif /* REFDEV_HW_H */
