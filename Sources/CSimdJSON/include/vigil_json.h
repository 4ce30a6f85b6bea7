/* vigil_json.h — the whole C API of Vigil's simdjson shim (implemented in C++17 over
 * Debian's libsimdjson). Every symbol is prefixed `vj_`.
 *
 * The shim reads OCSF Detection Findings (class 2004, or 2001 Security Findings) from a
 * byte buffer holding NDJSON or one JSON array, validates each record and writes a flat
 * array of `vj_record` plus a string arena. Swift turns those into `Alert` values. One call
 * handles many records so the Swift↔C crossing is paid once per batch, not per record.
 *
 * Thread safety: a `vj_reader` is used by one thread at a time; separate readers are
 * independent. Pointers in a `vj_batch` stay valid until the next call on the same reader.
 */
#ifndef VIGIL_JSON_H
#define VIGIL_JSON_H
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

/** The simdjson implementation selected for this CPU (e.g. "haswell"); static storage. */
const char *vj_implementation_name(void);

/** Input layout. AUTO looks at the first non-blank byte: `[` means one JSON array. */
enum { VJ_FORMAT_AUTO = 0, VJ_FORMAT_NDJSON = 1, VJ_FORMAT_ARRAY = 2 };

/** Record status: 0 accepted, otherwise why it was rejected. */
enum {
    VJ_ACCEPTED = 0,
    VJ_REJECT_MALFORMED_JSON = 1,   /* not valid JSON */
    VJ_REJECT_TRUNCATED = 2,        /* ends inside a string, object or array */
    VJ_REJECT_NON_FINITE = 3,       /* NaN / Infinity token (not JSON) */
    VJ_REJECT_MISSING_FIELD = 4,    /* required field absent or null */
    VJ_REJECT_WRONG_TYPE = 5,       /* field of the wrong JSON type */
    VJ_REJECT_INVALID_VALUE = 6,    /* right type, unusable value */
    VJ_REJECT_INVALID_ATTACK_ID = 7,/* ATT&CK technique or tactic id not T1234[.001] / TA1234 */
    VJ_REJECT_OVERSIZED = 8         /* larger than the reader's max_record_bytes */
};

/** Entity kinds, in the order of Swift's `EntityKind` cases. */
enum { VJ_ENTITY_HOST = 0, VJ_ENTITY_IP = 1, VJ_ENTITY_USER = 2, VJ_ENTITY_FILE_HASH = 3,
       VJ_ENTITY_DOMAIN = 4, VJ_ENTITY_URL = 5 };

/** Bits of `vj_record.missing`: recommended fields that were absent. */
enum {
    VJ_MISSING_OBSERVABLES = 1u << 0,
    VJ_MISSING_ANALYTIC = 1u << 1,
    VJ_MISSING_DEVICE = 1u << 2,
    VJ_MISSING_ATTACKS = 1u << 3,
    VJ_MISSING_CONFIDENCE = 1u << 4,
    VJ_MISSING_SEVERITY = 1u << 5 /* severity_id absent, derived from risk_level_id */
};

/** Call outcome of `vj_reader_next`. */
enum {
    VJ_STEP_BATCH_FULL = 0, /* `max_records` produced; call again with the unconsumed rest */
    VJ_STEP_NEED_INPUT = 1, /* the unconsumed rest is an incomplete record: append input */
    VJ_STEP_DONE = 2        /* `at_end` was set and the input is fully consumed */
};

/** A string in the batch arena, already trimmed of ASCII blanks. len 0 means absent. */
typedef struct vj_span {
    size_t offset;
    size_t length;
} vj_span;

/** One entity named by the record (`kind` is a VJ_ENTITY_* value). */
typedef struct vj_entity {
    int64_t kind;
    vj_span value;
} vj_entity;

/** Sentinel for absent integer fields. */
#define VJ_ABSENT_INT INT64_MIN

/** One input record (NDJSON line or array element), accepted or rejected. */
typedef struct vj_record {
    int64_t status;          /* VJ_ACCEPTED or VJ_REJECT_* */
    int64_t line;            /* 1-based line (NDJSON) or array element number */
    size_t raw_offset;       /* record text: byte range in the input buffer of this call ... */
    size_t raw_length;
    int64_t raw_in_arena;    /* ... or, when 1, a (truncated) copy in the arena at raw_offset */
    int64_t time_ms;
    int64_t class_uid;
    int64_t activity_id;
    int64_t severity_id;
    int64_t confidence_id;    /* VJ_ABSENT_INT when absent */
    int64_t confidence_score; /* VJ_ABSENT_INT when absent */
    int64_t verdict_id;       /* VJ_ABSENT_INT when absent */
    uint64_t missing;         /* VJ_MISSING_* bits */
    vj_span uid, title, product_name, schema_version, tenant_uid;
    vj_span analytic_uid, analytic_name, device_hostname, device_ip, user_name;
    size_t technique_first, technique_count; /* into vj_batch.strings */
    size_t tactic_first, tactic_count;       /* into vj_batch.strings */
    size_t entity_first, entity_count;       /* into vj_batch.entities */
    vj_span reject_field;  /* dotted path such as finding_info.uid ("$" = whole record) */
    vj_span reject_reason; /* human-readable reason */
} vj_record;

/** The output of one `vj_reader_next` call; owned by the reader. */
typedef struct vj_batch {
    const vj_record *records;
    size_t count;
    const char *arena;
    const vj_span *strings;
    const vj_entity *entities;
    size_t consumed; /* bytes at the front of the input the caller may now discard */
    int64_t step;    /* VJ_STEP_* */
} vj_batch;

typedef struct vj_reader vj_reader;

/** Creates a reader. `max_record_bytes` (> 0) bounds one record; longer records are rejected
 *  (VJ_REJECT_OVERSIZED) and skipped without being buffered. `format` is a VJ_FORMAT_*.
 *  Returns NULL only when out of memory. */
vj_reader *vj_reader_create(size_t max_record_bytes, int format);

/** Frees a reader (NULL is allowed). */
void vj_reader_destroy(vj_reader *reader);

/** Scans records at the front of `input[0, length)` (the caller keeps passing the unconsumed
 *  rest first, followed by new bytes), parses and validates up to `max_records` (> 0) of them,
 *  and describes them in `*out`. `at_end` != 0 says no input follows `input + length`, so a
 *  final unterminated record is complete (or truncated). Record byte ranges in `*out` refer to
 *  `input`. The input needs no padding: each record is copied to a padded buffer before
 *  simdjson sees it. Cost: O(length) scanning plus O(record bytes) parsing. */
void vj_reader_next(vj_reader *reader, const char *input, size_t length, int at_end, size_t max_records,
                    vj_batch *out);

#ifdef __cplusplus
}
#endif
#endif
