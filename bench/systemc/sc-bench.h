// bench/systemc/sc-bench.h - helpers of the SystemC side of pcisim-bench:
// the wall clock that times sc_start() only, the fixed-seed LCG that both
// sides draw delays and addresses from (Knuth's MMIX constants, high half
// as output, like bench/bench.h), argument parsing and the one result line
// "name value unit" on stdout that pcisim-bench reads. Diagnostics go to
// stderr. These programs are the comparison, not part of the library.
#ifndef PCISIM_BENCH_SC_BENCH_H
#define PCISIM_BENCH_SC_BENCH_H

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace scb {

inline double wall_seconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

class Lcg {
public:
    explicit Lcg(std::uint64_t seed) : state_(seed) {}
    std::uint32_t next()
    {
        state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<std::uint32_t>(state_ >> 32);
    }

private:
    std::uint64_t state_;
};

// argv[i] as a positive count, or fallback when absent; exits on garbage.
inline unsigned long long count_arg(int argc, char **argv, int i, unsigned long long fallback)
{
    if (argc <= i)
        return fallback;
    char *end = nullptr;
    unsigned long long v = std::strtoull(argv[i], &end, 10);
    if (*end != '\0' || v == 0) {
        std::fprintf(stderr, "bad count '%s'\n", argv[i]);
        std::exit(2);
    }
    return v;
}

inline void report(const char *name, double value, const char *unit)
{
    std::printf("%s %.0f %s\n", name, value, unit);
    std::fflush(stdout);
}

} // namespace scb

#endif
