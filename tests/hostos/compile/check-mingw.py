#!/usr/bin/env python3
"""tests/hostos/compile/check-mingw.py - pcisim's Windows surface against
mingw-w64's DDK headers.

1. The driver sources (surface-driver.c, surface-scenarios.c) compile with
   x86_64-w64-mingw32-gcc -fsyntax-only against mingw-w64's <wdm.h>, in a
   checked (DBG=1) and a free (DBG=0) build, with -Wall -Wextra -Werror and
   the driver flags, mingw-extra.h force-included: the source is Windows
   driver code, not code that only our headers accept. (A driver source
   may include its own plain-C headers from beside it.)
2. Values and layouts agree: a program built with the host compiler against
   hostos/include prints, for each constant and type below, its value,
   size, signedness and field offsets as C11 static assertions; mingw's
   compiler then checks those assertions against its own headers. A
   constant mingw lacks is listed, not failed (ours may be newer); anything
   that differs fails.
3. Our headers reject what the mock lacks: with the host compiler and the
   driver flags (--driver-args, no -Werror), a call to a WDK routine that
   is not declared, and __leave, fail to compile; a control compiles.

Fails when the mingw compiler or its DDK headers are missing (CI installs
gcc-mingw-w64-x86-64 and mingw-w64-x86-64-dev through scripts/ensure-deps).

Usage: check-mingw.py --mingw CC --source FILE [--source FILE...]
                      --extra FILE --include DIR
                      [--ddk DIR] -- HOST_CC...
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

DRIVER_FLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror",
                "-Wno-multichar", "-Wno-unknown-pragmas"]
HOST_FLAGS = ["-std=c11", "-fshort-wchar", "-Wno-multichar",
              "-Wno-unknown-pragmas"]

# Macro constants compared by name pattern (taken from our header).
MACRO_PATTERNS = [
    r"STATUS_\w+", r"\w+_LEVEL", r"DPFLTR_MASK", r"IRP_MJ_\w+", r"DO_\w+",
    r"FILE_\w+", r"MAXIMUM_PROCESSORS", r"ALL_PROCESSOR_GROUPS",
    r"EXCEPTION_\w+", r"DPC_NORMAL", r"DPC_THREADED", r"MAX(U?(CHAR|SHORT|LONG))",
    r"MIN(CHAR|SHORT|LONG)", r"TRUE", r"FALSE",
    r"KERNEL_SECURITY_CHECK_FAILURE", r"FAST_FAIL_\w+",
]
# Enumeration constants (not visible to the preprocessor).
ENUMS = [
    "LowImportance", "MediumImportance", "HighImportance",
    "MediumHighImportance", "KeepObject", "DeallocateObject",
    "DeallocateObjectKeepRegisters", "DPFLTR_SYSTEM_ID", "DPFLTR_PCI_ID",
    "DPFLTR_IHVDRIVER_ID", "DPFLTR_IHVVIDEO_ID", "DPFLTR_IHVAUDIO_ID",
    "DPFLTR_IHVNETWORK_ID", "DPFLTR_IHVSTREAMING_ID", "DPFLTR_IHVBUS_ID",
    "DPFLTR_DEFAULT_ID",
]
# Scalar types: size and signedness.
SCALARS = [
    "CHAR", "UCHAR", "SHORT", "USHORT", "LONG", "ULONG", "LONGLONG",
    "ULONGLONG", "LONG64", "ULONG64", "LONG_PTR", "ULONG_PTR", "SIZE_T",
    "SSIZE_T", "BOOLEAN", "NTSTATUS", "KIRQL", "KPRIORITY", "CCHAR", "CSHORT",
    "WCHAR", "KAFFINITY", "KSPIN_LOCK", "DEVICE_TYPE", "CLONG", "LOGICAL",
    "INT", "INT32", "UINT32", "LONG32", "ULONG32", "INT64", "UINT64",
    "INT_PTR", "UINT_PTR", "DWORD_PTR", "DWORD64",
]
POINTERS = ["PVOID", "HANDLE", "PWSTR", "PCWSTR", "PSTR", "PCSTR",
            "PSECURITY_DESCRIPTOR", "PKDEFERRED_ROUTINE", "PIO_DPC_ROUTINE",
            "PKSERVICE_ROUTINE", "PDRIVER_DISPATCH"]
# Structures: size and the offset of each listed field.
STRUCTS = {
    "UNICODE_STRING": ["Length", "MaximumLength", "Buffer"],
    "ANSI_STRING": ["Length", "MaximumLength", "Buffer"],
    "STRING": ["Length", "MaximumLength", "Buffer"],
    "LIST_ENTRY": ["Flink", "Blink"],
    "SINGLE_LIST_ENTRY": ["Next"],
    "LARGE_INTEGER": ["LowPart", "HighPart", "u.LowPart", "u.HighPart",
                      "QuadPart"],
    "ULARGE_INTEGER": ["LowPart", "HighPart", "QuadPart"],
    "PHYSICAL_ADDRESS": ["QuadPart"],
    "GUID": ["Data1", "Data2", "Data3", "Data4"],
    "KSPIN_LOCK_QUEUE": ["Next", "Lock"],
    "KLOCK_QUEUE_HANDLE": ["LockQueue", "OldIrql"],
    "KDPC": ["Type", "Importance", "Number", "DpcListEntry",
             "DeferredRoutine", "DeferredContext", "SystemArgument1",
             "SystemArgument2", "DpcData"],
    "KDPC_WATCHDOG_INFORMATION": ["DpcTimeLimit", "DpcTimeCount",
                                  "DpcWatchdogLimit", "DpcWatchdogCount",
                                  "Reserved"],
    "PROCESSOR_NUMBER": ["Group", "Number", "Reserved"],
    "DISPATCHER_HEADER": ["Type", "Signalling", "Size", "Lock",
                          "SignalState", "WaitListHead"],
    "KEVENT": ["Header"],
    "KDEVICE_QUEUE_ENTRY": ["DeviceListEntry", "SortKey", "Inserted"],
    "KDEVICE_QUEUE": ["Type", "Size", "DeviceListHead", "Lock", "Busy"],
    "WAIT_CONTEXT_BLOCK": ["WaitQueueEntry", "DeviceRoutine",
                           "DeviceContext", "NumberOfMapRegisters",
                           "DeviceObject", "CurrentIrp",
                           "BufferChainingDpc"],
    "DEVICE_OBJECT": ["Type", "Size", "ReferenceCount", "DriverObject",
                      "NextDevice", "AttachedDevice", "CurrentIrp", "Timer",
                      "Flags", "Characteristics", "Vpb", "DeviceExtension",
                      "DeviceType", "StackSize", "Queue", "Queue.ListEntry",
                      "Queue.Wcb", "AlignmentRequirement", "DeviceQueue",
                      "Dpc", "ActiveThreadCount", "SecurityDescriptor",
                      "DeviceLock", "SectorSize", "Spare1",
                      "DeviceObjectExtension", "Reserved"],
    "DRIVER_EXTENSION": ["DriverObject", "AddDevice", "Count",
                         "ServiceKeyName"],
    "DRIVER_OBJECT": ["Type", "Size", "DeviceObject", "Flags", "DriverStart",
                      "DriverSize", "DriverSection", "DriverExtension",
                      "DriverName", "HardwareDatabase", "FastIoDispatch",
                      "DriverInit", "DriverStartIo", "DriverUnload",
                      "MajorFunction"],
}


# Host-compiler probes: (what, source after #include <wdm.h>, compiles?).
REJECTS = [
    ("control: a declared routine compiles",
     "void f(void);\nvoid f(void) { KeStallExecutionProcessor(1); }\n", True),
    ("a routine the mock lacks (MmIsAddressValid) is a compile error",
     "void f(void);\nvoid f(void) { (void)MmIsAddressValid((PVOID)0); }\n",
     False),
    ("KeQueryActiveProcessorCountEx (not implemented) is a compile error",
     "unsigned f(void);\nunsigned f(void) { return KeQueryActiveProcessorCountEx(0); }\n",
     False),
    ("__leave is a compile error",
     "void f(void);\nvoid f(void) { __try { __leave; } __finally { } }\n", False),
]


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def find_ddk(mingw, given):
    candidates = [given] if given else []
    candidates += ["/usr/share/mingw-w64/include/ddk",
                   "/usr/x86_64-w64-mingw32/include/ddk"]
    res = run([mingw, "-print-sysroot"])
    if res.returncode == 0 and res.stdout.strip():
        candidates.append(os.path.join(res.stdout.strip(), "include", "ddk"))
    for c in candidates:
        if c and os.path.isfile(os.path.join(c, "wdm.h")):
            return c
    return None


def our_macros(host_cc, include):
    res = run(host_cc + HOST_FLAGS + ["-I", include, "-E", "-dM", "-x", "c",
                                      "-"],
              input="#include <wdm.h>\n")
    if res.returncode != 0:
        sys.exit("host preprocessing of wdm.h failed:\n" + res.stderr)
    names = []
    pat = re.compile("^(?:" + "|".join(MACRO_PATTERNS) + ")$")
    for line in res.stdout.splitlines():
        m = re.match(r"#define (\w+) ", line)
        if m and pat.match(m.group(1)) and not m.group(1).startswith("_"):
            names.append(m.group(1))
    return sorted(set(names))


def generator_source(macros):
    out = ["#include <wdm.h>", "#include <stdio.h>", "#include <stddef.h>",
           "int main(void)", "{"]

    def emit(fmt, *args):
        out.append("\tprintf(" + ", ".join([fmt] + list(args)) + ");")

    for name in macros:
        out.append("#ifdef " + name)
        emit('"#ifdef %s\\n_Static_assert((long long)(%s) == %lldLL, '
             '\\"value of %s\\");\\n#else\\nMISSING %s\\n#endif\\n"',
             '"%s"' % name, '"%s"' % name, "(long long)(%s)" % name,
             '"%s"' % name, '"%s"' % name)
        out.append("#endif")
    for name in ENUMS:
        emit('"_Static_assert((long long)(%s) == %lldLL, \\"value of %s\\");\\n"',
             '"%s"' % name, "(long long)(%s)" % name, '"%s"' % name)
    for t in SCALARS:
        emit('"_Static_assert(sizeof(%s) == %zu && (((%s)-1) < 0) == %d, '
             '\\"size or sign of %s\\");\\n"',
             '"%s"' % t, "sizeof(%s)" % t, '"%s"' % t,
             "(int)(((%s)-1) < 0)" % t, '"%s"' % t)
    for t in POINTERS:
        emit('"_Static_assert(sizeof(%s) == %zu, \\"size of %s\\");\\n"',
             '"%s"' % t, "sizeof(%s)" % t, '"%s"' % t)
    for t, fields in STRUCTS.items():
        emit('"_Static_assert(sizeof(%s) == %zu, \\"size of %s\\");\\n"',
             '"%s"' % t, "sizeof(%s)" % t, '"%s"' % t)
        for f in fields:
            emit('"_Static_assert(offsetof(%s, %s) == %zu, '
                 '\\"offset of %s.%s\\");\\n"',
                 '"%s"' % t, '"%s"' % f, "offsetof(%s, %s)" % (t, f),
                 '"%s"' % t, '"%s"' % f)
    out += ["\treturn 0;", "}", ""]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mingw", required=True)
    ap.add_argument("--source", required=True, action="append")
    ap.add_argument("--extra", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--ddk")
    ap.add_argument("--driver-args", default="",
                    help="the driver flags, space-separated")
    ap.add_argument("host_cc", nargs="+")
    args = ap.parse_args()

    mingw = shutil.which(args.mingw)
    if mingw is None:
        print("FAIL: %s not found (install gcc-mingw-w64-x86-64 and "
              "mingw-w64-x86-64-dev; scripts/ensure-deps does)" % args.mingw)
        return 1
    ddk = find_ddk(mingw, args.ddk)
    if ddk is None:
        print("FAIL: mingw-w64's DDK headers (ddk/wdm.h) not found "
              "(install mingw-w64-x86-64-dev)")
        return 1

    failed = 0
    passed = 0
    for source, dbg in [(s, d) for s in args.source for d in ("1", "0")]:
        cmd = [mingw, "-fsyntax-only"] + DRIVER_FLAGS + [
            "-DDBG=" + dbg, "-I", ddk, "-include", args.extra, source]
        res = run(cmd)
        label = "mingw syntax check of %s, DBG=%s" % (
            os.path.basename(source), dbg)
        if res.returncode != 0:
            print("FAIL: %s\n%s\n%s" % (label, " ".join(cmd), res.stderr))
            failed += 1
        else:
            print("ok: " + label)
            passed += 1

    macros = our_macros(args.host_cc, args.include)
    with tempfile.TemporaryDirectory() as tmp:
        gen_c = os.path.join(tmp, "gen.c")
        gen = os.path.join(tmp, "gen")
        with open(gen_c, "w") as f:
            f.write(generator_source(macros))
        res = run(args.host_cc + HOST_FLAGS + ["-I", args.include, gen_c,
                                               "-o", gen])
        if res.returncode != 0:
            print("FAIL: building the layout generator\n" + res.stderr)
            return 1
        res = run([gen])
        if res.returncode != 0:
            print("FAIL: running the layout generator\n" + res.stderr)
            return 1
        body = res.stdout
        check_c = os.path.join(tmp, "check.c")
        # Every MISSING line sits in the #else of an #ifdef that mingw's
        # preprocessor resolves; -E lists the names mingw lacks.
        with open(check_c, "w") as f:
            f.write("#include <wdm.h>\n#include <stddef.h>\n" + body)
        pre = run([mingw, "-E", "-P", "-DDBG=1", "-I", ddk, check_c])
        missing = sorted(set(re.findall(r"^MISSING (\w+)$", pre.stdout, re.M)))
        with open(check_c, "w") as f:
            f.write("#include <wdm.h>\n#include <stddef.h>\n" +
                    re.sub(r"^MISSING \w+$", "", body, flags=re.M))
        res = run([mingw, "-fsyntax-only", "-std=c11", "-DDBG=1", "-I", ddk,
                   check_c])
        n_checks = body.count("_Static_assert")
        if res.returncode != 0:
            errors = [l for l in res.stderr.splitlines() if "error" in l]
            print("FAIL: values or layouts differ from mingw-w64's "
                  "(%d checks):\n%s" % (n_checks, "\n".join(errors)))
            failed += 1
        else:
            print("ok: %d values, sizes and offsets agree with mingw-w64's "
                  "DDK" % (n_checks - len(missing)))
            passed += 1
        if missing:
            print("note: not in mingw-w64's headers (not compared): " +
                  " ".join(missing))

    for label, body, should_compile in REJECTS:
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "probe.c")
            with open(src, "w") as f:
                f.write("#include <wdm.h>\n" + body)
            res = run(args.host_cc + ["-std=c11", "-fsyntax-only", "-I",
                                      args.include] +
                      args.driver_args.split() + [src])
        if (res.returncode == 0) == should_compile:
            print("ok: " + label)
            passed += 1
        else:
            print("FAIL: " + label + "\n" + res.stderr)
            failed += 1

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
