// shim.cpp — Vigil's OCSF record reader over simdjson (DOM API). See include/vigil_json.h.
//
// Layout of the work: a byte scanner splits the input into records (NDJSON lines, or the
// elements of one JSON array, tracked across calls so records may straddle buffers); each
// record is copied into a padded buffer, parsed by simdjson (which validates the whole
// record, so carried-through raw text is always valid JSON), and the fields Vigil needs are
// validated and written to flat arrays plus one string arena.
#include "vigil_json.h"

#include <simdjson.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

namespace {

using std::string_view;
using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr size_t kRejectPrefixBytes = 65536; // record text kept for an oversized record

enum class Phase { Detect, NdjsonLines, ArrayOpen, ArrayExpectElement, ArrayInElement, ArrayAfterElement, ArrayClosed, Discard };

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

string_view trim(string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && is_blank(s[b])) ++b;
    while (e > b && is_blank(s[e - 1])) --e;
    return s.substr(b, e - b);
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c + 32) : c; }

bool contains_ci(string_view hay, string_view needle) {
    if (needle.size() > hay.size()) return false;
    for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
        size_t j = 0;
        while (j < needle.size() && lower(hay[i + j]) == needle[j]) ++j;
        if (j == needle.size()) return true;
    }
    return false;
}

bool ends_with_ci(string_view hay, string_view needle) {
    if (needle.size() > hay.size()) return false;
    for (size_t j = 0; j < needle.size(); ++j)
        if (lower(hay[hay.size() - needle.size() + j]) != needle[j]) return false;
    return true;
}

bool digits(string_view s, size_t at, size_t n) {
    if (at + n > s.size()) return false;
    for (size_t i = at; i < at + n; ++i)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

int number(string_view s, size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
}

// ATT&CK syntax: T1234 or T1234.001 (technique), TA1234 (tactic).
bool is_technique_id(string_view s) {
    if (s.size() == 5) return s[0] == 'T' && digits(s, 1, 4);
    if (s.size() == 9) return s[0] == 'T' && digits(s, 1, 4) && s[5] == '.' && digits(s, 6, 3);
    return false;
}

bool is_tactic_id(string_view s) { return s.size() == 6 && s[0] == 'T' && s[1] == 'A' && digits(s, 2, 4); }

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

// ISO-8601 / RFC 3339: YYYY-MM-DD[T ]HH:MM[:SS[.f{1,9}]](Z|±HH[:]MM|±HH). A UTC offset is
// required: a local time without one is ambiguous. Returns false when malformed.
bool parse_iso8601_ms(string_view s, int64_t &ms) {
    if (!(digits(s, 0, 4) && s.size() >= 16 && s[4] == '-' && digits(s, 5, 2) && s[7] == '-' && digits(s, 8, 2)))
        return false;
    if (!(s[10] == 'T' || s[10] == 't' || s[10] == ' ') || !digits(s, 11, 2) || s[13] != ':' || !digits(s, 14, 2))
        return false;
    const int year = number(s, 0, 4), month = number(s, 5, 2), day = number(s, 8, 2);
    const int hour = number(s, 11, 2), minute = number(s, 14, 2);
    int second = 0, millis = 0;
    size_t i = 16;
    if (i < s.size() && s[i] == ':') {
        if (!digits(s, i + 1, 2)) return false;
        second = number(s, i + 1, 2);
        i += 3;
        if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
            size_t n = 0;
            ++i;
            while (i + n < s.size() && s[i + n] >= '0' && s[i + n] <= '9') ++n;
            if (n == 0 || n > 9) return false;
            for (size_t k = 0; k < 3; ++k) millis = millis * 10 + (k < n ? s[i + k] - '0' : 0);
            i += n;
        }
    }
    static const int month_days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month < 1 || month > 12 || day < 1 || day > month_days[month - 1] || (month == 2 && day == 29 && !leap))
        return false;
    if (hour > 23 || minute > 59 || second > 60) return false;
    if (second == 60) second = 59; // leap second: keep it inside the minute
    int offset_min = 0;
    if (i >= s.size()) return false; // no UTC offset
    if (s[i] == 'Z' || s[i] == 'z') {
        ++i;
    } else if (s[i] == '+' || s[i] == '-') {
        const int sign = s[i] == '-' ? -1 : 1;
        ++i;
        if (!digits(s, i, 2)) return false;
        int oh = number(s, i, 2), om = 0;
        i += 2;
        if (i < s.size() && s[i] == ':') ++i;
        if (i < s.size()) {
            if (!digits(s, i, 2)) return false;
            om = number(s, i, 2);
            i += 2;
        }
        if (oh > 23 || om > 59) return false;
        offset_min = sign * (oh * 60 + om);
    } else {
        return false;
    }
    if (i != s.size()) return false;
    const int64_t days = days_from_civil(year, month, day);
    const int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - int64_t(offset_min) * 60;
    ms = secs * 1000 + millis;
    return true;
}

// Why a record failed to parse, and where: walks the text once tracking strings and nesting,
// so it can name the path of a NaN/Infinity token and tell truncation from other damage.
struct FailureScan {
    int status = VJ_REJECT_MALFORMED_JSON;
    std::string path = "$";
};

