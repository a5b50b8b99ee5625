/*
 * tests/sim/test-tlm.c - Check tests of the generic payload, the target
 * interface, DMI listeners (sim/tlm.h) and the memory target
 * (sim/tlm-memory.h), against the rules of IEEE 1666-2011 chapter 14. Needs
 * no kernel: b_transport only annotates a delay.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/error.h"
#include "sim/tlm-memory.h"
#include "sim/tlm.h"

/* 10 ns + 125 ps/byte, the peer benchmark's memory. */
#define LAT_PS 10000u
#define PER_BYTE_PS 125u

static struct tlm_memory mem;

static void mem_setup(void)
{
	ck_assert_int_eq(tlm_memory_init(&mem, 256, LAT_PS, PER_BYTE_PS), SIM_OK);
	for (unsigned i = 0; i < 256; i++)
		mem.data[i] = (uint8_t)i;
}

static void mem_teardown(void)
{
	tlm_memory_destroy(&mem);
}

/* ------------------------------------------------------------------------
 * Payload
 * ------------------------------------------------------------------------ */

START_TEST(payload_defaults)
{
	struct tlm_payload p;

	memset(&p, 0xa5, sizeof(p));
	tlm_payload_init(&p);
	ck_assert_int_eq(p.command, TLM_CMD_IGNORE);
	ck_assert_uint_eq(p.address, 0);
	ck_assert_ptr_null(p.data);
	ck_assert_uint_eq(p.length, 0);
	ck_assert_ptr_null(p.byte_enable);
	ck_assert_uint_eq(p.byte_enable_length, 0);
	ck_assert_uint_eq(p.streaming_width, 0);
	ck_assert_uint_eq(p.requester_id, 0);
	ck_assert_int_eq(p.response, TLM_INCOMPLETE);
	ck_assert(!p.dmi_allowed);
}
END_TEST

START_TEST(payload_setup_resets_per_transaction_attributes)
{
	static const uint8_t be[2] = { 0xff, 0 };
	uint8_t buf[8];
	struct tlm_payload p;

	tlm_payload_init(&p);
	p.requester_id = 0x0100;
	tlm_payload_set_byte_enable(&p, be, 2);
	tlm_payload_set_streaming_width(&p, 1);
	p.dmi_allowed = true;
	p.response = TLM_OK;
	tlm_payload_setup(&p, TLM_CMD_WRITE, 0x1234, buf, 8);
	ck_assert_int_eq(p.command, TLM_CMD_WRITE);
	ck_assert_uint_eq(p.address, 0x1234);
	ck_assert_ptr_eq(p.data, buf);
	ck_assert_uint_eq(p.length, 8);
	ck_assert_ptr_null(p.byte_enable);
	ck_assert_uint_eq(p.byte_enable_length, 0);
	ck_assert_uint_eq(p.streaming_width, 8);
	ck_assert(!p.dmi_allowed);
	ck_assert_int_eq(p.response, TLM_INCOMPLETE);
	ck_assert_uint_eq(p.requester_id, 0x0100); /* the initiator's identity stays */
	tlm_payload_set_byte_enable(&p, NULL, 5);
	ck_assert_uint_eq(p.byte_enable_length, 0);
}
END_TEST

START_TEST(payload_span)
{
	struct tlm_payload p;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_READ, 0, NULL, 16);
	ck_assert_uint_eq(tlm_payload_span(&p), 16);
	tlm_payload_set_streaming_width(&p, 0);
	ck_assert_uint_eq(tlm_payload_span(&p), 16);
	tlm_payload_set_streaming_width(&p, 32);
	ck_assert_uint_eq(tlm_payload_span(&p), 16);
	tlm_payload_set_streaming_width(&p, 4);
	ck_assert_uint_eq(tlm_payload_span(&p), 4);
}
END_TEST

START_TEST(response_names_and_classes)
{
	ck_assert_str_eq(tlm_response_name(TLM_OK), "OK");
	ck_assert_str_eq(tlm_response_name(TLM_INCOMPLETE), "INCOMPLETE");
	ck_assert_str_eq(tlm_response_name(TLM_GENERIC_ERROR), "GENERIC_ERROR");
	ck_assert_str_eq(tlm_response_name(TLM_ADDRESS_ERROR), "ADDRESS_ERROR");
	ck_assert_str_eq(tlm_response_name(TLM_COMMAND_ERROR), "COMMAND_ERROR");
	ck_assert_str_eq(tlm_response_name(TLM_BURST_ERROR), "BURST_ERROR");
	ck_assert_str_eq(tlm_response_name(TLM_BYTE_ENABLE_ERROR), "BYTE_ENABLE_ERROR");
	ck_assert_str_eq(tlm_response_name((enum tlm_response)42), "UNKNOWN");
	ck_assert_str_eq(tlm_command_name(TLM_CMD_READ), "READ");
	ck_assert_str_eq(tlm_command_name(TLM_CMD_WRITE), "WRITE");
	ck_assert_str_eq(tlm_command_name(TLM_CMD_IGNORE), "IGNORE");
	ck_assert_str_eq(tlm_command_name((enum tlm_command)9), "UNKNOWN");

	/* IEEE 1666 values: positive is OK, 0 incomplete, negative errors. */
	ck_assert_int_eq(TLM_OK, 1);
	ck_assert_int_eq(TLM_INCOMPLETE, 0);
	ck_assert_int_eq(TLM_BYTE_ENABLE_ERROR, -5);
	ck_assert(tlm_response_ok(TLM_OK));
	ck_assert(!tlm_response_ok(TLM_INCOMPLETE));
	ck_assert(!tlm_response_is_error(TLM_INCOMPLETE));
	for (int r = TLM_BYTE_ENABLE_ERROR; r <= TLM_GENERIC_ERROR; r++) {
		ck_assert(!tlm_response_ok((enum tlm_response)r));
		ck_assert(tlm_response_is_error((enum tlm_response)r));
	}
}
END_TEST

