#include "vigil_json.h"
#include <simdjson.h>

extern "C" const char *vj_implementation_name(void)
{
    return simdjson::get_active_implementation()->name().c_str();
}
