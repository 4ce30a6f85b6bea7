/* vigil_json.h — the C API of Vigil's simdjson shim (implemented in C++). Placeholder:
 * the OCSF ingest work fills it in. */
#ifndef VIGIL_JSON_H
#define VIGIL_JSON_H
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
/** The simdjson implementation selected for this CPU (e.g. "haswell"); static storage. */
const char *vj_implementation_name(void);
#ifdef __cplusplus
}
#endif
#endif
