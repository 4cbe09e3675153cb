#include "env/fingerprint.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

namespace hangscope::env {

using nlohmann::json;
// ordered_json for writing keeps "schema" first, so `head -3` of a file shows what it is.
using ojson = nlohmann::ordered_json;

AttrValue AttrValue::scalar(std::string v, std::string source) {
  AttrValue a;
  a.kind = AttrKind::kScalar;
  a.values.push_back(std::move(v));
  a.source = std::move(source);
  return a;
}

AttrValue AttrValue::number(long long v, std::string source) {
  AttrValue a = scalar(std::to_string(v), std::move(source));
  a.numeric = true;
  return a;
}

AttrValue AttrValue::set(std::vector<std::string> vs, std::string source) {
  AttrValue a;
  a.kind = AttrKind::kSet;
  a.values = std::move(vs);
  a.source = std::move(source);
  return a;
}

AttrValue AttrValue::missing(std::string why) {
  AttrValue a;
  a.reason = std::move(why);
  return a;
}

const AttrValue* Fingerprint::find(std::string_view name) const {
  auto it = attrs.find(std::string(name));
  return it == attrs.end() ? nullptr : &it->second;
}

std::string Fingerprint::first_or(std::string_view name, std::string fallback) const {
  const AttrValue* a = find(name);
  if (!a || !a->known() || a->values.empty()) return fallback;
  return a->values.front();
}

namespace {

ojson value_json(const std::string& v, bool numeric) {
  if (numeric) {
    ojson n = ojson::parse(v, nullptr, false);
    if (n.is_number()) return n;
  }
  return v;
}

const char* kind_key(AttrKind k) {
  switch (k) {
    case AttrKind::kScalar:
      return "value";
    case AttrKind::kSet:
      return "values";
    case AttrKind::kSeen:
      return "seen";
    case AttrKind::kMissing:
      return "missing";
  }
  return "missing";
}

// One JSON scalar as text; sets `numeric`. Errors name nothing: the caller adds context.
Result<std::string> scalar_text(const json& j, bool& numeric) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number_integer() || j.is_number_unsigned()) {
    numeric = true;
    return j.dump();
  }
  if (j.is_number_float()) {
    numeric = true;
    return j.dump();
  }
  return make_error(fmt::format("expected a string or a number, got {}", j.type_name()));
}

Result<AttrValue> parse_attr(const json& j) {
  if (!j.is_object()) return make_error(fmt::format("expected an object, got {}", j.type_name()));
  AttrValue a;
  int forms = 0;
  for (AttrKind k : {AttrKind::kScalar, AttrKind::kSet, AttrKind::kSeen, AttrKind::kMissing}) {
    if (j.contains(kind_key(k))) {
      ++forms;
      a.kind = k;
    }
  }
  if (forms != 1) {
    return make_error("needs exactly one of \"value\", \"values\", \"seen\", \"missing\"");
  }
  const json& body = j.at(kind_key(a.kind));
  if (a.kind == AttrKind::kMissing) {
    if (!body.is_string()) return make_error("\"missing\" must be a string (the reason)");
    a.reason = body.get<std::string>();
  } else if (a.kind == AttrKind::kScalar) {
    auto v = scalar_text(body, a.numeric);
    if (!v) return v.error();
    a.values.push_back(std::move(*v));
  } else {
    if (!body.is_array()) {
      return make_error(fmt::format("\"{}\" must be an array", kind_key(a.kind)));
    }
    for (const json& e : body) {
      bool numeric = false;
      auto v = scalar_text(e, numeric);
      if (!v)
        return make_error(fmt::format("\"{}\" element: {}", kind_key(a.kind), v.error().message));
      if (!a.values.empty() && numeric != a.numeric) {
        return make_error(fmt::format("\"{}\" mixes numbers and strings", kind_key(a.kind)));
      }
      a.numeric = numeric;
      a.values.push_back(std::move(*v));
    }
  }
  if (j.contains("source")) {
    if (!j["source"].is_string()) return make_error("\"source\" must be a string");
    a.source = j["source"].get<std::string>();
  }
  return a;
}

}  // namespace

std::string to_json_text(const Fingerprint& fp) {
  ojson attrs = ojson::object();
  for (const auto& [name, a] : fp.attrs) {
    ojson o = ojson::object();
    if (a.kind == AttrKind::kMissing) {
      o["missing"] = a.reason;
    } else if (a.kind == AttrKind::kScalar && !a.values.empty()) {
      o["value"] = value_json(a.values.front(), a.numeric);
    } else {
      ojson arr = ojson::array();
      for (const auto& v : a.values) arr.push_back(value_json(v, a.numeric));
      o[kind_key(a.kind)] = std::move(arr);
    }
    if (!a.source.empty()) o["source"] = a.source;
    attrs[name] = std::move(o);
  }
  ojson root = ojson::object();
  root["schema"] = std::string(kSchema);
  if (!fp.label.empty()) root["label"] = fp.label;
  root["attributes"] = std::move(attrs);
  return root.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<Fingerprint> parse_fingerprint(std::string_view text, std::string_view origin) {
  json root;
  try {
    root = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      return make_error(fmt::format("{}: empty input, expected a {} JSON object", origin, kSchema));
    }
    return make_error(fmt::format("{}: not valid JSON (syntax error at byte {}{})", origin, e.byte,
                                  e.byte >= text.size() ? ", truncated?" : ""));
  } catch (const json::exception&) {
    // out_of_range: a number like 4.15e6666332 that no double holds.
    return make_error(fmt::format("{}: not valid JSON (a number out of range)", origin));
  }
  if (!root.is_object()) {
    return make_error(fmt::format("{}: expected a JSON object, got {}", origin, root.type_name()));
  }
  auto schema = root.find("schema");
  if (schema == root.end()) {
    return make_error(fmt::format("{}: no \"schema\" field (expected \"{}\")", origin, kSchema));
  }
  if (!schema->is_string() || schema->get<std::string>() != kSchema) {
    return make_error(fmt::format("{}: unsupported schema {} (expected \"{}\")", origin,
                                  schema->dump(-1, ' ', false, json::error_handler_t::replace),
                                  kSchema));
  }
  Fingerprint fp;
  if (auto label = root.find("label"); label != root.end()) {
    if (!label->is_string())
      return make_error(fmt::format("{}: \"label\" must be a string", origin));
    fp.label = label->get<std::string>();
  }
  auto attrs = root.find("attributes");
  if (attrs == root.end() || !attrs->is_object()) {
    return make_error(fmt::format("{}: no \"attributes\" object", origin));
  }
  for (const auto& [name, body] : attrs->items()) {
    auto a = parse_attr(body);
    if (!a) {
      return make_error(fmt::format("{}: attribute \"{}\": {}", origin, name, a.error().message));
    }
    fp.attrs.emplace(name, std::move(*a));
  }
  return fp;
}

Result<Fingerprint> load_fingerprint(const std::string& path) {
  constexpr size_t kMaxBytes = 64u << 20;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return make_error(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::string text;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    text.append(buf, n);
    if (text.size() > kMaxBytes) {
      std::fclose(f);
      return make_error(fmt::format("{}: larger than 64 MiB, not a fingerprint", path));
    }
  }
  bool failed = std::ferror(f);
  std::fclose(f);
  if (failed) return make_error(fmt::format("{}: read error: {}", path, std::strerror(errno)));
  return parse_fingerprint(text, path);
}

}  // namespace hangscope::env