START_TEST(delay_add_saturates)
{
	sim_time_t d = 5;

	tlm_delay_add(&d, 7);
	ck_assert_uint_eq(d, 12);
	d = SIM_TIME_MAX - 3;
	tlm_delay_add(&d, 4);
	ck_assert_uint_eq(d, SIM_TIME_MAX);
}
END_TEST

/* ------------------------------------------------------------------------
 * Payload semantics against a byte array
 * ------------------------------------------------------------------------ */

START_TEST(buffer_plain_read_write)
{
	uint8_t buf[16] = { 0 }, d[4] = { 1, 2, 3, 4 }, r[4] = { 0 };
	struct tlm_payload p;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 12, d, 4);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_OK);
	ck_assert_int_eq(p.response, TLM_OK);
	ck_assert_mem_eq(buf + 12, d, 4);
	tlm_payload_setup(&p, TLM_CMD_READ, 12, r, 4);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_OK);
	ck_assert_mem_eq(r, d, 4);
	ck_assert(!p.dmi_allowed); /* the helper leaves the hint to the target */
}
END_TEST

START_TEST(buffer_address_range)
{
	uint8_t buf[16] = { 0 }, d[4] = { 9, 9, 9, 9 };
	struct tlm_payload p;

	tlm_payload_init(&p);
	/* Last byte in range: fine; one past: refused, nothing written. */
	tlm_payload_setup(&p, TLM_CMD_WRITE, 15, d, 1);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_OK);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 13, d, 4);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_ADDRESS_ERROR);
	ck_assert_int_eq(p.response, TLM_ADDRESS_ERROR);
	ck_assert_uint_eq(buf[13], 0);
	tlm_payload_setup(&p, TLM_CMD_READ, 16, d, 1);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_ADDRESS_ERROR);
	/* An address that would wrap the range arithmetic. */
	tlm_payload_setup(&p, TLM_CMD_READ, UINT64_MAX - 1, d, 4);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_ADDRESS_ERROR);
	ck_assert_uint_eq(d[0], 9);
	/* A streaming burst needs only its width in range. */
	tlm_payload_setup(&p, TLM_CMD_WRITE, 14, d, 4);
	tlm_payload_set_streaming_width(&p, 2);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_OK);
}
END_TEST

START_TEST(buffer_byte_enables_write)
{
	/* 14.14/14.15: enable i applies to data byte i, the pattern repeating
	 * when shorter than the data; a disabled byte is not written. */
	static const uint8_t be[2] = { TLM_BYTE_ENABLED, TLM_BYTE_DISABLED };
	uint8_t buf[8], d[8] = { 10, 11, 12, 13, 14, 15, 16, 17 };
	struct tlm_payload p;

	memset(buf, 0xee, sizeof(buf));
	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 0, d, 8);
	tlm_payload_set_byte_enable(&p, be, 2);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_OK);
	for (unsigned i = 0; i < 8; i++)
		ck_assert_uint_eq(buf[i], i % 2 == 0 ? d[i] : 0xee);
}
END_TEST

START_TEST(buffer_byte_enables_read_leave_disabled_data)
{
	static const uint8_t be[3] = { 0, 0xff, 0xff };
	uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, d[6];
	struct tlm_payload p;

	memset(d, 0x55, sizeof(d));
	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_READ, 1, d, 6);
	tlm_payload_set_byte_enable(&p, be, 3);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_OK);
	const uint8_t want[6] = { 0x55, 3, 4, 0x55, 6, 7 };
	ck_assert_mem_eq(d, want, 6);
}
END_TEST

START_TEST(buffer_byte_enables_longer_than_data)
{
	/* Enables past the data length are ignored. */
	static const uint8_t be[8] = { 0xff, 0, 0xff, 0, 0, 0, 0, 0 };
	uint8_t buf[4] = { 0 }, d[3] = { 7, 8, 9 };
	struct tlm_payload p;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 0, d, 3);
	tlm_payload_set_byte_enable(&p, be, 8);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_OK);
	const uint8_t want[4] = { 7, 0, 9, 0 };
	ck_assert_mem_eq(buf, want, 4);
}
END_TEST

