/* For the wine smoke test only, never shipped: wine 8 (Debian 12) has no bcryptprimitives.dll,
 * whose ProcessPrng Rust's standard library takes its random bytes from on Windows 10 and later
 * (where the DLL is part of the system). This stand-in gives the same call over RtlGenRandom. */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!RtlGenRandom(data, n)) return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