FailureScan classify_failure(string_view s) {
    struct Frame {
        bool is_array;
        string_view key;
        size_t index;
    };
    std::vector<Frame> stack;
    FailureScan out;
    bool in_str = false, esc = false;
    size_t str_start = 0;
    string_view last_str;
    auto path = [&]() {
        std::string p;
        for (const Frame &f : stack) {
            if (f.is_array) {
                p += '[';
                p += std::to_string(f.index);
                p += ']';
            } else if (!f.key.empty()) {
                if (!p.empty()) p += '.';
                p.append(f.key.data(), f.key.size());
            }
        }
        return p.empty() ? std::string("$") : p;
    };
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (in_str) {
            if (esc) esc = false;
            else if (c == '\\') esc = true;
            else if (c == '"') {
                in_str = false;
                last_str = s.substr(str_start, i - str_start);
            }
            continue;
        }
        switch (c) {
        case '"': in_str = true; str_start = i + 1; break;
        case ':': if (!stack.empty() && !stack.back().is_array) stack.back().key = last_str; break;
        case '{': stack.push_back({false, string_view(), 0}); break;
        case '[': stack.push_back({true, string_view(), 0}); break;
        case '}': case ']': if (!stack.empty()) stack.pop_back(); break;
        case ',':
            if (!stack.empty() && stack.back().is_array) ++stack.back().index;
            break;
        case 'N': case 'n': case 'I': case 'i': {
            size_t n = 0;
            while (i + n < s.size() && ((s[i + n] | 32) >= 'a' && (s[i + n] | 32) <= 'z')) ++n;
            std::string word;
            for (size_t k = 0; k < n; ++k) word += lower(s[i + k]);
            if (word == "nan" || word == "inf" || word == "infinity") {
                out.status = VJ_REJECT_NON_FINITE;
                out.path = path();
                return out;
            }
            i += n ? n - 1 : 0;
            break;
        }
        default: break;
        }
    }
    if (in_str || !stack.empty()) {
        out.status = VJ_REJECT_TRUNCATED;
        out.path = path();
    }
    return out;
}

} // namespace

struct vj_reader {
    size_t max_record_bytes;
    int format;
    Phase phase = Phase::Detect;
    int64_t next_line = 1;   // NDJSON: number of the line that starts at the scan position
    int64_t next_element = 1; // array: number of the next element
    size_t resume = 0;       // bytes of the unconsumed front already scanned
    bool discarding = false; // inside an oversized record, dropping bytes until its end
    bool bom_checked = false;
    // array element scanner state, kept across calls
    int depth = 0;
    bool in_string = false, escape = false;

    simdjson::dom::parser parser;
    std::unique_ptr<char[]> padded;
    std::vector<vj_record> records;
    std::string arena;
    std::vector<vj_span> strings;
    std::vector<vj_entity> entities;
    std::vector<std::string_view> tactic_scratch; // one record's tactic ids (reused)

    explicit vj_reader(size_t max_bytes, int fmt)
        : max_record_bytes(max_bytes), format(fmt), parser(max_bytes),
          padded(new char[max_bytes + simdjson::SIMDJSON_PADDING]) {}

    vj_span put(string_view s) {
        if (s.empty()) return {0, 0};
        vj_span span{arena.size(), s.size()};
        arena.append(s.data(), s.size());
        return span;
    }

    vj_record blank(int64_t line, size_t offset, size_t length) {
        vj_record r;
        std::memset(&r, 0, sizeof r);
        r.line = line;
        r.raw_offset = offset;
        r.raw_length = length;
        r.confidence_id = r.confidence_score = r.verdict_id = VJ_ABSENT_INT;
        return r;
    }

    void reject_with_copy(int64_t line, int status, string_view field, const std::string &reason, string_view text) {
        vj_record r = blank(line, 0, 0);
        r.status = status;
        const size_t keep = text.size() < kRejectPrefixBytes ? text.size() : kRejectPrefixBytes;
        r.raw_in_arena = 1;
        r.raw_offset = arena.size();
        r.raw_length = keep;
        arena.append(text.data(), keep);
        r.reject_field = put(field);
        r.reject_reason = put(reason);
        records.push_back(r);
    }

    void parse_record(const char *base, size_t offset, size_t length, int64_t line);
};

namespace {

// Field extraction for one record. The first rejection wins; later checks are skipped.
struct Extract {
    vj_reader &R;
    vj_record &r;
    bool rejected = false;

    bool reject(int status, string_view field, const std::string &reason) {
        if (rejected) return false;
        rejected = true;
        r.status = status;
        r.reject_field = R.put(field);
        r.reject_reason = R.put(reason);
        return false;
    }

    static const char *type_name(element_type t) {
        switch (t) {
        case element_type::ARRAY: return "an array";
        case element_type::OBJECT: return "an object";
        case element_type::INT64: case element_type::UINT64: return "an integer";
        case element_type::DOUBLE: return "a number";
        case element_type::STRING: return "a string";
        case element_type::BOOL: return "a boolean";
        case element_type::NULL_VALUE: return "null";
        }
        return "a value";
    }

    bool wrong_type(string_view field, element e, const char *expected) {
        return reject(VJ_REJECT_WRONG_TYPE, field, std::string("expected ") + expected + ", got " + type_name(e.type()));
    }

