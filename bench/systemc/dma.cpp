// bench/systemc/dma.cpp - SystemC/TLM-2.0 side of dma_sim_throughput, the
// workload of the shared peer (dma_model.cpp): a bus-master DMA engine (an
// SC_THREAD with a tlm_quantumkeeper, global quantum 1 us) moves TOTAL
// bytes from a 64 MiB source memory (the device's data) into a 64 MiB host
// memory, both behind a router (address bit 26 selects, the base is
// stripped), each a simple_target_socket that copies the data and
// annotates 10 ns + 125 ps per byte. Each 4 KiB transfer is 16 bursts of
// 256 bytes, each burst a b_transport read from the source into the
// engine's 256-byte buffer and a b_transport write from it to the host
// memory, wrapping over both memories. At the end of each transfer it
// syncs (the completion is at the annotated local time) and notifies a
// completion event that a driver SC_METHOD counts, as our engine calls its
// completion callback. Only sc_start() is timed; the transfer count, the
// errors, every byte of the host memory and the final time are checked.
// Usage: systemc-dma [TOTAL]
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstring>
#include <vector>

#include "sc-bench.h"

using namespace sc_core;

namespace {

const std::uint64_t kBufBytes = 64ULL << 20;
const unsigned kXfer = 4096;
const unsigned kBurst = 256;
const std::uint64_t kLatencyPs = 10000;
const std::uint64_t kPerBytePs = 125;

class Mem : public sc_module {
public:
    tlm_utils::simple_target_socket<Mem> port;
    std::vector<unsigned char> cells;

    Mem(sc_module_name name) : sc_module(name), port("port"), cells(kBufBytes, 1)
    {
        port.register_b_transport(this, &Mem::transport);
    }

private:
    void transport(tlm::tlm_generic_payload &gp, sc_time &delay)
    {
        std::uint64_t at = gp.get_address();
        unsigned len = gp.get_data_length();
        if (at + len > cells.size()) {
            gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        if (gp.is_write())
            std::memcpy(&cells[at], gp.get_data_ptr(), len);
        else if (gp.is_read())
            std::memcpy(gp.get_data_ptr(), &cells[at], len);
        delay += sc_time::from_value(kLatencyPs + kPerBytePs * len);
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

// Target i owns [i << 26, (i + 1) << 26): 0 the source, 1 the host memory.
class Router : public sc_module {
public:
    tlm_utils::simple_target_socket<Router> upstream;
    tlm_utils::simple_initiator_socket<Router> down0, down1;

    Router(sc_module_name name) : sc_module(name), upstream("upstream"), down0("down0"), down1("down1")
    {
        upstream.register_b_transport(this, &Router::transport);
    }

private:
    void transport(tlm::tlm_generic_payload &gp, sc_time &delay)
    {
        std::uint64_t at = gp.get_address();
        std::uint64_t which = at / kBufBytes;
        if (which > 1) {
            gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        gp.set_address(at % kBufBytes);
        (which ? down1 : down0)->b_transport(gp, delay);
        gp.set_address(at);
    }
};

class Engine : public sc_module {
public:
    tlm_utils::simple_initiator_socket<Engine> bus;
    sc_event done_ev;
    unsigned long long transfers = 0, errors = 0;

    SC_HAS_PROCESS(Engine);
    Engine(sc_module_name name, unsigned long long total) : sc_module(name), bus("bus"), total_(total)
    {
        SC_THREAD(run);
    }

private:
    void burst(tlm_utils::tlm_quantumkeeper &qk, tlm::tlm_generic_payload &gp, tlm::tlm_command cmd,
               std::uint64_t at, unsigned char *buf)
    {
        gp.set_command(cmd);
        gp.set_address(at);
        gp.set_data_ptr(buf);
        gp.set_data_length(kBurst);
        gp.set_streaming_width(kBurst);
        gp.set_byte_enable_ptr(nullptr);
        gp.set_dmi_allowed(false);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sc_time local_time = qk.get_local_time();
        bus->b_transport(gp, local_time);
        qk.set(local_time);
        if (!gp.is_response_ok())
            ++errors;
    }

    void run()
    {
        tlm_utils::tlm_quantumkeeper qk;
        qk.reset();
        tlm::tlm_generic_payload gp;
        unsigned char buf[kBurst];
        std::uint64_t off = 0;
        for (unsigned long long n = 0; n < total_ / kXfer; n++) {
            for (unsigned b = 0; b < kXfer; b += kBurst) {
                burst(qk, gp, tlm::TLM_READ_COMMAND, off + b, buf);
                burst(qk, gp, tlm::TLM_WRITE_COMMAND, kBufBytes + off + b, buf);
                if (qk.need_sync())
                    qk.sync();
            }
            off = (off + kXfer) % kBufBytes;
            qk.sync(); // the transfer ends at its annotated time
            ++transfers;
            done_ev.notify(SC_ZERO_TIME);
        }
    }

    unsigned long long total_;
};

class Driver : public sc_module {
public:
    unsigned long long completions = 0;

    SC_HAS_PROCESS(Driver);
    Driver(sc_module_name name, sc_event &ev) : sc_module(name)
    {
        SC_METHOD(isr);
        sensitive << ev;
        dont_initialize();
    }

private:
    void isr() { ++completions; }
};

} // namespace

int sc_main(int argc, char **argv)
{
    unsigned long long total = scb::count_arg(argc, argv, 1, 1ULL << 30);
    total -= total % kXfer;
    tlm::tlm_global_quantum::instance().set(sc_time(1, SC_US));

    Engine engine("engine", total);
    Router router("router");
    Mem src("src"), mem("mem");
    Driver driver("driver", engine.done_ev);
    engine.bus.bind(router.upstream);
    router.down0.bind(src.port);
    router.down1.bind(mem.port);
    scb::Lcg rng(7);
    for (std::uint64_t i = 0; i < kBufBytes; i += 4) {
        std::uint32_t v = rng.next();
        std::memcpy(&src.cells[i], &v, 4);
    }

    double t0 = scb::wall_seconds();
    sc_start();
    double dt = scb::wall_seconds() - t0;

    bool same = true;
    std::uint64_t covered = total < kBufBytes ? total : kBufBytes;
    if (std::memcmp(mem.cells.data(), src.cells.data(), covered) != 0)
        same = false;
    std::uint64_t want_ps = (total / kBurst) * 2 * (kLatencyPs + kPerBytePs * kBurst);
    if (engine.errors != 0 || engine.transfers != total / kXfer || !same ||
        sc_time_stamp().value() != want_ps) {
        std::fprintf(stderr, "systemc-dma: FAIL errors=%llu transfers=%llu same=%d time=%s\n", engine.errors,
                     engine.transfers, same ? 1 : 0, sc_time_stamp().to_string().c_str());
        return 1;
    }
    std::fprintf(stderr, "# systemc-dma: %llu bytes, wall=%.3fs, irqs=%llu\n", total, dt, driver.completions);
    scb::report("dma_sim_throughput", static_cast<double>(total) / dt, "bytes/s");
    return 0;
}
