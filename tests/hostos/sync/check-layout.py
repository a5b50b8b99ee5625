#!/usr/bin/env python3
"""tests/hostos/sync/check-layout.py - the layouts and values of
hostos/include/wdm-sync.h against mingw-w64's DDK: a program built with
the host compiler against our headers prints, for each structure, enum
constant and macro below, its size, field offsets or value as C11 static
assertions; mingw's compiler checks them against its own <ntddk.h>.
(check-mingw.py compares the core's types; these are the sync part's.)

Usage: check-layout.py --mingw CC --include DIR [--ddk DIR] -- HOST_CC...
"""
import argparse
import os
import subprocess
import sys
import tempfile

STRUCTS = {
    "KTIMER": ["Header", "DueTime", "TimerListEntry", "Dpc", "Processor",
               "Period"],
    "KMUTANT": ["Header", "MutantListEntry", "OwnerThread", "Abandoned",
                "ApcDisable"],
    "KMUTEX": ["Header", "OwnerThread"],
    "KSEMAPHORE": ["Header", "Limit"],
    "FAST_MUTEX": ["Count", "Owner", "Contention", "Event", "OldIrql"],
    "KWAIT_BLOCK": ["WaitListEntry", "Thread", "Object", "NextWaitBlock",
                    "WaitKey", "WaitType", "BlockState"],
    "OBJECT_ATTRIBUTES": ["Length", "RootDirectory", "ObjectName",
                          "Attributes", "SecurityDescriptor",
                          "SecurityQualityOfService"],
    "CLIENT_ID": ["UniqueProcess", "UniqueThread"],
    "OBJECT_HANDLE_INFORMATION": ["HandleAttributes", "GrantedAccess"],
}
VALUES = [
    "NotificationEvent", "SynchronizationEvent", "NotificationTimer",
    "SynchronizationTimer", "WaitAll", "WaitAny", "KernelMode", "UserMode",
    "Executive", "DelayExecution", "WrFastMutex", "MaximumWaitReason",
    "CriticalWorkQueue", "DelayedWorkQueue", "HyperCriticalWorkQueue",
    "CustomPriorityWorkQueue", "MAXIMUM_WAIT_OBJECTS", "THREAD_WAIT_OBJECTS",
    "IO_NO_INCREMENT", "OBJ_INHERIT", "OBJ_KERNEL_HANDLE", "SYNCHRONIZE",
    "STANDARD_RIGHTS_REQUIRED", "THREAD_ALL_ACCESS",
    "STATUS_MUTANT_NOT_OWNED", "STATUS_SEMAPHORE_LIMIT_EXCEEDED",
    "STATUS_MUTANT_LIMIT_EXCEEDED", "STATUS_OBJECT_TYPE_MISMATCH",
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mingw", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--ddk", default="/usr/share/mingw-w64/include/ddk")
    ap.add_argument("host_cc", nargs="+")
    a = ap.parse_args()
    if not os.path.isfile(os.path.join(a.ddk, "wdm.h")):
        print("FAIL: mingw-w64's DDK headers not found in " + a.ddk)
        return 1
    src = ["#include <wdm.h>", "#include <stdio.h>", "#include <stddef.h>",
           "int main(void)", "{"]
    for t, fields in STRUCTS.items():
        src.append('\tprintf("_Static_assert(sizeof(%s) == %%zu, \\"size of %s\\");\\n", '
                   'sizeof(%s));' % (t, t, t))
        for f in fields:
            src.append('\tprintf("_Static_assert(offsetof(%s, %s) == %%zu, '
                       '\\"offset of %s.%s\\");\\n", offsetof(%s, %s));'
                       % (t, f, t, f, t, f))
    for v in VALUES:
        src.append('\tprintf("_Static_assert((long long)(%s) == %%lldLL, '
                   '\\"value of %s\\");\\n", (long long)(%s));' % (v, v, v))
    src += ["\treturn 0;", "}", ""]
    with tempfile.TemporaryDirectory() as d:
        gen = os.path.join(d, "gen.c")
        exe = os.path.join(d, "gen")
        chk = os.path.join(d, "check.c")
        open(gen, "w").write("\n".join(src))
        r = subprocess.run(a.host_cc + ["-std=c11", "-fshort-wchar", "-I", a.include,
                                        gen, "-o", exe], capture_output=True, text=True)
        if r.returncode:
            print("FAIL: host build of the generator\n" + r.stderr)
            return 1
        out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
        open(chk, "w").write("#include <ntddk.h>\n#include <stddef.h>\n" + out)
        r = subprocess.run([a.mingw, "-fsyntax-only", "-std=c11", "-I", a.ddk, chk],
                           capture_output=True, text=True)
        if r.returncode:
            print("FAIL: layouts or values differ from mingw-w64's DDK\n" + r.stderr)
            return 1
    n = sum(len(f) + 1 for f in STRUCTS.values()) + len(VALUES)
    print("ok: %d sizes, offsets and values agree with mingw-w64's DDK" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