    // An integer field. Returns false when absent (or null) or rejected; `rejected` tells which.
    bool integer(element e, string_view field, int64_t &out) {
        switch (e.type()) {
        case element_type::INT64: out = e.get_int64().value_unsafe(); return true;
        case element_type::UINT64:
            return reject(VJ_REJECT_INVALID_VALUE, field, "integer out of range");
        case element_type::DOUBLE: {
            // 4.0 is unambiguous; 4.5 is not an enum value or a count.
            const double d = e.get_double().value_unsafe();
            if (std::floor(d) == d && std::fabs(d) < 9007199254740992.0) { out = int64_t(d); return true; }
            return reject(VJ_REJECT_WRONG_TYPE, field, "expected an integer, got a number with a fraction");
        }
        case element_type::NULL_VALUE: return false;
        default: return wrong_type(field, e, "an integer");
        }
    }

    // A string field, trimmed. Returns false when absent, null, empty after trimming, or rejected.
    bool text(element e, string_view field, string_view &out) {
        if (e.type() == element_type::STRING) {
            out = trim(e.get_string().value_unsafe());
            return !out.empty();
        }
        if (e.type() == element_type::NULL_VALUE) return false;
        return wrong_type(field, e, "a string");
    }

    // Lenient string for entity sources: anything but a non-empty string is ignored.
    static bool loose_text(element e, string_view &out) {
        if (e.type() != element_type::STRING) return false;
        out = trim(e.get_string().value_unsafe());
        return !out.empty();
    }

    void entity(int kind, string_view value) {
        if (value.empty()) return;
        R.entities.push_back({kind, R.put(value)});
        ++r.entity_count;
    }

    // Entities of an OCSF endpoint-like object (device, src_endpoint, dst_endpoint, resource).
    void endpoint(element e) {
        if (e.type() != element_type::OBJECT) return;
        string_view v;
        bool host = false;
        for (auto field : e.get_object().value_unsafe()) {
            if (field.key == "hostname" && loose_text(field.value, v)) { entity(VJ_ENTITY_HOST, v); host = true; }
            else if (field.key == "ip" && loose_text(field.value, v)) entity(VJ_ENTITY_IP, v);
            else if (field.key == "domain" && loose_text(field.value, v)) entity(VJ_ENTITY_DOMAIN, v);
        }
        if (!host) {
            element name;
            if (!e["name"].get(name) && loose_text(name, v)) entity(VJ_ENTITY_HOST, v);
        }
    }

    void user(element e) {
        if (e.type() != element_type::OBJECT) return;
        element u;
        string_view v;
        if (!e["name"].get(u) && loose_text(u, v)) entity(VJ_ENTITY_USER, v);
        else if (!e["uid"].get(u) && loose_text(u, v)) entity(VJ_ENTITY_USER, v);
    }

    // evidences[] (OCSF 1.1+): device, actor.user, endpoints, file hashes, url, DNS query.
    void evidence(element e) {
        if (e.type() != element_type::OBJECT) return;
        element x;
        string_view v;
        for (auto field : e.get_object().value_unsafe()) {
            const string_view k = field.key;
            if (k == "device" || k == "src_endpoint" || k == "dst_endpoint") endpoint(field.value);
            else if (k == "actor" && !field.value["user"].get(x)) user(x);
            else if (k == "user") user(field.value);
            else if (k == "url" && !field.value["url_string"].get(x) && loose_text(x, v)) entity(VJ_ENTITY_URL, v);
            else if (k == "query" && !field.value["hostname"].get(x) && loose_text(x, v)) entity(VJ_ENTITY_DOMAIN, v);
            else if (k == "file" && !field.value["hashes"].get(x) && x.type() == element_type::ARRAY)
                for (element h : x.get_array().value_unsafe()) {
                    element hv;
                    if (h.type() == element_type::OBJECT && !h["value"].get(hv) && loose_text(hv, v))
                        entity(VJ_ENTITY_FILE_HASH, v);
                }
        }
    }

    // observables[].type_id (OCSF 1.8.0 observable enum) → entity kind; -1 = not an entity.
    // OCSF has no domain type: hostname_t (1) covers DNS names, so the `name` path decides.
    static int observable_kind(int64_t type_id, string_view name) {
        const bool domain_hint = contains_ci(name, "domain") || contains_ci(name, "dns") || contains_ci(name, "query");
        switch (type_id) {
        case 1: return domain_hint ? VJ_ENTITY_DOMAIN : VJ_ENTITY_HOST;
        case 2: return VJ_ENTITY_IP;
        case 4: return VJ_ENTITY_USER;
        case 6: return VJ_ENTITY_URL;
        case 8: return VJ_ENTITY_FILE_HASH;
        case 0: case -1: case 99: break; // unknown / other: fall back on the name path
        default:
            if (type_id > 0 && type_id <= 45) return -1; // a known non-entity type (port, pid, …)
            break;
        }
        if (name.empty()) return -1;
        if (ends_with_ci(name, ".ip") || ends_with_ci(name, "_ip") || ends_with_ci(name, "ip")) return VJ_ENTITY_IP;
        if (contains_ci(name, "url")) return VJ_ENTITY_URL;
        if (domain_hint) return VJ_ENTITY_DOMAIN;
        if (contains_ci(name, "hostname") || ends_with_ci(name, "host")) return VJ_ENTITY_HOST;
        if (contains_ci(name, "hash") || contains_ci(name, "fingerprint") || contains_ci(name, "sha256") ||
            contains_ci(name, "md5") || contains_ci(name, "sha1"))
            return VJ_ENTITY_FILE_HASH;
        if (contains_ci(name, "user")) return VJ_ENTITY_USER;
        return -1;
    }