START_TEST(buffer_byte_enables_all_disabled)
{
	static const uint8_t be[1] = { 0 };
	uint8_t buf[4] = { 1, 2, 3, 4 }, d[4] = { 9, 9, 9, 9 };
	struct tlm_payload p;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 0, d, 4);
	tlm_payload_set_byte_enable(&p, be, 1);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_OK);
	const uint8_t want[4] = { 1, 2, 3, 4 };
	ck_assert_mem_eq(buf, want, 4);
}
END_TEST

START_TEST(buffer_byte_enable_length_zero_is_error)
{
	static const uint8_t be[1] = { 0xff };
	uint8_t buf[4] = { 0 }, d[4] = { 1, 1, 1, 1 };
	struct tlm_payload p;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 0, d, 4);
	p.byte_enable = be;
	p.byte_enable_length = 0;
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_BYTE_ENABLE_ERROR);
	ck_assert_uint_eq(buf[0], 0);
}
END_TEST

START_TEST(buffer_streaming_write_and_read)
{
	/* 14.16: with width w < length, data byte i goes to address + i % w. */
	uint8_t buf[8] = { 0 }, d[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, r[6];
	struct tlm_payload p;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 2, d, 8);
	tlm_payload_set_streaming_width(&p, 3);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_OK);
	/* beats: {1,2,3} {4,5,6} {7,8}: the last beat overwrites 2 bytes. */
	const uint8_t want_mem[8] = { 0, 0, 7, 8, 6, 0, 0, 0 };
	ck_assert_mem_eq(buf, want_mem, 8);

	tlm_payload_setup(&p, TLM_CMD_READ, 3, r, 6);
	tlm_payload_set_streaming_width(&p, 2);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_OK);
	const uint8_t want_r[6] = { 8, 6, 8, 6, 8, 6 };
	ck_assert_mem_eq(r, want_r, 6);
}
END_TEST

START_TEST(buffer_streaming_with_byte_enables)
{
	/* The enable pattern follows the data index, independently of the
	 * address wrap: width 2, pattern of 3. */
	static const uint8_t be[3] = { 0xff, 0xff, 0 };
	uint8_t buf[4] = { 0 }, d[6] = { 1, 2, 3, 4, 5, 6 };
	struct tlm_payload p;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 0, d, 6);
	tlm_payload_set_streaming_width(&p, 2);
	tlm_payload_set_byte_enable(&p, be, 3);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_OK);
	/* i=0 a0 <-1, i=1 a1 <-2, i=2 off, i=3 a1 <-4, i=4 a0 <-5, i=5 off */
	const uint8_t want[4] = { 5, 4, 0, 0 };
	ck_assert_mem_eq(buf, want, 4);
}
END_TEST

START_TEST(buffer_streaming_width_zero_or_wide_is_plain)
{
	uint8_t buf[8] = { 0 }, d[4] = { 1, 2, 3, 4 };
	struct tlm_payload p;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 0, d, 4);
	tlm_payload_set_streaming_width(&p, 0);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_OK);
	ck_assert_mem_eq(buf, d, 4);
	memset(buf, 0, sizeof(buf));
	tlm_payload_set_streaming_width(&p, 100);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_OK);
	ck_assert_mem_eq(buf, d, 4);
}
END_TEST

START_TEST(buffer_ignore_command)
{
	uint8_t buf[4] = { 1, 2, 3, 4 }, d[4] = { 9, 9, 9, 9 };
	struct tlm_payload p;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_IGNORE, 0, d, 4);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_OK);
	const uint8_t want_buf[4] = { 1, 2, 3, 4 }, want_d[4] = { 9, 9, 9, 9 };
	ck_assert_mem_eq(buf, want_buf, 4);
	ck_assert_mem_eq(d, want_d, 4);
	/* A probe with no data at all. */
	tlm_payload_setup(&p, TLM_CMD_IGNORE, 3, NULL, 0);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_OK);
	/* Outside the target the probe says so. */
	tlm_payload_setup(&p, TLM_CMD_IGNORE, 4, NULL, 0);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_ADDRESS_ERROR);
}
END_TEST

START_TEST(buffer_bad_command_length_data)
{
	uint8_t buf[4] = { 0 }, d[4] = { 1, 2, 3, 4 };
	struct tlm_payload p;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, (enum tlm_command)7, 0, d, 4);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_COMMAND_ERROR);
	/* The command check comes before the address check. */
	tlm_payload_setup(&p, (enum tlm_command)7, 100, d, 4);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_COMMAND_ERROR);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 0, d, 0);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_BURST_ERROR);
	tlm_payload_setup(&p, TLM_CMD_READ, 0, NULL, 4);
	ck_assert_int_eq(tlm_buffer_transport(&p, buf, sizeof(buf)), TLM_GENERIC_ERROR);
	ck_assert_uint_eq(buf[0], 0);
}
END_TEST

