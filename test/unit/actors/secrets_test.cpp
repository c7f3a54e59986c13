// Secrets: NFC and trimming, the strength rule, codes from a random source, constant-time compare.
#include "actors/secrets.hpp"

#include <catch2/catch.hpp>

using namespace otrbot::secrets;

TEST_CASE("secrets are NFC-normalised and trimmed, so both sides type the same bytes") {
  // "é" as e + combining acute becomes the single code point U+00E9.
  CHECK(normalise("  caf\x65\xCC\x81 au lait\t\n") == "caf\xC3\xA9 au lait");
  CHECK(normalise("\xE3\x80\x80wide space\xE3\x80\x80") == "wide space");  // U+3000
  CHECK(normalise("inner  spaces stay") == "inner  spaces stay");
  CHECK_FALSE(normalise("bad \xFF utf-8"));
}

TEST_CASE("weak secrets are refused with a reason") {
  CHECK(weakness("short") == "a secret needs at least 8 characters");
  CHECK(weakness("aaaabbbb") == "a secret needs at least 5 different characters");
  CHECK(weakness("PassWord") == "that secret is one of the best-known passwords");
  CHECK(weakness("12345678"));
  CHECK(weakness("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"));  // 4 characters, 8 bytes
}

TEST_CASE("strong enough secrets pass") {
  CHECK_FALSE(weakness("purple tractor 42"));
  CHECK_FALSE(weakness("mijn geheim"));
  CHECK_FALSE(weakness("\xD0\xBF\xD0\xB0\xD1\x80\xD0\xBE\xD0\xBB\xD1\x8C\xD0\xBA\xD0\xB8\xD0\xB9"));
}

TEST_CASE("codes follow the format with characters from the alphabet only") {
  std::uint8_t next = 0;
  auto counting = [&](std::uint8_t* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
      out[i] = next++;
  };
  auto code = make_code("XXXX-XXXX", counting);
  CHECK(code == "ABCD-FGHJ");  // byte 4 belongs to the '-', which stays
  for (int i = 0; i < 50; ++i)
    for (char c : make_code("XXXXXXXX", counting))
      CHECK(code_alphabet.find(c) != std::string_view::npos);
  CHECK(make_code("AB-XX", [](std::uint8_t* o, std::size_t n) { std::fill(o, o + n, 0xff); }) ==
        "AB-99");
}

TEST_CASE("the alphabet has no look-alikes") {
  CHECK(code_alphabet.size() == 32);
  for (char c : {'0', 'O', '1', 'I'})
    CHECK(code_alphabet.find(c) == std::string_view::npos);
}

TEST_CASE("a typed code matches after trimming, in any case") {
  CHECK(code_matches("ABCD-EF23", "ABCD-EF23"));
  CHECK(code_matches("ABCD-EF23", "  abcd-ef23\n"));
  CHECK_FALSE(code_matches("ABCD-EF23", "ABCD-EF24"));
  CHECK_FALSE(code_matches("ABCD-EF23", "ABCDEF23"));
  CHECK_FALSE(code_matches("", ""));
}

TEST_CASE("constant-time equality") {
  CHECK(constant_time_equal("same", "same"));
  CHECK_FALSE(constant_time_equal("same", "sane"));
  CHECK_FALSE(constant_time_equal("same", "samey"));
}