    void observables(element arr) {
        for (element o : arr.get_array().value_unsafe()) {
            if (o.type() != element_type::OBJECT) continue;
            int64_t type_id = 0;
            string_view name, value;
            bool has_value = false;
            for (auto field : o.get_object().value_unsafe()) {
                if (field.key == "type_id") {
                    if (field.value.type() == element_type::INT64) type_id = field.value.get_int64().value_unsafe();
                } else if (field.key == "name") {
                    loose_text(field.value, name);
                } else if (field.key == "value") {
                    has_value = loose_text(field.value, value);
                }
            }
            if (!has_value) continue;
            const int kind = observable_kind(type_id, name);
            if (kind >= 0) entity(kind, value);
        }
    }

    // finding_info.attacks[]: technique / sub_technique / tactic uids, syntax-checked.
    // Paths are only built for a rejection: the accepted path allocates nothing.
    void attacks(element arr, string_view prefix) {
        size_t i = 0;
        for (element a : arr.get_array().value_unsafe()) {
            const size_t index = i++;
            auto where = [&](string_view key, string_view leaf) {
                std::string w(prefix);
                w += ".attacks[" + std::to_string(index) + "]";
                if (!key.empty()) { w += '.'; w.append(key.data(), key.size()); }
                if (!leaf.empty()) { w += '.'; w.append(leaf.data(), leaf.size()); }
                return w;
            };
            if (a.type() != element_type::OBJECT) { wrong_type(where("", ""), a, "an object"); return; }
            for (auto field : a.get_object().value_unsafe()) {
                const bool technique = field.key == "technique" || field.key == "sub_technique";
                const bool tactic = field.key == "tactic";
                if (!technique && !tactic) continue;
                const element_type t = field.value.type();
                if (t == element_type::NULL_VALUE) continue;
                if (t != element_type::OBJECT) { wrong_type(where(field.key, ""), field.value, "an object"); return; }
                element uid;
                if (field.value["uid"].get(uid) || uid.type() == element_type::NULL_VALUE) continue;
                if (uid.type() != element_type::STRING) { wrong_type(where(field.key, "uid"), uid, "a string"); return; }
                const string_view id = trim(uid.get_string().value_unsafe());
                if (id.empty()) continue;
                if (technique) {
                    if (!is_technique_id(id)) {
                        reject(VJ_REJECT_INVALID_ATTACK_ID, where(field.key, "uid"),
                               "invalid ATT&CK technique id '" + std::string(id.substr(0, 64)) +
                                   "' (expected T1234 or T1234.001)");
                        return;
                    }
                    add_unique(r.technique_first, r.technique_count, id);
                } else {
                    if (!is_tactic_id(id)) {
                        reject(VJ_REJECT_INVALID_ATTACK_ID, where(field.key, "uid"),
                               "invalid ATT&CK tactic id '" + std::string(id.substr(0, 64)) + "' (expected TA1234)");
                        return;
                    }
                    R.tactic_scratch.push_back(id);
                }
            }
        }
    }

    void add_unique(size_t first, size_t &count, string_view id) {
        for (size_t k = first; k < first + count; ++k) {
            const vj_span &s = R.strings[k];
            if (s.length == id.size() && std::memcmp(R.arena.data() + s.offset, id.data(), id.size()) == 0) return;
        }
        R.strings.push_back(R.put(id));
        ++count;
    }