START_TEST(buffer_dbg)
{
	uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, d[6];
	static const uint8_t be[1] = { 0 };
	struct tlm_payload p;

	tlm_payload_init(&p);
	memset(d, 0, sizeof(d));
	tlm_payload_setup(&p, TLM_CMD_READ, 4, d, 6);
	/* Byte enables and streaming are not part of debug transport. */
	tlm_payload_set_byte_enable(&p, be, 1);
	tlm_payload_set_streaming_width(&p, 1);
	ck_assert_uint_eq(tlm_buffer_transport_dbg(&p, buf, sizeof(buf)), 4);
	const uint8_t want[6] = { 5, 6, 7, 8, 0, 0 };
	ck_assert_mem_eq(d, want, 6);
	ck_assert_int_eq(p.response, TLM_INCOMPLETE);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 0, d, 2);
	ck_assert_uint_eq(tlm_buffer_transport_dbg(&p, buf, sizeof(buf)), 2);
	ck_assert_uint_eq(buf[0], 5);
	ck_assert_uint_eq(buf[1], 6);
	tlm_payload_setup(&p, TLM_CMD_READ, 8, d, 2);
	ck_assert_uint_eq(tlm_buffer_transport_dbg(&p, buf, sizeof(buf)), 0);
	tlm_payload_setup(&p, TLM_CMD_IGNORE, 0, d, 2);
	ck_assert_uint_eq(tlm_buffer_transport_dbg(&p, buf, sizeof(buf)), 0);
}
END_TEST

/* ------------------------------------------------------------------------
 * The memory target
 * ------------------------------------------------------------------------ */

START_TEST(memory_init_errors)
{
	struct tlm_memory m;

	ck_assert_int_eq(tlm_memory_init(NULL, 16, 0, 0), SIM_ERR_INVALID);
	ck_assert_int_eq(tlm_memory_init(&m, 0, 0, 0), SIM_ERR_INVALID);
	tlm_memory_destroy(&m); /* harmless after a failed init */
	ck_assert_int_eq(tlm_memory_init(&m, 16, SIM_TIME_MAX, 1), SIM_ERR_INVALID);
	ck_assert_int_eq(tlm_memory_init(&m, 16, 0, SIM_TIME_MAX / 2), SIM_ERR_INVALID);
	ck_assert_int_eq(tlm_memory_init(&m, 16, 0, 0), SIM_OK);
	for (unsigned i = 0; i < 16; i++)
		ck_assert_uint_eq(m.data[i], 0);
	tlm_memory_destroy(&m);
	tlm_memory_destroy(&m); /* twice is harmless too */
}
END_TEST

START_TEST(memory_write_read_and_latency)
{
	struct tlm_target *t = tlm_memory_target(&mem);
	uint32_t v = 0xdeadbeef, r = 0;
	struct tlm_payload p;
	sim_time_t d = 1000;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 0x40, (uint8_t *)&v, 4);
	tlm_b_transport(t, &p, &d);
	ck_assert_int_eq(p.response, TLM_OK);
	ck_assert(p.dmi_allowed);
	/* Added to what was there: 1 ns + 10 ns + 4 * 125 ps. */
	ck_assert_uint_eq(d, 1000 + LAT_PS + 4 * PER_BYTE_PS);
	ck_assert_mem_eq(mem.data + 0x40, &v, 4);

	d = 0;
	tlm_payload_setup(&p, TLM_CMD_READ, 0x40, (uint8_t *)&r, 4);
	tlm_b_transport(t, &p, &d);
	ck_assert_int_eq(p.response, TLM_OK);
	ck_assert_uint_eq(r, v);
	ck_assert_uint_eq(d, tlm_memory_latency(&mem, 4));
	ck_assert_uint_eq(d, 10500);

	/* Latency counts the data length, streaming or not. */
	uint8_t buf[64];
	d = 0;
	tlm_payload_setup(&p, TLM_CMD_READ, 0, buf, 64);
	tlm_payload_set_streaming_width(&p, 4);
	tlm_b_transport(t, &p, &d);
	ck_assert_int_eq(p.response, TLM_OK);
	ck_assert_uint_eq(d, LAT_PS + 64 * PER_BYTE_PS);
}
END_TEST

START_TEST(memory_out_of_range)
{
	struct tlm_target *t = tlm_memory_target(&mem);
	uint8_t buf[8] = { 0 };
	struct tlm_payload p;
	sim_time_t d = 77;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 252, buf, 8);
	tlm_b_transport(t, &p, &d);
	ck_assert_int_eq(p.response, TLM_ADDRESS_ERROR);
	ck_assert(!p.dmi_allowed);
	ck_assert_uint_eq(d, 77); /* a refused transaction takes no time */
	ck_assert_uint_eq(mem.data[252], 252);
	tlm_payload_setup(&p, TLM_CMD_READ, 256, buf, 1);
	tlm_b_transport(t, &p, &d);
	ck_assert_int_eq(p.response, TLM_ADDRESS_ERROR);
	tlm_payload_setup(&p, TLM_CMD_READ, UINT64_MAX, buf, 2);
	tlm_b_transport(t, &p, &d);
	ck_assert_int_eq(p.response, TLM_ADDRESS_ERROR);
	ck_assert_uint_eq(d, 77);
}
END_TEST

START_TEST(memory_ignore_takes_no_time)
{
	struct tlm_payload p;
	sim_time_t d = 0;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_IGNORE, 8, NULL, 0);
	tlm_b_transport(tlm_memory_target(&mem), &p, &d);
	ck_assert_int_eq(p.response, TLM_OK);
	ck_assert_uint_eq(d, 0);
}
END_TEST

