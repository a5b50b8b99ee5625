// bench/systemc/tlm.cpp - SystemC/TLM-2.0 side of tlm_b_transport and
// tlm_dmi: an initiator SC_THREAD with a tlm_quantumkeeper (global quantum
// 1 us) does alternating 4-byte write / read-back pairs at LCG(42)-random
// aligned addresses, through a router (simple_target_socket in, one
// simple_initiator_socket per target out, decoding address bits 16 and up
// and stripping the base) to four 64 KiB memories (simple_target_socket)
// that copy the data and annotate 10 ns + 125 ps per byte. Mode "bt": every
// access is a b_transport. Mode "dmi": after the first b_transport to a
// memory that sets the DMI hint, get_direct_mem_ptr (through the router,
// which moves the range back to its addresses), then memcpy on the pointer
// plus the DMI latency on the quantum keeper. One transaction = one 4-byte
// access. Only sc_start() is timed; the read-back values, the count and the
// final time (10.5 ns per access) are checked.
// Usage: systemc-tlm bt|dmi N
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstring>
#include <memory>
#include <vector>

#include "sc-bench.h"

using namespace sc_core;

namespace {

const unsigned kTargets = 4;
const unsigned kWindowBits = 16; // 64 KiB per memory
const std::uint64_t kLatencyPs = 10000;
const std::uint64_t kPerBytePs = 125;

// A byte array target; latency = fixed + per byte, annotated on the delay.
class Ram : public sc_module {
public:
    tlm_utils::simple_target_socket<Ram> port;

    Ram(sc_module_name name, std::size_t bytes) : sc_module(name), port("port"), cells_(bytes, 0)
    {
        port.register_b_transport(this, &Ram::transport);
        port.register_get_direct_mem_ptr(this, &Ram::direct);
    }

private:
    static sc_time cost(unsigned bytes) { return sc_time::from_value(kLatencyPs + kPerBytePs * bytes); }

    void transport(tlm::tlm_generic_payload &gp, sc_time &delay)
    {
        std::uint64_t at = gp.get_address();
        unsigned len = gp.get_data_length();
        if (at + len > cells_.size()) {
            gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        if (gp.get_byte_enable_ptr() != nullptr || gp.get_streaming_width() < len) {
            gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
            return;
        }
        if (gp.is_write())
            std::memcpy(&cells_[at], gp.get_data_ptr(), len);
        else if (gp.is_read())
            std::memcpy(gp.get_data_ptr(), &cells_[at], len);
        delay += cost(len);
        gp.set_dmi_allowed(true);
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
    }

    bool direct(tlm::tlm_generic_payload &, tlm::tlm_dmi &dmi)
    {
        dmi.set_dmi_ptr(cells_.data());
        dmi.set_start_address(0);
        dmi.set_end_address(cells_.size() - 1);
        dmi.allow_read_write();
        dmi.set_read_latency(cost(4));
        dmi.set_write_latency(cost(4));
        return true;
    }

    std::vector<unsigned char> cells_;
};

// Target i owns [i << kWindowBits, (i + 1) << kWindowBits).
class Decoder : public sc_module {
public:
    tlm_utils::simple_target_socket<Decoder> upstream;
    sc_vector<tlm_utils::simple_initiator_socket<Decoder>> downstream;

    Decoder(sc_module_name name) : sc_module(name), upstream("upstream"), downstream("downstream", kTargets)
    {
        upstream.register_b_transport(this, &Decoder::transport);
        upstream.register_get_direct_mem_ptr(this, &Decoder::direct);
    }

private:
    static const std::uint64_t kOffsetMask = (1ULL << kWindowBits) - 1;

    void transport(tlm::tlm_generic_payload &gp, sc_time &delay)
    {
        std::uint64_t at = gp.get_address();
        std::uint64_t which = at >> kWindowBits;
        if (which >= downstream.size()) {
            gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        gp.set_address(at & kOffsetMask);
        downstream[which]->b_transport(gp, delay);
        gp.set_address(at);
    }

    bool direct(tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi)
    {
        std::uint64_t at = gp.get_address();
        std::uint64_t which = at >> kWindowBits;
        if (which >= downstream.size())
            return false;
        gp.set_address(at & kOffsetMask);
        bool granted = downstream[which]->get_direct_mem_ptr(gp, dmi);
        gp.set_address(at);
        std::uint64_t base = which << kWindowBits;
        dmi.set_start_address(dmi.get_start_address() + base);
        dmi.set_end_address(dmi.get_end_address() + base);
        return granted;
    }
};

class Cpu : public sc_module {
public:
    tlm_utils::simple_initiator_socket<Cpu> bus;
    unsigned long long done = 0, errors = 0, dmi_hits = 0;