    void run(element doc);
};

void Extract::run(element doc) {
    if (doc.type() != element_type::OBJECT) { wrong_type("$", doc, "a JSON object"); return; }
    element class_uid, activity_id, time, severity_id, risk_level_id, metadata, finding_info, finding, obs,
        confidence_id, confidence_score, confidence, device, actor, src, dst, resources, evidences, verdict_id;
    bool has[19] = {};
    for (auto field : doc.get_object().value_unsafe()) {
        const string_view k = field.key;
        const element v = field.value;
        switch (k.empty() ? '\0' : k[0]) {
        case 'a':
            if (k == "activity_id") { activity_id = v; has[1] = true; }
            else if (k == "actor") { actor = v; has[15] = true; }
            break;
        case 'c':
            if (k == "class_uid") { class_uid = v; has[0] = true; }
            else if (k == "confidence_id") { confidence_id = v; has[9] = true; }
            else if (k == "confidence_score") { confidence_score = v; has[10] = true; }
            else if (k == "confidence") { confidence = v; has[11] = true; }
            break;
        case 'd':
            if (k == "device") { device = v; has[12] = true; }
            else if (k == "dst_endpoint") { dst = v; has[14] = true; }
            break;
        case 'e': if (k == "evidences") { evidences = v; has[17] = true; } break;
        case 'f':
            if (k == "finding_info") { finding_info = v; has[6] = true; }
            else if (k == "finding") { finding = v; has[7] = true; }
            break;
        case 'm': if (k == "metadata") { metadata = v; has[5] = true; } break;
        case 'o': if (k == "observables") { obs = v; has[8] = true; } break;
        case 'r':
            if (k == "risk_level_id") { risk_level_id = v; has[4] = true; }
            else if (k == "resources") { resources = v; has[16] = true; }
            break;
        case 's':
            if (k == "severity_id") { severity_id = v; has[3] = true; }
            else if (k == "src_endpoint") { src = v; has[13] = true; }
            break;
        case 't': if (k == "time") { time = v; has[2] = true; } break;
        case 'v': if (k == "verdict_id") { verdict_id = v; has[18] = true; } break;
        default: break;
        }
    }
    auto missing = [&](string_view field) { return reject(VJ_REJECT_MISSING_FIELD, field, "required field is missing"); };

    // class_uid: 2004 Detection Finding, or 2001 Security Finding (OCSF 1.0) mapped.
    if (!has[0] || !integer(class_uid, "class_uid", r.class_uid)) { if (!rejected) missing("class_uid"); return; }
    if (r.class_uid != 2004 && r.class_uid != 2001) {
        reject(VJ_REJECT_INVALID_VALUE, "class_uid",
               "unsupported class_uid " + std::to_string(r.class_uid) + " (expected 2004 Detection Finding or 2001 Security Finding)");
        return;
    }
    if (!has[1] || !integer(activity_id, "activity_id", r.activity_id)) { if (!rejected) missing("activity_id"); return; }

    // time: integer ms, integer seconds (< 1e11), or ISO-8601 with a UTC offset.
    if (!has[2] || time.type() == element_type::NULL_VALUE) { missing("time"); return; }
    {
        const element_type t = time.type();
        if (t == element_type::STRING) {
            const string_view s = trim(time.get_string().value_unsafe());
            if (!parse_iso8601_ms(s, r.time_ms))
                return (void)reject(VJ_REJECT_INVALID_VALUE, "time",
                                    "'" + std::string(s.substr(0, 64)) +
                                        "' is not an ISO-8601 time with a UTC offset (e.g. 2025-03-01T12:00:00.123Z)");
        } else if (t == element_type::INT64 || t == element_type::DOUBLE) {
            // Integer (or integral float) epoch time: below 1e11 it can only be seconds
            // (1e11 ms is 1973; 1e11 s is year 5138).
            constexpr double kMaxMs = 253402300799999.0; // 9999-12-31T23:59:59.999Z
            const bool is_int = t == element_type::INT64;
            const int64_t iv = is_int ? time.get_int64().value_unsafe() : 0;
            const double v = is_int ? double(iv) : time.get_double().value_unsafe();
            if (v < 0) return (void)reject(VJ_REJECT_INVALID_VALUE, "time", "negative epoch time");
            const double ms = v < 1e11 ? v * 1000.0 : v;
            if (ms > kMaxMs)
                return (void)reject(VJ_REJECT_INVALID_VALUE, "time", "epoch time beyond year 9999 (expected ms or s)");
            r.time_ms = is_int ? (iv < int64_t(1e11) ? iv * 1000 : iv) : int64_t(std::llround(ms));
        } else if (t == element_type::UINT64) {
            return (void)reject(VJ_REJECT_INVALID_VALUE, "time", "epoch time beyond year 9999 (expected ms or s)");
        } else {
            return (void)wrong_type("time", time, "an integer or an ISO-8601 string");
        }
    }

    // severity_id, or derived from risk_level_id (0 Info … 4 Critical → 1 … 5).
    int64_t sev = 0;
    if (has[3] && integer(severity_id, "severity_id", sev)) {
        if (!((sev >= 0 && sev <= 6) || sev == 99))
            return (void)reject(VJ_REJECT_INVALID_VALUE, "severity_id", "severity_id " + std::to_string(sev) + " is not 0-6 or 99");
        r.severity_id = sev;
    } else {
        if (rejected) return;
        int64_t risk = 0;
        if (has[4] && integer(risk_level_id, "risk_level_id", risk)) {
            if (risk < 0 || risk > 4)
                return (void)reject(VJ_REJECT_INVALID_VALUE, "risk_level_id", "risk_level_id " + std::to_string(risk) + " is not 0-4");
            r.severity_id = risk + 1;
            r.missing |= VJ_MISSING_SEVERITY;
        } else {
            if (!rejected) missing("severity_id");
            return;
        }
    }

    // metadata.product.name, metadata.version, metadata.tenant_uid
    if (!has[5] || metadata.type() == element_type::NULL_VALUE) return (void)missing("metadata");
    if (metadata.type() != element_type::OBJECT) return (void)wrong_type("metadata", metadata, "an object");
    {
        element product, name, version, tenant;
        string_view s;
        if (metadata["product"].get(product) || product.type() == element_type::NULL_VALUE) return (void)missing("metadata.product");
        if (product.type() != element_type::OBJECT) return (void)wrong_type("metadata.product", product, "an object");
        if (product["name"].get(name) || !text(name, "metadata.product.name", s)) {
            if (!rejected) missing("metadata.product.name");
            return;
        }
        r.product_name = R.put(s);
        if (metadata["version"].get(version) || !text(version, "metadata.version", s)) {
            if (!rejected) missing("metadata.version");
            return;
        }
        r.schema_version = R.put(s);
        if (!metadata["tenant_uid"].get(tenant)) {
            if (text(tenant, "metadata.tenant_uid", s)) r.tenant_uid = R.put(s);
            else if (rejected) return;
        }
    }

    // finding_info (2004, and 2001 from OCSF 1.1 on) or finding (2001 in OCSF 1.0).
    const bool use_finding = !has[6] && has[7] && r.class_uid == 2001;
    const char *fi_name = use_finding ? "finding" : "finding_info";
    const element fi = use_finding ? finding : finding_info;
    if ((!has[6] && !use_finding) || fi.type() == element_type::NULL_VALUE) return (void)missing(fi_name);
    if (fi.type() != element_type::OBJECT) return (void)wrong_type(fi_name, fi, "an object");
    {
        // Field names for both spellings, as literals: no allocation on the accepted path.
        const string_view f_uid = use_finding ? "finding.uid" : "finding_info.uid";
        const string_view f_title = use_finding ? "finding.title" : "finding_info.title";
        const string_view f_analytic = use_finding ? "finding.analytic" : "finding_info.analytic";
        const string_view f_analytic_uid = use_finding ? "finding.analytic.uid" : "finding_info.analytic.uid";
        const string_view f_analytic_name = use_finding ? "finding.analytic.name" : "finding_info.analytic.name";
        const string_view f_attacks = use_finding ? "finding.attacks" : "finding_info.attacks";
        element uid, title, analytic, atk;
        string_view s;
        if (fi["uid"].get(uid) || !text(uid, f_uid, s)) { if (!rejected) missing(f_uid); return; }
        r.uid = R.put(s);
        if (fi["title"].get(title) || !text(title, f_title, s)) { if (!rejected) missing(f_title); return; }
        r.title = R.put(s);
        if (!fi["analytic"].get(analytic) && analytic.type() != element_type::NULL_VALUE) {
            if (analytic.type() != element_type::OBJECT) return (void)wrong_type(f_analytic, analytic, "an object");
            element au, an;
            if (!analytic["uid"].get(au)) { if (text(au, f_analytic_uid, s)) r.analytic_uid = R.put(s); else if (rejected) return; }
            if (!analytic["name"].get(an)) { if (text(an, f_analytic_name, s)) r.analytic_name = R.put(s); else if (rejected) return; }
        } else {
            r.missing |= VJ_MISSING_ANALYTIC;
        }
        r.technique_first = r.tactic_first = R.strings.size();
        if (!fi["attacks"].get(atk) && atk.type() != element_type::NULL_VALUE) {
            if (atk.type() != element_type::ARRAY) return (void)wrong_type(f_attacks, atk, "an array");
            attacks(atk, fi_name);
            if (rejected) return;
            if (atk.get_array().value_unsafe().size() == 0) r.missing |= VJ_MISSING_ATTACKS;
        } else {
            r.missing |= VJ_MISSING_ATTACKS;
        }
        r.tactic_first = R.strings.size();
        for (string_view t : R.tactic_scratch) add_unique(r.tactic_first, r.tactic_count, t);
    }

    // confidence
    int64_t n = 0;
    if (has[9] && integer(confidence_id, "confidence_id", n)) r.confidence_id = n;
    if (rejected) return;
    if (has[10] && integer(confidence_score, "confidence_score", n)) r.confidence_score = n;
    if (rejected) return;
    if (r.confidence_score == VJ_ABSENT_INT && has[11] && integer(confidence, "confidence", n)) r.confidence_score = n;
    if (rejected) return;
    if (r.confidence_id == VJ_ABSENT_INT && r.confidence_score == VJ_ABSENT_INT) r.missing |= VJ_MISSING_CONFIDENCE;
    if (has[18] && integer(verdict_id, "verdict_id", n)) r.verdict_id = n;
    if (rejected) return;

    // Primary device and user (always), then the entities.
    r.entity_first = R.entities.size();
    string_view s;
    element x;
    if (has[12] && device.type() == element_type::OBJECT) {
        if (!device["hostname"].get(x) && loose_text(x, s)) r.device_hostname = R.put(s);
        else if (!device["name"].get(x) && loose_text(x, s)) r.device_hostname = R.put(s);
        if (!device["ip"].get(x) && loose_text(x, s)) r.device_ip = R.put(s);
        endpoint(device);
    } else {
        r.missing |= VJ_MISSING_DEVICE;
    }
    if (has[15] && actor.type() == element_type::OBJECT && !actor["user"].get(x) && x.type() == element_type::OBJECT) {
        element u;
        if (!x["name"].get(u) && loose_text(u, s)) r.user_name = R.put(s);
        else if (!x["uid"].get(u) && loose_text(u, s)) r.user_name = R.put(s);
        user(x);
    }
    if (has[8] && obs.type() == element_type::ARRAY && obs.get_array().value_unsafe().size() > 0) {
        observables(obs);
    } else {
        if (has[8] && obs.type() != element_type::ARRAY && obs.type() != element_type::NULL_VALUE)
            return (void)wrong_type("observables", obs, "an array");
        r.missing |= VJ_MISSING_OBSERVABLES;
        if (has[13]) endpoint(src);
        if (has[14]) endpoint(dst);
        if (has[16] && resources.type() == element_type::ARRAY)
            for (element e : resources.get_array().value_unsafe()) endpoint(e);
        if (has[17] && evidences.type() == element_type::ARRAY)
            for (element e : evidences.get_array().value_unsafe()) evidence(e);
    }
}

} // namespace

