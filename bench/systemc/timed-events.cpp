// bench/systemc/timed-events.cpp - SystemC side of kernel_timed_events: one
// SC_METHOD, statically sensitive to its own sc_event, re-notifies it 1 ns
// later each time it runs; its initialisation run schedules the first
// notification and is not counted. Only sc_start() is timed; the count of
// events and the final time (N ns) are checked.
// Usage: systemc-timed-events N
#include <systemc>

#include "sc-bench.h"

using namespace sc_core;

SC_MODULE(OneShotLoop)
{
    sc_event tick;
    const sc_time period;
    unsigned long long target;
    unsigned long long count = 0;
    bool primed = false;

    SC_HAS_PROCESS(OneShotLoop);
    OneShotLoop(sc_module_name name, unsigned long long n)
        : sc_module(name), period(1, SC_NS), target(n)
    {
        SC_METHOD(on_tick);
        sensitive << tick;
    }

    void on_tick()
    {
        if (primed)
            ++count;
        primed = true;
        if (count < target)
            tick.notify(period);
    }
};

int sc_main(int argc, char **argv)
{
    unsigned long long n = scb::count_arg(argc, argv, 1, 40000000ULL);
    OneShotLoop loop("loop", n);

    double t0 = scb::wall_seconds();
    sc_start();
    double dt = scb::wall_seconds() - t0;

    if (loop.count != n || sc_time_stamp().value() != n * 1000ULL) {
        std::fprintf(stderr, "systemc-timed-events: FAIL count=%llu time=%s\n", loop.count,
                     sc_time_stamp().to_string().c_str());
        return 1;
    }
    std::fprintf(stderr, "# systemc-timed-events: n=%llu wall=%.3fs\n", n, dt);
    scb::report("kernel_timed_events", static_cast<double>(n) / dt, "events/s");
    return 0;
}