START_TEST(memory_byte_enables)
{
	static const uint8_t be[4] = { 0xff, 0, 0, 0xff };
	uint8_t d[4] = { 0xa0, 0xa1, 0xa2, 0xa3 };
	struct tlm_payload p;
	sim_time_t t = 0;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 16, d, 4);
	tlm_payload_set_byte_enable(&p, be, 4);
	tlm_b_transport(tlm_memory_target(&mem), &p, &t);
	ck_assert_int_eq(p.response, TLM_OK);
	const uint8_t want[4] = { 0xa0, 17, 18, 0xa3 };
	ck_assert_mem_eq(mem.data + 16, want, 4);
}
END_TEST

START_TEST(memory_debug_transport)
{
	struct tlm_target *t = tlm_memory_target(&mem);
	uint8_t buf[16];
	struct tlm_payload p;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_READ, 250, buf, 16);
	ck_assert_uint_eq(tlm_transport_dbg(t, &p), 6); /* clipped at the end */
	ck_assert_uint_eq(buf[0], 250);
	ck_assert_uint_eq(buf[5], 255);
	ck_assert_int_eq(p.response, TLM_INCOMPLETE); /* no response, no hint */
	ck_assert(!p.dmi_allowed);
	memset(buf, 0x77, sizeof(buf));
	tlm_payload_setup(&p, TLM_CMD_WRITE, 0, buf, 3);
	ck_assert_uint_eq(tlm_transport_dbg(t, &p), 3);
	ck_assert_uint_eq(mem.data[2], 0x77);
	tlm_payload_setup(&p, TLM_CMD_READ, 300, buf, 3);
	ck_assert_uint_eq(tlm_transport_dbg(t, &p), 0);
}
END_TEST

START_TEST(memory_dmi_grant)
{
	struct tlm_target *t = tlm_memory_target(&mem);
	struct tlm_payload p;
	struct tlm_dmi dmi;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_READ, 100, NULL, 0);
	ck_assert(tlm_get_dmi(t, &p, &dmi));
	ck_assert_ptr_eq(dmi.ptr, mem.data);
	ck_assert_uint_eq(dmi.start, 0);
	ck_assert_uint_eq(dmi.end, 255);
	ck_assert(tlm_dmi_read_allowed(&dmi));
	ck_assert(tlm_dmi_write_allowed(&dmi));
	ck_assert_uint_eq(dmi.read_latency_ps, tlm_memory_latency(&mem, 4));
	ck_assert_uint_eq(dmi.write_latency_ps, tlm_memory_latency(&mem, 4));
	ck_assert(tlm_dmi_covers(&dmi, 252, 4));
	ck_assert(!tlm_dmi_covers(&dmi, 253, 4));
	ck_assert(tlm_dmi_covers(&dmi, 255, 0));
	ck_assert_ptr_eq(tlm_dmi_ptr(&dmi, 100), mem.data + 100);
	ck_assert_uint_eq(*tlm_dmi_ptr(&dmi, 100), 100);

	ck_assert_int_eq(tlm_memory_set_dmi_access_bytes(&mem, 8), SIM_OK);
	ck_assert_int_eq(tlm_memory_set_dmi_access_bytes(&mem, 0), SIM_ERR_INVALID);
	ck_assert(tlm_get_dmi(t, &p, &dmi));
	ck_assert_uint_eq(dmi.read_latency_ps, LAT_PS + 8 * PER_BYTE_PS);

	/* Beyond the memory: refused, and only beyond it. */
	p.address = 256;
	ck_assert(!tlm_get_dmi(t, &p, &dmi));
	ck_assert_ptr_null(dmi.ptr);
	ck_assert_uint_eq(dmi.start, 256);
	ck_assert_uint_eq(dmi.end, UINT64_MAX);
}
END_TEST

START_TEST(memory_dmi_disabled)
{
	struct tlm_target *t = tlm_memory_target(&mem);
	uint8_t b = 0;
	struct tlm_payload p;
	struct tlm_dmi dmi;
	sim_time_t d = 0;

	tlm_memory_set_dmi_enabled(&mem, false);
	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_READ, 1, &b, 1);
	tlm_b_transport(t, &p, &d);
	ck_assert_int_eq(p.response, TLM_OK);
	ck_assert(!p.dmi_allowed);
	ck_assert(!tlm_get_dmi(t, &p, &dmi));
	ck_assert(!tlm_dmi_read_allowed(&dmi));
	ck_assert_uint_eq(dmi.start, 0);
	ck_assert_uint_eq(dmi.end, 255);
	tlm_memory_set_dmi_enabled(&mem, true);
	ck_assert(tlm_get_dmi(t, &p, &dmi));
}
END_TEST

/* A target with only b_transport: the optional ops default sensibly. */
static void bare_b_transport(void *opaque, struct tlm_payload *p, sim_time_t *delay_ps)
{
	(void)opaque;
	(void)delay_ps;
	p->response = TLM_COMMAND_ERROR;
}

