// bench/systemc/pending.cpp - SystemC side of kernel_pending_100k: K method
// processes (sc_spawn'ed, dont_initialize, statically sensitive to one
// sc_event each); each, when triggered, re-notifies its own event 1..1024 ns
// later (fixed-seed LCG, seed 12345; the delays are sc_time values built
// beforehand), so K timed notifications are always pending. sc_stop() after
// N events. The processes and their first notifications (made in
// start_of_simulation, in process order) are set up by an untimed
// sc_start(SC_ZERO_TIME); only the second sc_start() is timed.
// Usage: systemc-pending K N
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <systemc>

#include <memory>

#include "sc-bench.h"

using namespace sc_core;

class Swarm : public sc_module {
public:
    Swarm(sc_module_name name, unsigned long long k, unsigned long long n)
        : sc_module(name), events_(new sc_event[k]), size_(k), limit_(n), rng_(12345)
    {
        for (unsigned i = 0; i < 1024; i++)
            delays_[i] = sc_time(static_cast<double>(i + 1), SC_NS);
        for (unsigned long long i = 0; i < k; i++) {
            sc_spawn_options opts;
            opts.spawn_method();
            opts.dont_initialize();
            opts.set_sensitivity(&events_[i]);
            sc_spawn(Member{this, i}, sc_gen_unique_name("p"), &opts);
        }
    }

    unsigned long long fired() const { return fired_; }

private:
    // The body of process i, as a functor (sc_spawn copies it).
    struct Member {
        Swarm *owner;
        unsigned long long index;
        void operator()() { owner->on_event(index); }
    };

    const sc_time &next_delay() { return delays_[rng_.next() & 1023u]; }

    void start_of_simulation() override
    {
        for (unsigned long long i = 0; i < size_; i++)
            events_[i].notify(next_delay());
    }

    void on_event(unsigned long long i)
    {
        if (fired_ >= limit_)
            return; // left over in the delta cycle that stopped
        if (++fired_ == limit_) {
            sc_stop();
            return;
        }
        events_[i].notify(next_delay());
    }

    std::unique_ptr<sc_event[]> events_;
    unsigned long long size_, limit_, fired_ = 0;
    sc_time delays_[1024];
    scb::Lcg rng_;
};

int sc_main(int argc, char **argv)
{
    unsigned long long k = scb::count_arg(argc, argv, 1, 100000ULL);
    unsigned long long n = scb::count_arg(argc, argv, 2, 1000000ULL);
    sc_report_handler::set_actions(SC_INFO, SC_DO_NOTHING); // "stopped by user"

    double te = scb::wall_seconds();
    Swarm swarm("swarm", k, n);
    sc_start(SC_ZERO_TIME);
    double t0 = scb::wall_seconds();
    sc_start();
    double dt = scb::wall_seconds() - t0;

    if (swarm.fired() != n) {
        std::fprintf(stderr, "systemc-pending: FAIL fired=%llu of %llu\n", swarm.fired(), n);
        return 1;
    }
    std::fprintf(stderr, "# systemc-pending: k=%llu n=%llu setup=%.3fs wall=%.3fs sim=%s\n", k, n, t0 - te, dt,
                 sc_time_stamp().to_string().c_str());
    scb::report("kernel_pending_100k", static_cast<double>(n) / dt, "events/s");
    return 0;
}