    SC_HAS_PROCESS(Cpu);
    Cpu(sc_module_name name, unsigned long long n, bool dmi) : sc_module(name), bus("bus"), total_(n), use_dmi_(dmi)
    {
        SC_THREAD(run);
    }

private:
    // One 4-byte access; the value read, or 0 for a write.
    std::uint32_t access(tlm_utils::tlm_quantumkeeper &qk, tlm::tlm_generic_payload &gp, bool write,
                         std::uint64_t at, std::uint32_t value)
    {
        unsigned which = static_cast<unsigned>(at >> kWindowBits);
        if (use_dmi_ && granted_[which]) {
            tlm::tlm_dmi &d = regions_[which];
            unsigned char *p = d.get_dmi_ptr() + (at - d.get_start_address());
            if (write) {
                std::memcpy(p, &value, sizeof value);
                qk.inc(d.get_write_latency());
            } else {
                std::memcpy(&value, p, sizeof value);
                qk.inc(d.get_read_latency());
            }
            ++dmi_hits;
        } else {
            gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
            gp.set_address(at);
            gp.set_data_ptr(reinterpret_cast<unsigned char *>(&value));
            gp.set_data_length(sizeof value);
            gp.set_streaming_width(sizeof value);
            gp.set_byte_enable_ptr(nullptr);
            gp.set_dmi_allowed(false);
            gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
            sc_time local = qk.get_local_time();
            bus->b_transport(gp, local);
            qk.set(local);
            if (!gp.is_response_ok())
                ++errors;
            if (use_dmi_ && gp.is_dmi_allowed()) {
                regions_[which].init();
                granted_[which] = bus->get_direct_mem_ptr(gp, regions_[which]) &&
                                  regions_[which].is_read_write_allowed();
            }
        }
        if (qk.need_sync())
            qk.sync();
        return write ? 0 : value;
    }

    void run()
    {
        tlm_utils::tlm_quantumkeeper qk;
        qk.reset();
        tlm::tlm_generic_payload gp;
        scb::Lcg rng(42);
        const std::uint32_t offset_mask = (1u << kWindowBits) - 4;
        for (unsigned long long i = 0; i + 1 < total_; i += 2) {
            std::uint32_t r = rng.next();
            std::uint64_t at = (static_cast<std::uint64_t>(r % kTargets) << kWindowBits) | ((r >> 8) & offset_mask);
            std::uint32_t v = static_cast<std::uint32_t>(i) ^ 0x5a5a5a5au;
            access(qk, gp, true, at, v);
            if (access(qk, gp, false, at, 0) != v)
                ++errors;
            done += 2;
        }
        qk.sync();
    }

    unsigned long long total_;
    bool use_dmi_;
    tlm::tlm_dmi regions_[kTargets];
    bool granted_[kTargets] = {};
};

} // namespace

int sc_main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "bt";
    bool dmi = !std::strcmp(mode, "dmi");
    if (!dmi && std::strcmp(mode, "bt") != 0) {
        std::fprintf(stderr, "usage: systemc-tlm bt|dmi N\n");
        return 2;
    }
    unsigned long long n = scb::count_arg(argc, argv, 2, dmi ? 300000000ULL : 80000000ULL);
    tlm::tlm_global_quantum::instance().set(sc_time(1, SC_US));

    Cpu cpu("cpu", n, dmi);
    Decoder decoder("decoder");
    std::vector<std::unique_ptr<Ram>> rams;
    cpu.bus.bind(decoder.upstream);
    for (unsigned i = 0; i < kTargets; i++) {
        rams.emplace_back(new Ram(sc_gen_unique_name("ram"), std::size_t(1) << kWindowBits));
        decoder.downstream[i].bind(rams.back()->port);
    }

    double t0 = scb::wall_seconds();
    sc_start();
    double dt = scb::wall_seconds() - t0;

    unsigned long long expect = n & ~1ULL;
    if (cpu.errors != 0 || cpu.done != expect ||
        sc_time_stamp().value() != cpu.done * (kLatencyPs + 4 * kPerBytePs)) {
        std::fprintf(stderr, "systemc-tlm %s: FAIL errors=%llu done=%llu time=%s\n", mode, cpu.errors, cpu.done,
                     sc_time_stamp().to_string().c_str());
        return 1;
    }
    std::fprintf(stderr, "# systemc-tlm %s: n=%llu dmi_hits=%llu wall=%.3fs\n", mode, cpu.done, cpu.dmi_hits, dt);
    scb::report(dmi ? "tlm_dmi" : "tlm_b_transport", static_cast<double>(cpu.done) / dt, "transactions/s");
    return 0;
}
