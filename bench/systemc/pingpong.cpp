// bench/systemc/pingpong.cpp - SystemC side of kernel_thread_switch: two
// SC_THREADs hand control back and forth through two sc_events, N round
// trips, notifying with SC_ZERO_TIME (delta), 1 ns (timed) or immediately.
// A switch is one thread resumed from wait(), two per round trip. Only
// sc_start() is timed; the switch count and the final time are checked.
// Usage: systemc-pingpong delta|timed|immediate N
#include <systemc>

#include <cstring>

#include "sc-bench.h"

using namespace sc_core;

enum class Kick { delta, timed, immediate };

SC_MODULE(Rally)
{
    sc_event to_b, to_a;
    const sc_time one_ns;
    Kick kick;
    unsigned long long rounds;
    unsigned long long switches = 0;

    SC_HAS_PROCESS(Rally);
    Rally(sc_module_name name, Kick k, unsigned long long n)
        : sc_module(name), one_ns(1, SC_NS), kick(k), rounds(n)
    {
        SC_THREAD(serve);
        SC_THREAD(answer);
    }

    void send(sc_event & ev)
    {
        switch (kick) {
        case Kick::delta:
            ev.notify(SC_ZERO_TIME);
            break;
        case Kick::timed:
            ev.notify(one_ns);
            break;
        case Kick::immediate:
            ev.notify();
            break;
        }
    }

    void serve()
    {
        wait(SC_ZERO_TIME); // let answer() reach its first wait
        for (unsigned long long i = 0; i < rounds; i++) {
            send(to_b);
            wait(to_a);
            ++switches;
        }
    }

    void answer()
    {
        for (;;) {
            wait(to_b);
            ++switches;
            send(to_a);
        }
    }
};

int sc_main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "delta";
    Kick k;
    if (!std::strcmp(mode, "delta"))
        k = Kick::delta;
    else if (!std::strcmp(mode, "timed"))
        k = Kick::timed;
    else if (!std::strcmp(mode, "immediate"))
        k = Kick::immediate;
    else {
        std::fprintf(stderr, "usage: systemc-pingpong delta|timed|immediate N\n");
        return 2;
    }
    unsigned long long n = scb::count_arg(argc, argv, 2, 10000000ULL);
    Rally rally("rally", k, n);

    double t0 = scb::wall_seconds();
    sc_start();
    double dt = scb::wall_seconds() - t0;

    unsigned long long end_ps = k == Kick::timed ? 2 * n * 1000ULL : 0;
    if (rally.switches != 2 * n || sc_time_stamp().value() != end_ps) {
        std::fprintf(stderr, "systemc-pingpong %s: FAIL switches=%llu time=%s\n", mode, rally.switches,
                     sc_time_stamp().to_string().c_str());
        return 1;
    }
    std::fprintf(stderr, "# systemc-pingpong %s: n=%llu wall=%.3fs\n", mode, n, dt);
    const char *name = k == Kick::delta   ? "kernel_thread_switch"
                       : k == Kick::timed ? "kernel_thread_switch_timed"
                                          : "kernel_thread_switch_immediate";
    scb::report(name, static_cast<double>(rally.switches) / dt, "switches/s");
    return 0;
}
