/* fuzz_trace.c - libFuzzer target: any bytes as a recorded trace (JSON
 * Lines) through the reader, then the fold over whatever it accepted, as
 * 'concviz replay' does. A damaged trace must be refused with a located
 * message, never crash the viewer. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace/trace.h"
#include "trace/trace_fold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 256 * 1024 || size == 0) return 0;
    FILE *f = fmemopen((void *)data, size, "rb");
    if (!f) return 0;
    char msg[512];
    trace_log *log = trace_read_jsonl(f, "fuzz.jsonl", msg, sizeof msg);
    fclose(f);
    if (!log) return 0;
    trace_fold *fold = trace_fold_new(log, 64);
    size_t n = trace_fold_count(fold);
    trace_fold_seek(fold, n);
    trace_fold_seek(fold, n / 2);
    trace_fold_seek(fold, 0);
    trace_fold_free(fold);
    trace_log_free(log);
    return 0;
}
