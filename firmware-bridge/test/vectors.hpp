// A small JSON reader, enough for vectors/frames.json: the host tests read the
// same golden file as libs/bridge-protocol, so the two codecs cannot drift.
#pragma once
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

struct Json {
  enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
  bool boolean = false;
  double number = 0;
  std::string text;
  std::vector<Json> items;
  std::map<std::string, Json> fields;

  const Json &operator[](const std::string &key) const {
    auto it = fields.find(key);
    if (it == fields.end()) throw std::runtime_error("missing field " + key);
    return it->second;
  }
  int integer() const { return static_cast<int>(number); }
};

class JsonParser {
 public:
  explicit JsonParser(std::string text) : s_(std::move(text)) {}
  Json parse() {
    Json v = value();
    space();
    if (i_ != s_.size()) fail("trailing text");
    return v;
  }

 private:
  std::string s_;
  size_t i_ = 0;
  [[noreturn]] void fail(const char *why) { throw std::runtime_error(std::string(why) + " at " + std::to_string(i_)); }
  void space() {
    while (i_ < s_.size() && isspace(static_cast<unsigned char>(s_[i_]))) i_++;
  }
  bool eat(char c) {
    space();
    if (i_ < s_.size() && s_[i_] == c) return ++i_, true;
    return false;
  }
  std::string string() {
    if (!eat('"')) fail("expected string");
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      if (s_[i_] == '\\') i_++;
      out += s_[i_++];
    }
    i_++;
    return out;
  }
  Json value() {
    space();
    Json v;
    if (i_ >= s_.size()) fail("unexpected end");
    char c = s_[i_];
    if (c == '{') {
      v.kind = Json::Object;
      i_++;
      if (eat('}')) return v;
      do {
        std::string key = string();
        if (!eat(':')) fail("expected :");
        v.fields[key] = value();
      } while (eat(','));
      if (!eat('}')) fail("expected }");
    } else if (c == '[') {
      v.kind = Json::Array;
      i_++;
      if (eat(']')) return v;
      do v.items.push_back(value());
      while (eat(','));
      if (!eat(']')) fail("expected ]");
    } else if (c == '"') {
      v.kind = Json::String;
      v.text = string();
    } else if (s_.compare(i_, 4, "true") == 0 || s_.compare(i_, 5, "false") == 0) {
      v.kind = Json::Bool;
      v.boolean = s_[i_] == 't';
      i_ += v.boolean ? 4 : 5;
    } else if (s_.compare(i_, 4, "null") == 0) {
      i_ += 4;
    } else {
      v.kind = Json::Number;
      size_t used = 0;
      v.number = std::stod(s_.substr(i_), &used);
      i_ += used;
    }
    return v;
  }
};

inline Json read_json_file(const std::string &path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return JsonParser(ss.str()).parse();
}

inline std::vector<uint8_t> from_hex(const std::string &hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}