void vj_reader::parse_record(const char *base, size_t offset, size_t length, int64_t line) {
    records.push_back(blank(line, offset, length));
    vj_record &r = records.back();
    std::memcpy(padded.get(), base + offset, length);
    std::memset(padded.get() + length, 0, simdjson::SIMDJSON_PADDING);
    element doc;
    const simdjson::error_code err = parser.parse(padded.get(), length, false).get(doc);
    if (err) {
        const string_view text(base + offset, length);
        const FailureScan why = classify_failure(text);
        r.status = why.status;
        r.reject_field = put(why.path);
        if (why.status == VJ_REJECT_NON_FINITE)
            r.reject_reason = put("NaN/Infinity is not a JSON number");
        else if (why.status == VJ_REJECT_TRUNCATED)
            r.reject_reason = put(std::string("record is truncated (") + simdjson::error_message(err) + ")");
        else
            r.reject_reason = put(std::string("malformed JSON: ") + simdjson::error_message(err));
        return;
    }
    tactic_scratch.clear();
    Extract x{*this, r};
    x.run(doc);
    if (x.rejected) { // drop partial outputs so rejected records add nothing
        r.technique_count = r.tactic_count = r.entity_count = 0;
    }
}

extern "C" const char *vj_implementation_name(void) {
    return simdjson::get_active_implementation()->name().c_str();
}