START_TEST(target_optional_ops)
{
	static const struct tlm_target_ops ops = { .b_transport = bare_b_transport };
	struct tlm_target t;
	struct tlm_payload p;
	struct tlm_dmi dmi;
	uint8_t b;

	tlm_target_init(&t, &ops, NULL);
	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_READ, 0, &b, 1);
	ck_assert_uint_eq(tlm_transport_dbg(&t, &p), 0);
	memset(&dmi, 0x5a, sizeof(dmi));
	ck_assert(!tlm_get_dmi(&t, &p, &dmi));
	ck_assert_ptr_null(dmi.ptr);
	ck_assert_uint_eq(dmi.start, 0);
	ck_assert_uint_eq(dmi.end, UINT64_MAX);
	ck_assert_uint_eq(dmi.access, TLM_DMI_NONE);
	tlm_target_destroy(&t);
}
END_TEST

/* ------------------------------------------------------------------------
 * DMI listeners
 * ------------------------------------------------------------------------ */

#define MAX_CALLS 16

/* An initiator's view of invalidations, with actions to take from inside
 * the callback. */
struct recorder {
	int calls;
	uint64_t start[MAX_CALLS], end[MAX_CALLS];
	int *order;     /* shared log of who was called, in order */
	int *norder;
	int id;
	struct tlm_target *target;
	struct tlm_dmi_listener *remove;   /* removed from inside the callback */
	struct tlm_dmi_listener *add;      /* added from inside the callback */
};

static void record(void *opaque, uint64_t start, uint64_t end)
{
	struct recorder *r = opaque;

	ck_assert_int_lt(r->calls, MAX_CALLS);
	r->start[r->calls] = start;
	r->end[r->calls] = end;
	r->calls++;
	if (r->order != NULL)
		r->order[(*r->norder)++] = r->id;
	if (r->remove != NULL) {
		ck_assert_int_eq(tlm_target_remove_dmi_listener(r->target, r->remove), SIM_OK);
		r->remove = NULL;
	}
	if (r->add != NULL) {
		ck_assert_int_eq(tlm_target_add_dmi_listener(r->target, r->add), SIM_OK);
		r->add = NULL;
	}
}

START_TEST(listener_called_with_range)
{
	struct recorder rec = { 0 };
	struct tlm_dmi_listener l;
	struct tlm_target *t = tlm_memory_target(&mem);

	tlm_dmi_listener_init(&l, record, &rec);
	ck_assert_ptr_null(tlm_dmi_listener_target(&l));
	ck_assert_int_eq(tlm_target_add_dmi_listener(t, &l), SIM_OK);
	ck_assert_ptr_eq(tlm_dmi_listener_target(&l), t);
	ck_assert_int_eq(tlm_target_add_dmi_listener(t, &l), SIM_ERR_BUSY);
	tlm_memory_invalidate_dmi(&mem, 0x10, 0x1f);
	ck_assert_int_eq(rec.calls, 1);
	ck_assert_uint_eq(rec.start[0], 0x10);
	ck_assert_uint_eq(rec.end[0], 0x1f);
	tlm_memory_invalidate_dmi(&mem, 5, 4); /* empty: nothing */
	ck_assert_int_eq(rec.calls, 1);
	ck_assert_int_eq(tlm_target_remove_dmi_listener(t, &l), SIM_OK);
	ck_assert_int_eq(tlm_target_remove_dmi_listener(t, &l), SIM_ERR_INVALID);
	tlm_memory_invalidate_dmi(&mem, 0, 255);
	ck_assert_int_eq(rec.calls, 1);
}
END_TEST

START_TEST(listener_range_filter)
{
	struct recorder rec = { 0 };
	struct tlm_dmi_listener l;
	struct tlm_target *t = tlm_memory_target(&mem);

	tlm_dmi_listener_init(&l, record, &rec);
	tlm_dmi_listener_set_range(&l, 0x40, 0x7f);
	ck_assert_int_eq(tlm_target_add_dmi_listener(t, &l), SIM_OK);
	tlm_memory_invalidate_dmi(&mem, 0, 0x3f);
	tlm_memory_invalidate_dmi(&mem, 0x80, 0xff);
	ck_assert_int_eq(rec.calls, 0);
	tlm_memory_invalidate_dmi(&mem, 0x7f, 0x80); /* touches the last byte */
	tlm_memory_invalidate_dmi(&mem, 0x00, 0x40); /* touches the first */
	ck_assert_int_eq(rec.calls, 2);
	ck_assert_uint_eq(rec.start[0], 0x7f); /* not clipped to the filter */
	ck_assert_uint_eq(rec.end[0], 0x80);
	ck_assert_int_eq(tlm_target_remove_dmi_listener(t, &l), SIM_OK);
}
END_TEST