extern "C" vj_reader *vj_reader_create(size_t max_record_bytes, int format) {
    if (max_record_bytes == 0) return nullptr;
    try {
        return new vj_reader(max_record_bytes, format);
    } catch (...) {
        return nullptr;
    }
}

extern "C" void vj_reader_destroy(vj_reader *reader) { delete reader; }

extern "C" void vj_reader_next(vj_reader *R, const char *in, size_t len, int at_end, size_t max_records, vj_batch *out) {
    R->records.clear();
    R->arena.clear();
    R->strings.clear();
    R->entities.clear();
    size_t pos = 0;
    int64_t step = VJ_STEP_NEED_INPUT;
    size_t consumed = 0;

    if (!R->bom_checked) {
        if (len < 3 && !at_end) goto need_input;
        R->bom_checked = true;
        if (len >= 3 && (unsigned char)in[0] == 0xEF && (unsigned char)in[1] == 0xBB && (unsigned char)in[2] == 0xBF) pos = 3;
    }

    for (;;) {
        if (R->records.size() >= max_records) { step = VJ_STEP_BATCH_FULL; consumed = pos; break; }
        switch (R->phase) {
        case Phase::Detect: {
            while (pos < len && is_blank(in[pos])) {
                if (in[pos] == '\n') ++R->next_line;
                ++pos;
            }
            if (pos == len) { consumed = pos; step = at_end ? VJ_STEP_DONE : VJ_STEP_NEED_INPUT; goto finish; }
            const bool array = R->format == VJ_FORMAT_ARRAY || (R->format == VJ_FORMAT_AUTO && in[pos] == '[');
            R->phase = array ? Phase::ArrayOpen : Phase::NdjsonLines;
            break;
        }
        case Phase::NdjsonLines: {
            if (R->discarding) {
                const void *nl = pos < len ? std::memchr(in + pos, '\n', len - pos) : nullptr;
                if (!nl) { consumed = len; step = at_end ? VJ_STEP_DONE : VJ_STEP_NEED_INPUT; goto finish; }
                pos = size_t(static_cast<const char *>(nl) - in) + 1;
                R->discarding = false;
                ++R->next_line;
                break;
            }
            if (pos == len) { consumed = pos; step = at_end ? VJ_STEP_DONE : VJ_STEP_NEED_INPUT; goto finish; }
            const size_t from = pos + (pos == 0 ? R->resume : 0);
            R->resume = 0;
            const void *nl = from < len ? std::memchr(in + from, '\n', len - from) : nullptr;
            size_t end;
            if (nl) {
                end = size_t(static_cast<const char *>(nl) - in);
            } else if (at_end) {
                end = len;
            } else if (len - pos > R->max_record_bytes) {
                R->reject_with_copy(R->next_line, VJ_REJECT_OVERSIZED, "$",
                                    "record exceeds the maximum of " + std::to_string(R->max_record_bytes) + " bytes; skipped",
                                    string_view(in + pos, len - pos));
                R->discarding = true;
                pos = len;
                continue;
            } else {
                R->resume = len - pos;
                consumed = pos;
                step = VJ_STEP_NEED_INPUT;
                goto finish;
            }
            size_t stop = end;
            if (stop > pos && in[stop - 1] == '\r') --stop;
            size_t start = pos;
            while (start < stop && is_blank(in[start])) ++start;
            while (stop > start && is_blank(in[stop - 1])) --stop;
            const int64_t line = R->next_line;
            pos = nl ? end + 1 : end;
            if (nl) ++R->next_line;
            if (start == stop) break; // blank line
            if (stop - start > R->max_record_bytes) {
                R->reject_with_copy(line, VJ_REJECT_OVERSIZED, "$",
                                    "record exceeds the maximum of " + std::to_string(R->max_record_bytes) + " bytes; skipped",
                                    string_view(in + start, stop - start));
                break;
            }
            R->parse_record(in, start, stop - start, line);
            break;
        }
        case Phase::ArrayOpen: {
            while (pos < len && is_blank(in[pos])) ++pos;
            if (pos == len) { consumed = pos; step = at_end ? VJ_STEP_DONE : VJ_STEP_NEED_INPUT; goto finish; }
            if (in[pos] != '[') {
                R->reject_with_copy(1, VJ_REJECT_MALFORMED_JSON, "$", "expected '[' to open the JSON array",
                                    string_view(in + pos, len - pos));
                R->phase = Phase::Discard;
                break;
            }
            ++pos;
            R->phase = Phase::ArrayExpectElement;
            break;
        }
        case Phase::ArrayExpectElement:
        case Phase::ArrayAfterElement: {
            while (pos < len && is_blank(in[pos])) ++pos;
            if (pos == len) {
                consumed = pos;
                if (!at_end) { step = VJ_STEP_NEED_INPUT; goto finish; }
                R->reject_with_copy(R->next_element, VJ_REJECT_TRUNCATED, "$",
                                    "input ends before the JSON array's closing ']'", string_view());
                R->phase = Phase::Discard;
                break;
            }
            const char c = in[pos];
            if (c == ']') { ++pos; R->phase = Phase::ArrayClosed; break; }
            if (R->phase == Phase::ArrayAfterElement) {
                if (c == ',') { ++pos; R->phase = Phase::ArrayExpectElement; break; }
                // Missing comma: treat as the start of the next element, which then fails to parse
                // or is accepted; either way nothing is lost.
            }
            R->phase = Phase::ArrayInElement;
            R->depth = 0;
            R->in_string = R->escape = false;
            R->resume = 0;
            // element starts at pos: rebase so the element begins at a consumed boundary
            consumed = pos;
            break;
        }
        case Phase::ArrayInElement: {
            // The element starts at `pos` (a fresh element) or at 0 (resumed after NEED_INPUT).
            const size_t start = pos;
            size_t i = pos + R->resume;
            R->resume = 0;
            int depth = R->depth;
            bool in_str = R->in_string, esc = R->escape;
            bool done = false;
            for (; i < len; ++i) {
                const char c = in[i];
                if (in_str) {
                    if (esc) esc = false;
                    else if (c == '\\') esc = true;
                    else if (c == '"') in_str = false;
                    continue;
                }
                if (c == '"') in_str = true;
                else if (c == '{' || c == '[') ++depth;
                else if (c == '}' || c == ']') {
                    if (depth == 0) { done = true; break; } // the array's own ']'
                    --depth;
                } else if (c == ',' && depth == 0) { done = true; break; }
            }
            R->depth = depth;
            R->in_string = in_str;
            R->escape = esc;
            if (!done && !at_end) {
                if (R->discarding) { consumed = len; step = VJ_STEP_NEED_INPUT; goto finish; }
                if (len - start > R->max_record_bytes) {
                    R->reject_with_copy(R->next_element++, VJ_REJECT_OVERSIZED, "$",
                                        "record exceeds the maximum of " + std::to_string(R->max_record_bytes) +
                                            " bytes; skipped",
                                        string_view(in + start, len - start));
                    R->discarding = true;
                    consumed = len;
                    step = VJ_STEP_NEED_INPUT;
                    goto finish;
                }
                R->resume = len - start;
                consumed = start;
                step = VJ_STEP_NEED_INPUT;
                goto finish;
            }
            pos = i; // at ',' / ']' or len
            R->phase = Phase::ArrayAfterElement;
            if (R->discarding) { R->discarding = false; break; }
            size_t s = start, e = i;
            while (s < e && is_blank(in[s])) ++s;
            while (e > s && is_blank(in[e - 1])) --e;
            const int64_t element_number = R->next_element++;
            if (s == e) {
                R->reject_with_copy(element_number, VJ_REJECT_MALFORMED_JSON, "$", "empty array element", string_view());
            } else if (e - s > R->max_record_bytes) {
                R->reject_with_copy(element_number, VJ_REJECT_OVERSIZED, "$",
                                    "record exceeds the maximum of " + std::to_string(R->max_record_bytes) + " bytes; skipped",
                                    string_view(in + s, e - s));
            } else {
                R->parse_record(in, s, e - s, element_number);
            }
            if (!done) { // at_end: the array never closed
                if (depth == 0 && !in_str) // the element itself was complete: say what is missing
                    R->reject_with_copy(R->next_element, VJ_REJECT_TRUNCATED, "$",
                                        "input ends before the JSON array's closing ']'", string_view());
                R->phase = Phase::Discard;
            }
            break;
        }
        case Phase::ArrayClosed: {
            while (pos < len && is_blank(in[pos])) ++pos;
            if (pos == len) { consumed = pos; step = at_end ? VJ_STEP_DONE : VJ_STEP_NEED_INPUT; goto finish; }
            R->reject_with_copy(R->next_element, VJ_REJECT_MALFORMED_JSON, "$",
                                "content after the JSON array's closing ']'", string_view(in + pos, len - pos));
            R->phase = Phase::Discard;
            break;
        }
        case Phase::Discard:
            consumed = len;
            step = at_end ? VJ_STEP_DONE : VJ_STEP_NEED_INPUT;
            goto finish;
        }
    }
    goto finish;
need_input:
    consumed = 0;
    step = VJ_STEP_NEED_INPUT;
finish:
    out->records = R->records.data();
    out->count = R->records.size();
    out->arena = R->arena.data();
    out->strings = R->strings.data();
    out->entities = R->entities.data();
    out->consumed = consumed;
    out->step = step;
}