START_TEST(listener_bad_arguments)
{
	struct tlm_dmi_listener l;
	struct tlm_target *t = tlm_memory_target(&mem);

	tlm_dmi_listener_init(&l, NULL, NULL);
	ck_assert_int_eq(tlm_target_add_dmi_listener(t, &l), SIM_ERR_INVALID);
	tlm_dmi_listener_init(&l, record, NULL);
	tlm_dmi_listener_set_range(&l, 9, 8);
	ck_assert_int_eq(tlm_target_add_dmi_listener(t, &l), SIM_ERR_INVALID);
	ck_assert_int_eq(tlm_target_add_dmi_listener(NULL, &l), SIM_ERR_INVALID);
	ck_assert_int_eq(tlm_target_add_dmi_listener(t, NULL), SIM_ERR_INVALID);
}
END_TEST

START_TEST(listener_order_and_changes_during_walk)
{
	int order[16], norder = 0;
	struct recorder a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };
	struct tlm_dmi_listener la, lb, lc, ld;
	struct tlm_target *t = tlm_memory_target(&mem);

	a.id = 1, b.id = 2, c.id = 3, d.id = 4;
	a.order = b.order = c.order = d.order = order;
	a.norder = b.norder = c.norder = d.norder = &norder;
	a.target = b.target = c.target = d.target = t;
	tlm_dmi_listener_init(&la, record, &a);
	tlm_dmi_listener_init(&lb, record, &b);
	tlm_dmi_listener_init(&lc, record, &c);
	tlm_dmi_listener_init(&ld, record, &d);
	ck_assert_int_eq(tlm_target_add_dmi_listener(t, &la), SIM_OK);
	ck_assert_int_eq(tlm_target_add_dmi_listener(t, &lb), SIM_OK);
	ck_assert_int_eq(tlm_target_add_dmi_listener(t, &lc), SIM_OK);

	/* a removes b (not yet visited) and adds d: b is skipped, d is not
	 * told about an invalidation that began before it registered. */
	a.remove = &lb;
	a.add = &ld;
	tlm_memory_invalidate_dmi(&mem, 0, 0);
	ck_assert_int_eq(norder, 2);
	ck_assert_int_eq(order[0], 1);
	ck_assert_int_eq(order[1], 3);
	ck_assert_int_eq(b.calls, 0);
	ck_assert_int_eq(d.calls, 0);

	/* Next time d is told, after the older ones; c removes itself. */
	norder = 0;
	c.remove = &lc;
	tlm_memory_invalidate_dmi(&mem, 1, 1);
	ck_assert_int_eq(norder, 3);
	ck_assert_int_eq(order[0], 1);
	ck_assert_int_eq(order[1], 3);
	ck_assert_int_eq(order[2], 4);
	ck_assert_ptr_null(tlm_dmi_listener_target(&lc));

	/* Destroying the target detaches the rest without calling them. */
	tlm_memory_destroy(&mem);
	ck_assert_ptr_null(tlm_dmi_listener_target(&la));
	ck_assert_ptr_null(tlm_dmi_listener_target(&ld));
	ck_assert_int_eq(a.calls, 3); /* told once more: the memory went away */
	ck_assert_uint_eq(a.start[2], 0);
	ck_assert_uint_eq(a.end[2], 255);
	ck_assert_int_eq(tlm_memory_init(&mem, 256, LAT_PS, PER_BYTE_PS), SIM_OK);
}
END_TEST

/* Nested invalidation from inside a callback, with a removal in the inner
 * walk of a listener the outer walk has yet to visit. */
struct nester {
	struct tlm_target *t;
	struct tlm_dmi_listener *victim;
	int calls;
	bool nested;
};

static void nest(void *opaque, uint64_t start, uint64_t end)
{
	struct nester *n = opaque;

	(void)start;
	(void)end;
	n->calls++;
	if (!n->nested) {
		n->nested = true;
		tlm_target_invalidate_dmi(n->t, 5, 5);
		ck_assert_int_eq(tlm_target_remove_dmi_listener(n->t, n->victim), SIM_OK);
	}
}

START_TEST(listener_nested_invalidation)
{
	struct recorder v = { 0 };
	struct nester n = { 0 };
	struct tlm_dmi_listener ln, lv;
	struct tlm_target *t = tlm_memory_target(&mem);

	n.t = t;
	n.victim = &lv;
	tlm_dmi_listener_init(&ln, nest, &n);
	tlm_dmi_listener_init(&lv, record, &v);
	ck_assert_int_eq(tlm_target_add_dmi_listener(t, &ln), SIM_OK);
	ck_assert_int_eq(tlm_target_add_dmi_listener(t, &lv), SIM_OK);
	tlm_memory_invalidate_dmi(&mem, 0, 10);
	/* inner walk: n (again), v; then v removed, so the outer walk stops. */
	ck_assert_int_eq(n.calls, 2);
	ck_assert_int_eq(v.calls, 1);
	ck_assert_uint_eq(v.start[0], 5);
	ck_assert_int_eq(tlm_target_remove_dmi_listener(t, &ln), SIM_OK);
}
END_TEST

/* tlm_copy_bytes() is memmove: overlapping ranges copy as if through a
 * temporary, for the word sizes it special-cases and the rest. */
START_TEST(copy_bytes_overlap)
{
	uint8_t b[16];

	for (uint32_t len = 1; len <= 9; len++) {
		for (int i = 0; i < 16; i++)
			b[i] = (uint8_t)i;
		tlm_copy_bytes(b + 1, b, len);
		ck_assert_uint_eq(b[0], 0);
		for (uint32_t i = 0; i < len; i++)
			ck_assert_uint_eq(b[1 + i], i);
	}
}
END_TEST

START_TEST(dmi_init_grants_nothing)
{
	struct tlm_dmi d;

	memset(&d, 0x5A, sizeof(d));
	tlm_dmi_init(&d);
	ck_assert_ptr_null(d.ptr);
	ck_assert_uint_eq(d.start, 0);
	ck_assert_uint_eq(d.end, UINT64_MAX);
	ck_assert(!tlm_dmi_read_allowed(&d));
	ck_assert(!tlm_dmi_write_allowed(&d));
	ck_assert_uint_eq(d.read_latency_ps, 0);
	ck_assert_uint_eq(d.write_latency_ps, 0);
}
END_TEST

/* The general path gives the same result as the inline fast path for a
 * plain access, and handles what the fast path leaves to it. */
START_TEST(buffer_transport_slow_matches_fast)
{
	uint8_t buf[8] = { 0 }, data[4] = { 1, 2, 3, 4 }, be[2] = { TLM_BYTE_ENABLED, TLM_BYTE_DISABLED };
	struct tlm_payload p;

	tlm_payload_init(&p);
	tlm_payload_setup(&p, TLM_CMD_WRITE, 2, data, 4);
	ck_assert_int_eq(tlm_buffer_transport_slow(&p, buf, sizeof(buf)), TLM_OK);
	ck_assert_int_eq(p.response, TLM_OK);
	ck_assert_mem_eq(buf + 2, data, 4);
	memset(buf, 0, sizeof(buf));
	tlm_payload_setup(&p, TLM_CMD_WRITE, 0, data, 4);
	tlm_payload_set_byte_enable(&p, be, 2);
	ck_assert_int_eq(tlm_buffer_transport_slow(&p, buf, sizeof(buf)), TLM_OK);
	ck_assert_uint_eq(buf[0], 1);
	ck_assert_uint_eq(buf[1], 0);
	ck_assert_uint_eq(buf[2], 3);
	ck_assert_uint_eq(buf[3], 0);
	tlm_payload_setup(&p, TLM_CMD_READ, 6, data, 4);
	ck_assert_int_eq(tlm_buffer_transport_slow(&p, buf, sizeof(buf)), TLM_ADDRESS_ERROR);
}
END_TEST

static Suite *tlm_suite(void)
{
	Suite *s = suite_create("sim:tlm");
	TCase *tc = tcase_create("payload");

	tcase_add_test(tc, payload_defaults);
	tcase_add_test(tc, copy_bytes_overlap);
	tcase_add_test(tc, dmi_init_grants_nothing);
	tcase_add_test(tc, buffer_transport_slow_matches_fast);
	tcase_add_test(tc, payload_setup_resets_per_transaction_attributes);
	tcase_add_test(tc, payload_span);
	tcase_add_test(tc, response_names_and_classes);
	tcase_add_test(tc, delay_add_saturates);
	suite_add_tcase(s, tc);

	tc = tcase_create("buffer");
	tcase_add_test(tc, buffer_plain_read_write);
	tcase_add_test(tc, buffer_address_range);
	tcase_add_test(tc, buffer_byte_enables_write);
	tcase_add_test(tc, buffer_byte_enables_read_leave_disabled_data);
	tcase_add_test(tc, buffer_byte_enables_longer_than_data);
	tcase_add_test(tc, buffer_byte_enables_all_disabled);
	tcase_add_test(tc, buffer_byte_enable_length_zero_is_error);
	tcase_add_test(tc, buffer_streaming_write_and_read);
	tcase_add_test(tc, buffer_streaming_with_byte_enables);
	tcase_add_test(tc, buffer_streaming_width_zero_or_wide_is_plain);
	tcase_add_test(tc, buffer_ignore_command);
	tcase_add_test(tc, buffer_bad_command_length_data);
	tcase_add_test(tc, buffer_dbg);
	suite_add_tcase(s, tc);

	tc = tcase_create("memory");
	tcase_add_checked_fixture(tc, mem_setup, mem_teardown);
	tcase_add_test(tc, memory_init_errors);
	tcase_add_test(tc, memory_write_read_and_latency);
	tcase_add_test(tc, memory_out_of_range);
	tcase_add_test(tc, memory_ignore_takes_no_time);
	tcase_add_test(tc, memory_byte_enables);
	tcase_add_test(tc, memory_debug_transport);
	tcase_add_test(tc, memory_dmi_grant);
	tcase_add_test(tc, memory_dmi_disabled);
	tcase_add_test(tc, target_optional_ops);
	suite_add_tcase(s, tc);

	tc = tcase_create("dmi-listeners");
	tcase_add_checked_fixture(tc, mem_setup, mem_teardown);
	tcase_add_test(tc, listener_called_with_range);
	tcase_add_test(tc, listener_range_filter);
	tcase_add_test(tc, listener_bad_arguments);
	tcase_add_test(tc, listener_order_and_changes_during_walk);
	tcase_add_test(tc, listener_nested_invalidation);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tlm_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
